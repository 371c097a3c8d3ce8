"""What a workshop report says, computed once for the PDF and the Markdown export.

Both renderers walk the same `ReportModel`, so the wiki page and the PDF
never disagree: the same counts, the same top items, the same action plan in
the same order and the same current-vs-future differences. Pure data, no
reportlab, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session as Db

from journey.errors import NotFound
from journey.models import (
    ACTIONABLE_KINDS,
    JourneyMap,
    Lane,
    LaneKind,
    Note,
    Participant,
    Persona,
    Session,
    Stage,
)
from journey.palette import curve_colours
from journey.queries import MapData, load_map, maps_of, participants_of, personas_of

PRIORITY_ORDER = {"high": 0, "medium": 1, "low": 2, "": 3}
TOP_N = 5


def norm_text(text: str) -> str:
    """Note text compared across maps: case and spacing do not make a new note."""
    return " ".join(text.split()).casefold()


@dataclass
class Item:
    """One note with where it lives and how many dots it got."""

    note: Note
    map: JourneyMap
    stage: Stage
    lane: Lane
    votes: int
    number: int = 0  # its row in the action plan (0 = not in it)
    also_in: list[str] = field(default_factory=list)  # other maps with the same note

    @property
    def kind(self) -> str:
        return self.lane.kind

    @property
    def where(self) -> str:
        return f"{self.stage.name} · {self.lane.name}"


@dataclass
class Moment:
    curve: str
    colour: str
    stage: str
    score: float
    label: str


@dataclass
class CurveSummary:
    map: str
    curve: str
    colour: str
    lowest: Moment
    highest: Moment


@dataclass
class MapReport:
    data: MapData
    items: list[Item]  # map order: stage, lane, position

    @property
    def name(self) -> str:
        return self.data.map.name

    def cell(self, stage_id: str, lane_id: str) -> list[Item]:
        return [i for i in self.items if i.stage.id == stage_id and i.lane.id == lane_id]

    def stage_scores(self, curve_index: int = 0) -> dict[str, list[float]]:
        """Stage id -> the curve's scores there, in order."""
        out: dict[str, list[float]] = {}
        if curve_index < len(self.data.curves):
            for p in self.data.curves[curve_index].points:
                out.setdefault(p.stage_id, []).append(p.score)
        return out


@dataclass
class StageChange:
    name: str
    before: float | None  # mean curve score in the stage, None = no point / no stage
    after: float | None
    status: str  # "kept", "added", "removed"


@dataclass
class Comparison:
    before: MapReport
    after: MapReport
    stages: list[StageChange]
    added: list[Item]  # in `after`, text not in `before`
    removed: list[Item]  # in `before`, text not in `after`
    moved: list[tuple[Item, Item]]  # same text, another stage or lane


@dataclass
class ReportModel:
    session: Session
    participants: list[Participant]
    personas: list[Persona]
    maps: list[MapReport]
    kind_counts: list[tuple[str, list[int], int]]  # (label, count per map, total)
    top_pain_points: list[Item]
    top_opportunities: list[Item]
    curves: list[CurveSummary]
    actions: list[Item]
    comparisons: list[Comparison]

    @property
    def all_items(self) -> list[Item]:
        return [i for m in self.maps for i in m.items]

    @property
    def total_votes(self) -> int:
        return sum(i.votes for i in self.all_items)


def _map_report(data: MapData) -> MapReport:
    items: list[Item] = []
    for stage in data.stages:
        for lane in data.lanes:
            for note in data.notes.get((stage.id, lane.id), []):
                items.append(Item(note, data.map, stage, lane, len(data.votes.get(note.id, []))))
    return MapReport(data, items)


def _curve_summaries(reports: list[MapReport]) -> list[CurveSummary]:
    out = []
    for rep in reports:
        stages = {s.id: s.name for s in rep.data.stages}
        colours = curve_colours([cd.curve.colour for cd in rep.data.curves])
        for cd, colour in zip(rep.data.curves, colours, strict=True):
            if not cd.points:
                continue
            moments = [Moment(cd.curve.name, colour, stages.get(p.stage_id, "?"),
                              p.score, p.label) for p in cd.points]
            lowest = min(moments, key=lambda m: m.score)
            highest = max(moments, key=lambda m: m.score)
            out.append(CurveSummary(rep.name, cd.curve.name, colour, lowest, highest))
    return out


def _top(items: list[Item], kind: str) -> list[Item]:
    voted = [i for i in items if i.kind == kind and i.votes > 0]
    voted.sort(key=lambda i: -i.votes)  # stable: ties keep map order
    return voted[:TOP_N]


def _actions(reports: list[MapReport]) -> list[Item]:
    """Pain points and opportunities, one row per distinct text and kind (a future
    map copied from the current one repeats its notes); by priority, then votes."""
    seen: dict[tuple[str, str], Item] = {}
    for rep in reports:
        for item in rep.items:
            if item.kind not in ACTIONABLE_KINDS:
                continue
            key = (norm_text(item.note.text), item.kind)
            if key in seen:
                if rep.name not in seen[key].also_in and seen[key].map.id != item.map.id:
                    seen[key].also_in.append(rep.name)
                continue
            seen[key] = item
    rows = list(seen.values())
    rows.sort(key=lambda i: (PRIORITY_ORDER.get(i.note.priority, 3), -i.votes,
                             0 if i.kind == LaneKind.PAIN_POINTS else 1))
    for n, item in enumerate(rows, 1):
        item.number = n
    return rows


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def compare(before: MapReport, after: MapReport) -> Comparison:
    b_scores, a_scores = before.stage_scores(), after.stage_scores()
    b_stages = {s.name.casefold(): s for s in before.data.stages}
    a_stages = {s.name.casefold(): s for s in after.data.stages}
    changes: list[StageChange] = []
    for s in before.data.stages:
        other = a_stages.get(s.name.casefold())
        changes.append(StageChange(s.name, _mean(b_scores.get(s.id, [])),
                                   _mean(a_scores.get(other.id, [])) if other else None,
                                   "kept" if other else "removed"))
    for k, s in enumerate(after.data.stages):
        if s.name.casefold() in b_stages:
            continue
        # A new stage goes right after its predecessor in the future map.
        at = 0
        if k:
            prev = after.data.stages[k - 1].name.casefold()
            at = next(i for i, c in enumerate(changes)
                      if c.name.casefold() == prev and c.status != "removed") + 1
        changes.insert(at, StageChange(s.name, None, _mean(a_scores.get(s.id, [])), "added"))

    def index(items: list[Item]) -> dict[tuple[str, str], list[Item]]:
        out: dict[tuple[str, str], list[Item]] = {}
        for i in items:
            out.setdefault((norm_text(i.note.text), i.kind), []).append(i)
        return out

    b_idx, a_idx = index(before.items), index(after.items)
    added = [i for i in after.items if (norm_text(i.note.text), i.kind) not in b_idx]
    removed = [i for i in before.items if (norm_text(i.note.text), i.kind) not in a_idx]
    moved = []
    for key, a_items in a_idx.items():
        b_items = b_idx.get(key, [])
        for a, b in zip(a_items, b_items, strict=False):
            if (a.stage.name.casefold(), a.lane.name.casefold()) != \
                    (b.stage.name.casefold(), b.lane.name.casefold()):
                moved.append((b, a))
    return Comparison(before, after, changes, added, removed, moved)


def _comparisons(reports: list[MapReport]) -> list[Comparison]:
    """The current-state map (by name, else the first) against every other map."""
    if len(reports) < 2:
        return []
    base = next((r for r in reports if "current" in r.name.casefold()), reports[0])
    return [compare(base, r) for r in reports if r is not base]


def build_report_model(db: Db, session_id: str) -> ReportModel:
    session = db.get(Session, session_id)
    if session is None:
        raise NotFound(f"session {session_id} not found")
    participants = participants_of(db, session_id)
    personas = personas_of(db, session_id)
    reports = [_map_report(load_map(db, m.id)) for m in maps_of(db, session_id)]
    counts: list[tuple[str, list[int], int]] = []
    for kind in LaneKind:
        per_map = [sum(1 for i in r.items if i.kind == kind.value) for r in reports]
        if any(per_map):
            counts.append((kind.label, per_map, sum(per_map)))
    all_items = [i for r in reports for i in r.items]
    return ReportModel(
        session=session, participants=participants, personas=personas, maps=reports,
        kind_counts=counts,
        top_pain_points=_top(all_items, LaneKind.PAIN_POINTS.value),
        top_opportunities=_top(all_items, LaneKind.OPPORTUNITIES.value),
        curves=_curve_summaries(reports), actions=_actions(reports),
        comparisons=_comparisons(reports),
    )


def score_text(score: float | None, signed: bool) -> str:
    if score is None:
        return "–"
    text = f"{score:.1f}".rstrip("0").rstrip(".")
    if signed and score > 0:
        text = "+" + text
    return text.replace("-", "−")
