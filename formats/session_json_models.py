"""The Waymark session file, version 2, as pydantic models.

These models are the one description of the format: `validate` checks files
with them, `export_session` writes their fields in their declared order, and
`docs/waymark-session.schema.json` is generated from them, so the schema and
the importer agree (tests/formats/test_json_schema_agreement.py checks it with a real
JSON Schema validator, both ways). Validation is strict (JSON types only, no
coercion of "3" to 3; a whole number written 3.0 is 3, as JSON Schema says) and
forbids unknown fields, so a typo in a hand-edited file is reported instead of
silently dropped. Every text field has the length limit the operations have
(journey/limits.py).

The constraints are pydantic's own (run in Rust, no Python call per field: a
200,000-note file validates in seconds); the friendly wording of a failure is
looked up afterwards from the `Says` marker of the field that failed. Patterns
use the regular-expression subset that means the same in ECMA-262 (what JSON
Schema specifies), Python's `re` (what the `jsonschema` package and our
validation use) and hypothesis: ASCII classes, whitespace spelt out, and
`(?![\\s\\S])` for "end of text" (Python's `$` also matches before a final
newline). Messages are short because they reach the facilitator as one line.
"""

from __future__ import annotations

import base64
import binascii
import re
import types
import typing
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from journey.errors import WaymarkError
from journey.limits import MAX_NAME, MAX_PHOTO_BYTES, MAX_TAGS, MAX_TEXT
from journey.models import LaneKind, now_iso
from journey.ops.notes import PRIORITIES, STATUSES
from journey.ops.structure import MAX_STAGE_WIDTH, MIN_STAGE_WIDTH
from journey.ops.voting import ROUND_STATUSES

FORMAT = "waymark"
FORMAT_VERSION = 2
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_TYPE_MESSAGES = {
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "float_type": "must be a number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
}

#: End of text in every engine (Python's `$` also matches before a final "\n").
END = r"(?![\s\S])"
#: What Python's str.isspace() (and so str.strip(), which the operations use) calls space.
SPACE = r"\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: A calendar date, Gregorian leap years and all, as a pattern (so the schema says it
#: whole and validation needs no Python call per timestamp); year 0000 is not a date.
_YMD = (r"(?!0000)(?:[0-9]{4}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
        r"|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
        r"|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
        r"-02-29)")
TIMESTAMP_PATTERN = (rf"^{_YMD}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?"
                     rf"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9]){END}")
DATE_PATTERN = rf"^({_YMD})?{END}"
_TIMESTAMP = re.compile(TIMESTAMP_PATTERN)
_DATE = re.compile(DATE_PATTERN)
#: Photos in a file are base64 of a PNG (its signature encodes as iVBORw0KGg[o-r]).
PHOTO_B64_MAX = (MAX_PHOTO_BYTES + 2) // 3 * 4


def short(value: Any, limit: int = 40) -> str:
    """A value for an error message, cut so the message stays one short line."""
    text = repr(value)
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Says:
    """How a constraint failure of the annotated field reads to a person.

    Type errors keep their generic wording ("must be a string"), so a number
    where a colour belongs says so rather than talking about colour syntax."""

    def __init__(self, message: str, show_value: bool = True) -> None:
        self.message = message
        self.show_value = show_value

    def __repr__(self) -> str:
        return f"Says({self.message!r})"


def _whole(value: Any) -> Any:
    """3.0 is the integer 3 (JSON has one number type; JSON Schema agrees)."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def is_timestamp(value: str) -> bool:
    """RFC 3339 with an offset (what the schema's `date-time` format means)."""
    return bool(_TIMESTAMP.search(value))


def is_date(value: str) -> bool:
    return bool(_DATE.search(value))


def _photo(value: str) -> str:
    """Base64 of a PNG that decodes in full; a big one is re-encoded smaller."""
    from .persona_photo import PhotoError, check_photo_bytes

    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise PydanticCustomError("waymark", "must be a base64-encoded PNG image") from None
    if not raw.startswith(PNG_SIGNATURE):
        raise PydanticCustomError("waymark", "must be a base64-encoded PNG image")
    try:
        fixed = check_photo_bytes(raw, "the photo")
    except PhotoError as exc:
        raise PydanticCustomError("waymark", str(exc)) from None
    return value if fixed is raw else base64.b64encode(fixed).decode("ascii")


Id = Annotated[
    str,
    Field(pattern=rf"^[A-Za-z0-9_.:-]{{1,64}}{END}",
          description="An id: 1–64 letters, digits, '-', '_', '.' or ':'."),
    Says("must be an id of 1–64 letters, digits, '-', '_', '.' or ':'"),
]
Name = Annotated[
    str,
    Field(min_length=1, max_length=MAX_NAME, pattern=f"[^{SPACE}]"),
    Says(f"must be a non-empty name of at most {MAX_NAME} characters", show_value=False),
]
Short = Annotated[str, Field(max_length=MAX_NAME, description="One line of text."),
                  Says(f"must be at most {MAX_NAME:,} characters", show_value=False)]
LongText = Annotated[str, Field(max_length=MAX_TEXT, description="Plain text; newlines allowed."),
                     Says(f"must be at most {MAX_TEXT:,} characters", show_value=False)]
NoteText = LongText
Colour = Annotated[
    str,
    Field(pattern=rf"^#[0-9A-Fa-f]{{6}}{END}", description="#RRGGBB"),
    Says("must be a colour like #0072B2"),
]
Timestamp = Annotated[
    str,
    Field(pattern=TIMESTAMP_PATTERN,
          description="ISO 8601 (RFC 3339) date and time with its offset, e.g. "
                      "2026-11-20T09:30:00.000Z.",
          json_schema_extra={"format": "date-time"}),
    Says("must be an ISO 8601 timestamp like 2026-11-20T09:30:00.000Z"),
]
IsoDate = Annotated[
    str,
    Field(pattern=DATE_PATTERN),
    WithJsonSchema({"type": "string", "pattern": DATE_PATTERN,
                    "anyOf": [{"const": ""}, {"format": "date"}],
                    "description": "The workshop's date as YYYY-MM-DD, or empty."}),
    Says("must be a date like 2026-11-20, or empty"),
]
Whole = BeforeValidator(_whole)
Rating = Annotated[int, Field(ge=1, le=5), Whole, Says("must be an integer 1–5")]
Tag = Annotated[
    str,
    Field(min_length=1, max_length=MAX_NAME, pattern=f"^[^,]*[^,{SPACE}][^,]*{END}"),
    Says(f"must be a non-empty tag of at most {MAX_NAME} characters, without commas"),
]
Tags = Annotated[list[Tag], Field(max_length=MAX_TAGS), Says(f"must be at most {MAX_TAGS} tags",
                                                             show_value=False)]
PhotoPng = Annotated[
    str,
    Field(max_length=PHOTO_B64_MAX, pattern=rf"^iVBORw0KGg[o-r][A-Za-z0-9+/]*={{0,2}}{END}",
          description="A PNG image, base64-encoded (standard alphabet, padded).",
          json_schema_extra={"contentEncoding": "base64", "contentMediaType": "image/png"}),
    Says("must be a base64-encoded PNG image of at most "
         f"{MAX_PHOTO_BYTES // 2**20} MB", show_value=False),
    AfterValidator(_photo),
]
Kind = Annotated[
    LaneKind,
    Field(strict=False),
    Says("unknown lane kind; one of " + ", ".join(k.value for k in LaneKind)),
]
Width = Annotated[
    float,
    Field(ge=MIN_STAGE_WIDTH, le=MAX_STAGE_WIDTH, allow_inf_nan=False,
          description="Column width in points; null = the style's default."),
    Says(f"must be a width from {MIN_STAGE_WIDTH:g} to {MAX_STAGE_WIDTH:g} points, or null"),
]
Score = Annotated[float, Field(ge=-100, le=100, allow_inf_nan=False),
                  Says("must be a number from -100 to 100")]
ScaleEnd = Annotated[int, Field(ge=-100, le=100), Whole,
                     Says("must be an integer from -100 to 100")]
Budget = Annotated[int, Field(ge=0, le=99), Whole, Says("must be an integer 0–99")]
RoundVotes = Annotated[int, Field(ge=1, le=99), Whole, Says("must be an integer 1–99")]
Priority = Literal[PRIORITIES]  # type: ignore[valid-type]
Status = Literal[STATUSES]  # type: ignore[valid-type]
RoundStatus = Literal[ROUND_STATUSES]  # type: ignore[valid-type]


class _Part(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", regex_engine="python-re")


class SessionDoc(_Part):
    """The workshop itself. (Whether it sits in the trash is not part of the file.)"""

    id: Id
    title: Name
    date: IsoDate = ""
    facilitator: Short = ""
    goal: LongText = ""
    notes: LongText = Field("", description="The facilitator's notes about the session.")
    created_at: Timestamp = Field(default_factory=now_iso)
    updated_at: Timestamp = Field(default_factory=now_iso)


class ParticipantDoc(_Part):
    id: Id
    name: Name
    colour: Colour = "#0072B2"
    vote_budget: Budget = 3


class PersonaDoc(_Part):
    id: Id
    name: Name
    role: Short = ""
    quote: LongText = ""
    goals: LongText = ""
    frustrations: LongText = ""
    colour: Colour = Field("#D55E00", description="The colour of this persona's curve.")
    photo: PhotoPng | None = None


class StageDoc(_Part):
    id: Id
    name: Name
    description: LongText = ""
    width: Width | None = None


class LaneDoc(_Part):
    id: Id
    name: Name
    kind: Kind = LaneKind.CUSTOM
    description: LongText = ""
    collapsed: bool = False


class NoteDoc(_Part):
    """A sticky note. Its place in its cell is its order among the cell's notes here."""

    id: Id
    stage_id: Id
    lane_id: Id
    text: NoteText = ""
    colour: Colour | None = Field(None, description="null = the default colour of its lane's kind.")
    tags: Tags = []
    author: Short = ""
    owner: Short = ""
    priority: Priority = ""
    impact: Rating | None = None
    effort: Rating | None = None
    status: Status = ""
    created_at: Timestamp = Field(default_factory=now_iso)
    updated_at: Timestamp = Field(default_factory=now_iso)

    @model_validator(mode="after")
    def _lighter(self) -> NoteDoc:
        """Share one fields-set among all notes: pydantic's own is a set per instance,
        ~0.7 kB each, 140 MB for a 200,000-note file; nothing here asks which were set."""
        object.__setattr__(self, "__pydantic_fields_set__", _SHARED_FIELDS_SET)
        return self


_SHARED_FIELDS_SET: set[str] = set()


class CurvePointDoc(_Part):
    """A point of a curve; points in the same stage keep their order here."""

    id: Id
    stage_id: Id
    score: Score
    label: Short = ""


class CurveDoc(_Part):
    id: Id
    name: Short = "Emotion"
    colour: Colour = "#D55E00"
    persona_id: Id | None = Field(None, description="The persona this curve is for, or null.")
    points: list[CurvePointDoc] = []


class VoteRoundDoc(_Part):
    """A dot-voting round on the map: its rules and whether its totals are shown (v2)."""

    id: Id
    name: Name
    votes_per_participant: RoundVotes = 3
    cap_per_note: RoundVotes | None = Field(
        None, description="The most dots one participant may put on one note; null = no cap.")
    lane_ids: list[Id] = Field([], description="The lanes whose notes can be voted; [] = all.")
    hide_totals: bool = True
    status: RoundStatus = "open"
    created_at: Timestamp = Field(default_factory=now_iso)


class VoteDoc(_Part):
    id: Id
    note_id: Id
    participant_id: Id | None = Field(None, description="null = a dot placed by the facilitator.")
    round_id: Id | None = Field(None, description="The round the dot was cast in, or null (v2).")
    created_at: Timestamp = Field(default_factory=now_iso)


class ParkedNoteDoc(_Part):
    """A note in the session's parking lot: captured, not yet placed on a map (v2)."""

    id: Id
    text: NoteText = ""
    colour: Colour = "#F9E79F"
    tags: Tags = []
    author: Short = ""
    created_at: Timestamp = Field(default_factory=now_iso)


class MapDoc(_Part):
    id: Id
    name: Name
    persona_id: Id | None = None
    scale_min: ScaleEnd = -3
    scale_max: ScaleEnd = 3
    stages: list[StageDoc] = []
    lanes: list[LaneDoc] = []
    notes: list[NoteDoc] = []
    curves: list[CurveDoc] = []
    rounds: list[VoteRoundDoc] = []
    votes: list[VoteDoc] = []


class WaymarkDoc(_Part):
    """One whole Waymark session (format version 2): what `export json` writes and
    `import` reads. Every id is unique within the file. See docs/FORMAT.md."""

    model_config = ConfigDict(title="Waymark session")

    format: Literal["waymark"]
    version: Annotated[Literal[2], Whole]
    session: SessionDoc
    participants: list[ParticipantDoc] = []
    personas: list[PersonaDoc] = []
    maps: list[MapDoc] = []
    parking_lot: list[ParkedNoteDoc] = []


ValidatedDoc = WaymarkDoc


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the format, as checked in at docs/waymark-session.schema.json."""
    schema = WaymarkDoc.model_json_schema(mode="validation")
    head = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    for key in ("title", "description", "type"):
        head[key] = schema.pop(key)
    return {**head, **schema}


def loc_path(loc: tuple[int | str, ...]) -> str:
    """('maps', 0, 'stages', 2, 'name') -> 'maps[0].stages[2].name'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _unwrap(tp: Any) -> tuple[Any, Says | None]:
    """The type under Annotated[...] and `X | None`, and the innermost `Says` on the way."""
    says = None
    while True:
        if typing.get_origin(tp) is Annotated:
            found = [m for m in tp.__metadata__ if isinstance(m, Says)]
            says = found[-1] if found else says
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp, says
            tp = args[0]
        else:
            return tp, says


def says_at(loc: tuple[int | str, ...], model: type[BaseModel] | None = None) -> Says | None:
    """The `Says` of the value at `loc` (('maps', 0, 'notes', 3, 'tags', 1) → Tag's)."""
    tp: Any = model or WaymarkDoc
    says: Says | None = None
    for part in loc:
        tp, _ = _unwrap(tp)
        if isinstance(part, str) and isinstance(tp, type) and issubclass(tp, BaseModel):
            info = tp.model_fields.get(part)
            if info is None:
                return None
            found = [m for m in info.metadata if isinstance(m, Says)]
            tp, says = _unwrap(info.annotation)
            says = found[-1] if found and says is None else says
        elif isinstance(part, int) and typing.get_origin(tp) is list:
            tp, says = _unwrap(typing.get_args(tp)[0])
        else:
            return None
    return says


def error_message(error: dict[str, Any]) -> str:
    """pydantic's error (one of `ValidationError.errors()`) as 'path: friendly message'."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    says = None if kind == "waymark" else says_at(tuple(error.get("loc", ())))
    if kind == "missing":
        text = "field required"
    elif kind == "extra_forbidden":
        text = "unknown field"
    elif kind in _TYPE_MESSAGES:
        text = _TYPE_MESSAGES[kind]
    elif kind == "string_unicode":
        text = "contains an invalid character (a lone UTF-16 surrogate)"
    elif kind == "literal_error":
        text = f"must be one of {ctx.get('expected', '')} (got {short(error.get('input'))})"
    elif says is not None:
        text = says.message
        if says.show_value:
            text += f" (got {short(error.get('input'))})"
    else:
        text = str(error.get("msg", "is not valid"))
        text = text[:1].lower() + text[1:]
    path = loc_path(tuple(error.get("loc", ())))
    text = " ".join(text.split())  # one line, whatever the message held
    return f"{path}: {text}" if path else text


class FormatError(WaymarkError):
    """A session file that Waymark cannot import; `field` is the bad field's path."""

    def __init__(self, message: str, field: str | None = None) -> None:
        # a lone surrogate quoted from the file (say, in a key) must not break printing
        message = message.encode("utf-8", "backslashreplace").decode("utf-8")
        super().__init__(" ".join(message.split()))
        self.field = field


def _fail(path: str, message: str) -> FormatError:
    return FormatError(f"{path}: {message}", field=path)


def check_references(doc: WaymarkDoc) -> None:
    """What the types cannot say: ids are unique and every reference resolves.

    Walks the document in order, so the first problem reported is the first
    one a reader of the file would meet."""
    seen: dict[str, str] = {}

    def claim(id_: str, path: str) -> None:
        if id_ in seen:
            raise _fail(f"{path}.id", f"duplicate id {short(id_)} (also {seen[id_]})")
        seen[id_] = f"{path}.id"

    claim(doc.session.id, "session")
    participants: set[str] = set()
    for i, person in enumerate(doc.participants):
        claim(person.id, f"participants[{i}]")
        participants.add(person.id)
    personas: set[str] = set()
    for i, persona in enumerate(doc.personas):
        claim(persona.id, f"personas[{i}]")
        personas.add(persona.id)
    for m, jmap in enumerate(doc.maps):
        mp = f"maps[{m}]"
        claim(jmap.id, mp)
        if jmap.persona_id is not None and jmap.persona_id not in personas:
            raise _fail(f"{mp}.persona_id", f"no persona {short(jmap.persona_id)} in this file")
        if jmap.scale_min >= jmap.scale_max:
            raise _fail(f"{mp}.scale_max",
                        f"must be greater than scale_min ({jmap.scale_min}), got {jmap.scale_max}")
        stages: set[str] = set()
        for i, stage in enumerate(jmap.stages):
            claim(stage.id, f"{mp}.stages[{i}]")
            stages.add(stage.id)
        lanes: set[str] = set()
        for i, lane in enumerate(jmap.lanes):
            claim(lane.id, f"{mp}.lanes[{i}]")
            lanes.add(lane.id)
        notes: set[str] = set()
        for i, note in enumerate(jmap.notes):
            np = f"{mp}.notes[{i}]"
            claim(note.id, np)
            notes.add(note.id)
            if note.stage_id not in stages:
                raise _fail(f"{np}.stage_id", f"no stage {short(note.stage_id)} in this map")
            if note.lane_id not in lanes:
                raise _fail(f"{np}.lane_id", f"no lane {short(note.lane_id)} in this map")
        curve_personas: dict[str, int] = {}
        for c, curve in enumerate(jmap.curves):
            cp = f"{mp}.curves[{c}]"
            claim(curve.id, cp)
            if curve.persona_id is not None:
                if curve.persona_id not in personas:
                    raise _fail(f"{cp}.persona_id",
                                f"no persona {short(curve.persona_id)} in this file")
                if curve.persona_id in curve_personas:
                    raise _fail(f"{cp}.persona_id", "this persona already has a curve on this map "
                                f"({mp}.curves[{curve_personas[curve.persona_id]}])")
                curve_personas[curve.persona_id] = c
            for p, point in enumerate(curve.points):
                pp = f"{cp}.points[{p}]"
                claim(point.id, pp)
                if point.stage_id not in stages:
                    raise _fail(f"{pp}.stage_id", f"no stage {short(point.stage_id)} in this map")
                if not jmap.scale_min <= point.score <= jmap.scale_max:
                    raise _fail(f"{pp}.score", f"{point.score:g} is outside the map's scale "
                                f"{jmap.scale_min}…{jmap.scale_max}")
        rounds: set[str] = set()
        for r, rnd in enumerate(jmap.rounds):
            rp = f"{mp}.rounds[{r}]"
            claim(rnd.id, rp)
            rounds.add(rnd.id)
            if rnd.cap_per_note is not None and rnd.cap_per_note > rnd.votes_per_participant:
                raise _fail(f"{rp}.cap_per_note", "must not be more than votes_per_participant "
                            f"({rnd.votes_per_participant}), got {rnd.cap_per_note}")
            for i, lane_id in enumerate(rnd.lane_ids):
                if lane_id not in lanes:
                    raise _fail(f"{rp}.lane_ids[{i}]", f"no lane {short(lane_id)} in this map")
        for v, vote in enumerate(jmap.votes):
            vp = f"{mp}.votes[{v}]"
            claim(vote.id, vp)
            if vote.note_id not in notes:
                raise _fail(f"{vp}.note_id", f"no note {short(vote.note_id)} in this map")
            if vote.participant_id is not None and vote.participant_id not in participants:
                raise _fail(f"{vp}.participant_id",
                            f"no participant {short(vote.participant_id)} in this file")
            if vote.round_id is not None and vote.round_id not in rounds:
                raise _fail(f"{vp}.round_id", f"no round {short(vote.round_id)} in this map")
    for i, parked in enumerate(doc.parking_lot):
        claim(parked.id, f"parking_lot[{i}]")
