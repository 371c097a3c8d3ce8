"""A realistic N-note session for benchmarks (the export and canvas benchmarks share it).

The structure (session, map, stages, lanes, persona, participants, curve) is
built with the real `journey.ops`, so it is exactly what the app makes. The
notes and votes are inserted as rows in bulk: `ops.add_note` renumbers the
cell on every call, which is right for an edit and quadratic for 20,000
notes. Positions are dense per cell (0..n-1) and every note's colour is its
lane kind's colour, as `ops.add_note` would give it.
"""

from __future__ import annotations

import random

from sqlalchemy import insert
from sqlmodel import Session as Db

from journey import ops
from journey.models import LaneKind, Note, Session, Vote, new_id, now_iso
from journey.palette import STRONG_COLOURS, note_colour_for_kind

STAGE_NAMES = ["Awareness", "Consideration", "Purchase", "Onboarding", "Use", "Service",
               "Renewal", "Loyalty", "Advocacy", "Win-back", "Exit", "Return"]
LANE_KINDS = [LaneKind.TOUCHPOINTS, LaneKind.ACTIONS, LaneKind.THOUGHTS, LaneKind.FEELINGS,
              LaneKind.EMOTION, LaneKind.PAIN_POINTS, LaneKind.OPPORTUNITIES,
              LaneKind.BACKSTAGE, LaneKind.CHANNELS, LaneKind.METRICS, LaneKind.QUOTES]
WORDS = ("customer wants to compare plans quickly but the price page hides shipping costs "
         "support answers within a day the app asks for too many details before checkout "
         "delivery arrives late again refund takes two weeks newsletter feels personal "
         "loyalty points expire without warning onboarding email explains the grind options "
         "courier leaves the box outside subscription pause is hard to find in settings "
         "great taste but packaging is bulky friends recommend it at work").split()


def note_text(rng: random.Random) -> str:
    """Sticky-note text: mostly a few words, sometimes a sentence, rarely a paragraph."""
    r = rng.random()
    n = rng.randint(2, 6) if r < 0.6 else rng.randint(7, 16) if r < 0.95 else rng.randint(30, 60)
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words)


def generate_session(db: Db, notes: int, stages: int = 8, lanes: int = 8,
                     seed: int = 0) -> Session:
    """A session with one map of `stages` × `lanes` and `notes` notes (one transaction)."""
    rng = random.Random(seed)
    session = ops.create_session(db, f"Benchmark {notes} notes", template=None, map_name=None,
                                 date="2026-01-15", facilitator="Benchmark",
                                 goal="Measure how Waymark copes with large maps.")
    persona = ops.add_persona(db, session.id, "Alex, the regular", role="Subscriber")
    jmap = ops.add_map(db, session.id, "Current state", template=None, persona_id=persona.id)
    stage_rows = [ops.add_stage(db, jmap.id, STAGE_NAMES[i % len(STAGE_NAMES)]
                                + (f" {i // len(STAGE_NAMES) + 1}" if i >= len(STAGE_NAMES)
                                   else "")) for i in range(stages)]
    kinds = [LANE_KINDS[i % len(LANE_KINDS)] for i in range(lanes)]
    lane_rows = [ops.add_lane(db, jmap.id, kind.label, kind) for kind in kinds]
    people = [ops.add_participant(db, session.id, f"P{i + 1}", STRONG_COLOURS[i], 99)
              for i in range(6)]

    # The emotion lane holds the curve; notes go to the other lanes (all lanes if none).
    note_lanes = [ln for ln in lane_rows if ln.kind != LaneKind.EMOTION] or lane_rows
    cells = [(s, ln) for s in stage_rows for ln in note_lanes]
    weights = [rng.uniform(0.3, 1.7) for _ in cells]  # some cells are busier than others
    counts = [0] * len(cells)
    for i in rng.choices(range(len(cells)), weights=weights, k=notes):
        counts[i] += 1
    stamp = now_iso()
    note_rows: list[dict] = []
    for (stage, lane), count in zip(cells, counts, strict=True):
        colour = note_colour_for_kind(lane.kind).upper()
        for pos in range(count):
            note_rows.append(dict(
                id=new_id(), map_id=jmap.id, stage_id=stage.id, lane_id=lane.id, position=pos,
                text=note_text(rng), colour=colour, tags="", author=rng.choice(people).name,
                owner="", priority="", impact=None, effort=None, status="",
                created_at=stamp, updated_at=stamp))
    if note_rows:
        db.execute(insert(Note), note_rows)
    vote_rows = []
    for row in rng.sample(note_rows, k=len(note_rows) // 8):
        for _ in range(rng.choice((1, 1, 2, 3, 5, 12))):
            vote_rows.append(dict(id=new_id(), note_id=row["id"],
                                  participant_id=rng.choice(people).id, created_at=stamp))
    if vote_rows:
        db.execute(insert(Vote), vote_rows)

    if any(ln.kind == LaneKind.EMOTION for ln in lane_rows):
        curve = ops.add_curve(db, jmap.id, persona.id)
        for stage in stage_rows:
            ops.add_curve_point(db, curve.id, stage.id, rng.randint(-3, 3),
                                rng.choice(("", "Confused", "Delighted", "Waiting", "Relieved")))
    db.flush()
    return session
