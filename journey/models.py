"""The journey model: sessions, maps, stages, lanes, notes, curves, people.

These SQLModel classes are the single description of the library's tables;
`storage/migrations.py` holds the DDL that creates and upgrades them, and a
test checks that the two agree. Ids are UUID hex strings so a session can move
between laptops without clashing.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel


def new_id() -> str:
    return uuid.uuid4().hex


def now_iso() -> str:
    """UTC timestamp with millisecond precision, stable through JSON round trips."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class LaneKind(StrEnum):
    TOUCHPOINTS = "touchpoints"
    ACTIONS = "actions"
    THOUGHTS = "thoughts"
    FEELINGS = "feelings"
    PAIN_POINTS = "pain_points"
    OPPORTUNITIES = "opportunities"
    CHANNELS = "channels"
    METRICS = "metrics"
    BACKSTAGE = "backstage"
    QUOTES = "quotes"
    EMOTION = "emotion"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return LANE_KIND_LABELS[self]

    @classmethod
    def parse(cls, value: str) -> LaneKind | None:
        """The kind a stored string names; None for one this version does not know
        (a newer library's, or a hand-edited file's), which callers show as text."""
        try:
            return cls(value)
        except ValueError:
            return None


LANE_KIND_LABELS: dict[LaneKind, str] = {
    LaneKind.TOUCHPOINTS: "Touchpoints",
    LaneKind.ACTIONS: "Actions",
    LaneKind.THOUGHTS: "Thoughts",
    LaneKind.FEELINGS: "Feelings",
    LaneKind.PAIN_POINTS: "Pain points",
    LaneKind.OPPORTUNITIES: "Opportunities",
    LaneKind.CHANNELS: "Channels",
    LaneKind.METRICS: "Metrics (KPIs)",
    LaneKind.BACKSTAGE: "Backstage",
    LaneKind.QUOTES: "Quotes",
    LaneKind.EMOTION: "Emotion",
    LaneKind.CUSTOM: "Custom",
}


def lane_kind_label(kind: str, unknown: str | None = None) -> str:
    """The label a lane's kind is shown with; a kind this version does not know
    shows as itself, or as `unknown` where the caller gives one ("" for none)."""
    parsed = LaneKind.parse(kind)
    if parsed is not None:
        return parsed.label
    return kind if unknown is None else unknown


#: Lane kinds whose notes carry the action-plan fields (owner, priority …).
ACTIONABLE_KINDS = frozenset({LaneKind.PAIN_POINTS, LaneKind.OPPORTUNITIES})


class Session(SQLModel, table=True):
    __tablename__ = "session"

    id: str = Field(default_factory=new_id, primary_key=True)
    title: str
    date: str = ""  # ISO date of the workshop, e.g. 2026-11-23
    facilitator: str = ""
    goal: str = ""
    notes: str = ""
    created_at: str = Field(default_factory=now_iso)
    updated_at: str = Field(default_factory=now_iso)
    deleted_at: str | None = None  # set when moved to the trash (schema v2)


class Participant(SQLModel, table=True):
    __tablename__ = "participant"

    id: str = Field(default_factory=new_id, primary_key=True)
    session_id: str = Field(foreign_key="session.id", index=True, ondelete="CASCADE")
    name: str
    colour: str = "#0072B2"
    vote_budget: int = 3
    position: int = 0


class Persona(SQLModel, table=True):
    __tablename__ = "persona"

    id: str = Field(default_factory=new_id, primary_key=True)
    session_id: str = Field(foreign_key="session.id", index=True, ondelete="CASCADE")
    name: str
    role: str = ""
    quote: str = ""
    goals: str = ""
    frustrations: str = ""
    photo: bytes | None = None  # PNG, already scaled down on import
    colour: str = "#D55E00"  # the colour of this persona's curve
    position: int = 0


class JourneyMap(SQLModel, table=True):
    __tablename__ = "journey_map"

    id: str = Field(default_factory=new_id, primary_key=True)
    session_id: str = Field(foreign_key="session.id", index=True, ondelete="CASCADE")
    name: str
    persona_id: str | None = Field(
        default=None, foreign_key="persona.id", ondelete="SET NULL"
    )
    scale_min: int = -3
    scale_max: int = 3
    position: int = 0


class Stage(SQLModel, table=True):
    __tablename__ = "stage"

    id: str = Field(default_factory=new_id, primary_key=True)
    map_id: str = Field(foreign_key="journey_map.id", index=True, ondelete="CASCADE")
    name: str
    description: str = ""
    position: int = 0
    width: float | None = None  # column width in points; None = style default (schema v2)


class Lane(SQLModel, table=True):
    __tablename__ = "lane"

    id: str = Field(default_factory=new_id, primary_key=True)
    map_id: str = Field(foreign_key="journey_map.id", index=True, ondelete="CASCADE")
    name: str
    kind: str = LaneKind.CUSTOM.value
    description: str = ""
    position: int = 0
    collapsed: bool = False  # (schema v2)


class Note(SQLModel, table=True):
    __tablename__ = "note"

    id: str = Field(default_factory=new_id, primary_key=True)
    map_id: str = Field(foreign_key="journey_map.id", index=True, ondelete="CASCADE")
    stage_id: str = Field(foreign_key="stage.id", index=True, ondelete="CASCADE")
    lane_id: str = Field(foreign_key="lane.id", index=True, ondelete="CASCADE")
    position: int = 0  # order within its cell
    text: str = ""
    colour: str = "#FFE680"
    tags: str = ""  # comma-separated, trimmed, no duplicates
    author: str = ""
    owner: str = ""
    priority: str = ""  # "", low, medium, high
    impact: int | None = None  # 1..5
    effort: int | None = None  # 1..5
    status: str = ""  # "", open, in progress, done
    created_at: str = Field(default_factory=now_iso)
    updated_at: str = Field(default_factory=now_iso)


class Curve(SQLModel, table=True):
    """One emotion curve of a map; one per persona (persona_id None = the map's own)."""

    __tablename__ = "curve"

    id: str = Field(default_factory=new_id, primary_key=True)
    map_id: str = Field(foreign_key="journey_map.id", index=True, ondelete="CASCADE")
    persona_id: str | None = Field(default=None, foreign_key="persona.id", ondelete="SET NULL")
    name: str = ""
    colour: str = "#D55E00"
    position: int = 0


class CurvePoint(SQLModel, table=True):
    __tablename__ = "curve_point"

    id: str = Field(default_factory=new_id, primary_key=True)
    curve_id: str = Field(foreign_key="curve.id", index=True, ondelete="CASCADE")
    stage_id: str = Field(foreign_key="stage.id", index=True, ondelete="CASCADE")
    position: int = 0  # order within the stage
    score: float = 0.0
    label: str = ""


class VoteRound(SQLModel, table=True):
    """A dot-voting round on one map: its rules, and whether totals are revealed (v3)."""

    __tablename__ = "vote_round"

    id: str = Field(default_factory=new_id, primary_key=True)
    map_id: str = Field(foreign_key="journey_map.id", index=True, ondelete="CASCADE")
    name: str = "Round"
    votes_per_participant: int = 3
    cap_per_note: int | None = None  # most dots one participant may put on one note
    lane_ids: str = ""  # comma-separated lanes that can be voted; "" = every lane
    hide_totals: bool = True
    status: str = "open"  # open, revealed, closed
    created_at: str = Field(default_factory=now_iso)
    position: int = 0


class Vote(SQLModel, table=True):
    """One dot on a note, cast by a participant (or by the facilitator when None)."""

    __tablename__ = "vote"

    id: str = Field(default_factory=new_id, primary_key=True)
    note_id: str = Field(foreign_key="note.id", index=True, ondelete="CASCADE")
    participant_id: str | None = Field(
        default=None, foreign_key="participant.id", ondelete="SET NULL"
    )
    created_at: str = Field(default_factory=now_iso)
    round_id: str | None = Field(default=None, foreign_key="vote_round.id", index=True,
                                 ondelete="CASCADE")  # (schema v3)


class ParkedNote(SQLModel, table=True):
    """A note in the session's parking lot: captured, not yet placed on a map (v3)."""

    __tablename__ = "parked_note"

    id: str = Field(default_factory=new_id, primary_key=True)
    session_id: str = Field(foreign_key="session.id", index=True, ondelete="CASCADE")
    text: str = ""
    colour: str = "#F9E79F"
    tags: str = ""
    author: str = ""
    position: int = 0
    created_at: str = Field(default_factory=now_iso)


class Template(SQLModel, table=True):
    """A user-saved template; the built-ins live in `journey.templates`."""

    __tablename__ = "template"

    id: str = Field(default_factory=new_id, primary_key=True)
    name: str = Field(unique=True)
    stages: str = "[]"  # JSON list of stage names
    lanes: str = "[]"  # JSON list of [name, kind]
    created_at: str = Field(default_factory=now_iso)


ALL_TABLES = [
    Session,
    Participant,
    Persona,
    JourneyMap,
    Stage,
    Lane,
    Note,
    Curve,
    CurvePoint,
    VoteRound,
    Vote,
    ParkedNote,
    Template,
]
