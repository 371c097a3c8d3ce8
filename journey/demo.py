"""The demo session seeded on first start: a coffee subscription journey.

Realistic enough to judge the layout and the poster on: five stages, eight
lanes, about forty notes, a persona with an emotion curve, and participants
with a few votes cast.
"""

from __future__ import annotations

from sqlmodel import Session as Db

from . import ops
from .models import LaneKind, Session

DEMO_TITLE = "Coffee subscription"

STAGES = ["Awareness", "Consideration", "Purchase", "Service", "Loyalty"]
LANES = [
    ("Touchpoints", LaneKind.TOUCHPOINTS),
    ("Actions", LaneKind.ACTIONS),
    ("Thoughts", LaneKind.THOUGHTS),
    ("Feelings", LaneKind.FEELINGS),
    ("Emotion", LaneKind.EMOTION),
    ("Pain points", LaneKind.PAIN_POINTS),
    ("Opportunities", LaneKind.OPPORTUNITIES),
    ("Backstage", LaneKind.BACKSTAGE),
]

# (stage, lane) -> notes
NOTES: dict[tuple[str, str], list[str]] = {
    ("Awareness", "Touchpoints"): ["Instagram ad with latte art", "Friend's recommendation"],
    ("Awareness", "Actions"): ["Follows the roaster's account"],
    ("Awareness", "Thoughts"): ["\"Could this beat my café habit?\""],
    ("Awareness", "Feelings"): ["Curious", "A bit sceptical about price"],
    ("Awareness", "Pain points"): ["Ads don't say what a cup costs"],
    ("Awareness", "Opportunities"): ["Show cost per cup vs. café"],
    ("Consideration", "Touchpoints"): ["Website plan comparison"],
    ("Consideration", "Actions"): ["Compares three roasters", "Takes the taste quiz"],
    ("Consideration", "Thoughts"): ["Which grind fits my machine?"],
    ("Consideration", "Feelings"): ["Overwhelmed by choice"],
    ("Consideration", "Pain points"): ["Too many plans, unclear differences",
                                       "Grind options use jargon"],
    ("Consideration", "Opportunities"): ["Recommend one plan from the quiz"],
    ("Purchase", "Touchpoints"): ["Checkout page"],
    ("Purchase", "Actions"): ["Enters card details", "Picks delivery day"],
    ("Purchase", "Feelings"): ["Relieved it was quick"],
    ("Purchase", "Pain points"): ["Surprise shipping fee at the last step"],
    ("Purchase", "Opportunities"): ["Free shipping on the first box", "Apple Pay / PayPal"],
    ("Purchase", "Backstage"): ["Roast schedule updated"],
    ("Service", "Touchpoints"): ["Delivery box", "Tracking SMS"],
    ("Service", "Actions"): ["Brews the first bag", "Pauses a delivery while on holiday"],
    ("Service", "Thoughts"): ["\"Pausing should be one click\""],
    ("Service", "Feelings"): ["Delighted by the aroma", "Annoyed by the pause flow"],
    ("Service", "Pain points"): ["Box doesn't fit the letterbox", "Pause hidden in settings"],
    ("Service", "Opportunities"): ["Letterbox-sized packaging", "Pause from the SMS"],
    ("Service", "Backstage"): ["Support team triage"],
    ("Loyalty", "Touchpoints"): ["Monthly newsletter", "Referral code"],
    ("Loyalty", "Actions"): ["Shares a referral code"],
    ("Loyalty", "Thoughts"): ["Feels like a coffee club"],
    ("Loyalty", "Feelings"): ["Proud to recommend it"],
    ("Loyalty", "Pain points"): ["Rewards are hard to redeem"],
    ("Loyalty", "Opportunities"): ["Tasting notes card in every box", "Roaster meet-ups"],
}

CURVE = {"Awareness": (1, "Curious"), "Consideration": (-1, "Too many choices"),
         "Purchase": (0, "Shipping fee"), "Service": (-2, "Pause is hidden"),
         "Loyalty": (2, "Part of the club")}

PARTICIPANTS = [("Amira", "#D55E00", 3), ("Ben", "#0072B2", 3), ("Chloé", "#009E73", 3),
                ("Dmitri", "#CC79A7", 3), ("Emma", "#E69F00", 3)]


def add_demo_session(db: Db, title: str = DEMO_TITLE) -> Session:
    session = ops.create_session(
        db, title, template=None, map_name=None, date="2026-11-20", facilitator="Sam Rivera",
        goal="Find where new subscribers drop off and what would keep them.",
    )
    session.notes = "Ninety-minute workshop with product, support and marketing."
    persona = ops.add_persona(
        db, session.id, "Maya, the busy commuter", role="Product manager, 34",
        quote="I want great coffee at home without thinking about it.",
        goals="Café-quality coffee at home\nNever run out\nSpend less than at the café",
        frustrations="Hidden costs\nSubscriptions that are hard to pause",
        colour="#D55E00",
    )
    jmap = ops.add_map(db, session.id, "Current state", template=None, persona_id=persona.id)
    stages = {name: ops.add_stage(db, jmap.id, name) for name in STAGES}
    lanes = {name: ops.add_lane(db, jmap.id, name, kind) for name, kind in LANES}
    notes = {}
    for (stage, lane), texts in NOTES.items():
        for text in texts:
            author = PARTICIPANTS[len(notes) % len(PARTICIPANTS)][0]
            note = ops.add_note(db, stages[stage].id, lanes[lane].id, text, author=author)
            notes[text] = note
    for text, fields in {
        "Surprise shipping fee at the last step": dict(owner="Ben", priority="high",
                                                        impact=5, effort=2, status="open"),
        "Pause hidden in settings": dict(owner="Chloé", priority="high", impact=4, effort=2,
                                         status="in progress"),
        "Free shipping on the first box": dict(owner="Amira", priority="medium", impact=4,
                                               effort=3, status="open", tags="quick win"),
        "Pause from the SMS": dict(owner="Dmitri", priority="high", impact=4, effort=3,
                                   status="open", tags="quick win, retention"),
        "Letterbox-sized packaging": dict(owner="Emma", priority="low", impact=3, effort=4,
                                          status="open", tags="packaging"),
    }.items():
        ops.edit_note(db, notes[text].id, **fields)
    curve = ops.add_curve(db, jmap.id, persona.id)
    for stage, (score, label) in CURVE.items():
        ops.add_curve_point(db, curve.id, stages[stage].id, score, label)
    people = [ops.add_participant(db, session.id, n, c, b) for n, c, b in PARTICIPANTS]
    ballots = {
        "Surprise shipping fee at the last step": [0, 1, 2, 3],
        "Pause hidden in settings": [0, 1, 4],
        "Pause from the SMS": [2, 3, 4],
        "Free shipping on the first box": [0, 2],
        "Too many plans, unclear differences": [1, 3],
        "Letterbox-sized packaging": [4],
    }
    for text, who in ballots.items():
        for i in who:
            ops.vote(db, notes[text].id, people[i].id)
    return session
