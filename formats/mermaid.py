"""Mermaid `journey` diagrams in and out.

A diagram becomes a session with one map: a stage per `section`, an Actions
lane with a note per task (its actors as the note's author), an Emotion lane
whose curve has one point per task (the 1–5 score mapped onto the map's scale)
and a participant per actor. Export writes a map back the same way, so
import → export → import gives the same map.

What is a diagram is Mermaid's to say: `formats.mermaid_grammar` reads the
text exactly as mermaid 12.3.0 does (front matter, `%%{init}%%` directives,
`%%` comments, `accTitle`/`accDescr`, `title`, `section`, tasks `name: score:
actors`), so a file Mermaid accepts imports and one it rejects is refused with
one line naming the file's line. A Markdown page's ```mermaid block is read as
the diagram. Within what Mermaid accepts this module reads a few values more
kindly than Mermaid draws them, each with a ``line N: ...`` warning: a score
that is blank or not a number is 3 (neutral), one outside 1–5 is clamped,
text after `%%` inside a statement is dropped as the comment it was meant to
be, and tasks before any section go in a stage called "Journey".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlmodel import Session as Db

from journey import ops
from journey.errors import WaymarkError
from journey.limits import MAX_NAME, MAX_TEXT
from journey.models import LaneKind
from journey.ops.curve_points_bulk import NewPoint, add_curve_points
from journey.queries import load_map

from .mermaid_grammar import (
    JS_SPACE,
    MermaidError,
    Statement,
    cut,
    decode_entities,
    js_strip,
    quote,
    read_journey,
)

__all__ = ["MermaidError", "MermaidImportResult", "MermaidJourney", "export_mermaid",
           "export_mermaid_file", "import_mermaid", "parse_mermaid", "read_mermaid_file"]

MERMAID_MIN, MERMAID_MAX = 1, 5
NEUTRAL = 3.0
DEFAULT_SECTION = "Journey"
DEFAULT_TITLE = "Imported journey"
MAP_NAME = "Current state"

# Mermaid's journey lexer ends task names at ':' '#' ';' (and '%%' starts a
# comment). Export writes look-alikes so the diagram renders; import maps them back.
_ESCAPES = (("%%", "%\u200b%"), (":", "\u2236"), ("#", "\u266f"), (";", "\u037e"))
# JavaScript's Number() on a score: decimal (with exponent), Infinity, 0x/0o/0b.
_JS_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_JS_RADIX = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A note text that Mermaid would read as a keyword, a comment or a directive.
_JS_S = "[" + re.escape(JS_SPACE) + "]"
_NOT_A_TASK = re.compile(rf"(?:title{_JS_S}|section{_JS_S}|journey\b|acc(?:title|descr){_JS_S}*[:{{]|%)",
                         re.IGNORECASE | re.ASCII)


@dataclass
class MermaidTask:
    text: str
    score: float  # on Mermaid's 1..5, already clamped
    actors: list[str]
    line: int


@dataclass
class MermaidSection:
    name: str
    line: int
    tasks: list[MermaidTask] = field(default_factory=list)


@dataclass
class MermaidJourney:
    title: str
    sections: list[MermaidSection]
    warnings: list[str] = field(default_factory=list)
    acc_title: str = ""
    description: str = ""  # accDescr

    @property
    def tasks(self) -> list[MermaidTask]:
        return [t for s in self.sections for t in s.tasks]

    @property
    def actors(self) -> list[str]:
        """Unique actors (case-insensitive) in order of first appearance."""
        seen: dict[str, str] = {}
        for task in self.tasks:
            for actor in task.actors:
                seen.setdefault(actor.casefold(), actor)
        return list(seen.values())


@dataclass
class MermaidImportResult:
    session_id: str
    map_id: str
    title: str
    stages: int
    notes: int
    participants: int
    warnings: list[str] = field(default_factory=list)


def _unescape(text: str) -> str:
    for plain, look_alike in _ESCAPES:
        text = text.replace(look_alike, plain)
    return text.removeprefix("\u200b")


def _escape(text: str) -> str:
    text = " ".join(text.split())  # one line, no tabs
    for plain, look_alike in _ESCAPES:
        text = text.replace(plain, look_alike)
    return text


class _Reader:
    """Gives the grammar's statements their meaning, collecting the warnings."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(f"line {line}: {message}")

    def text(self, raw: str, line: int, what: str, limit: int) -> str:
        """A name as Waymark keeps it: entities decoded, a trailing `%%` comment
        dropped, whitespace collapsed, control characters removed, cut to `limit`."""
        value = decode_entities(raw)
        if "%%" in value:
            value = value[:value.index("%%")]
            self.warn(line, f"text after '%%' dropped (Mermaid shows it as part of the {what})")
        value = " ".join(value.split())
        if _CONTROL.search(value):
            value = " ".join(_CONTROL.sub("", value).split())
            self.warn(line, f"control characters removed from the {what}")
        value = _unescape(value)
        if len(value) > limit:
            self.warn(line, f"the {what} cut to {limit:,} characters")
            value = value[:limit]
        return value

    def score(self, raw: str, line: int) -> float:
        value = js_strip(decode_entities(raw))
        if "%%" in value:
            value = js_strip(value[:value.index("%%")])
        if not value:
            self.warn(line, f"no score; used {NEUTRAL:g} (neutral)")
            return NEUTRAL
        if _JS_DECIMAL.fullmatch(value):
            number = float(value.replace("Infinity", "inf"))
        elif _JS_RADIX.fullmatch(value):
            number = float(int(value, 0))
        else:
            self.warn(line, f"score {quote(value)} is not a number; used {NEUTRAL:g} (neutral)")
            return NEUTRAL
        clamped = float(min(MERMAID_MAX, max(MERMAID_MIN, number)))
        if clamped != number:
            self.warn(line, f"score {cut(value)} clamped to {clamped:g}")
        return clamped

    def task(self, statement: Statement) -> MermaidTask | None:
        line = statement.line
        pieces = statement.data.split(":")  # as journeyDb.addTask splits the data
        name = self.text(statement.value, line, "task", MAX_TEXT)
        if len(pieces) > 2 and js_strip(":".join(pieces[2:])):
            self.warn(line, f"Mermaid ignores {quote(':' + ':'.join(pieces[2:]).rstrip())} "
                            f"after the actors")
        if not name:
            self.warn(line, "a task without a name was skipped")
            return None
        score = self.score(pieces[0], line)
        actors: list[str] = []
        for raw in pieces[1].split(",") if len(pieces) > 1 else []:
            actor = self.text(raw, line, "actor's name", MAX_NAME)
            if actor and actor.casefold() not in (a.casefold() for a in actors):
                actors.append(actor)
        return MermaidTask(name, score, actors, line)


def parse_mermaid(text: str) -> MermaidJourney:
    """Read a journey diagram as Mermaid does; MermaidError (one line, ``line N: ...``)
    when Mermaid would not draw it."""
    diagram = read_journey(text)
    reader = _Reader()
    title = acc_title = description = ""
    sections: list[MermaidSection] = []
    for st in diagram.statements:
        if st.kind == "title":
            if st.spans:
                reader.warn(st.line, f"'title' has no text on its line, so Mermaid takes line "
                                     f"{st.line + 1} as the title")
            title = reader.text(st.value, st.line, "title", MAX_NAME)
        elif st.kind == "acc_title":
            acc_title = js_strip(st.value)
        elif st.kind == "acc_descr":
            description = "\n".join(x.strip(JS_SPACE) for x in js_strip(st.value).split("\n"))
        elif st.kind == "section":
            if st.spans:
                reader.warn(st.line, f"'section' has no name on its line, so Mermaid takes "
                                     f"line {st.line + 1} as its name")
            name = reader.text(st.value, st.line, "section name", MAX_NAME)
            if not name:
                name = f"Section {len(sections) + 1}"
                reader.warn(st.line, f"a section without a name was called {name!r}")
            sections.append(MermaidSection(name, st.line))
        else:
            task = reader.task(st)
            if task is None:
                continue
            if not sections:
                sections.append(MermaidSection(DEFAULT_SECTION, st.line))
                reader.warn(st.line, f"tasks before the first section were put in a stage "
                                     f"called {DEFAULT_SECTION!r}")
            sections[-1].tasks.append(task)
    front = " ".join(_CONTROL.sub("", diagram.front_title).split())
    chosen = title or front or " ".join(_CONTROL.sub("", acc_title).split())
    return MermaidJourney(chosen[:MAX_NAME], sections, reader.warnings, acc_title, description)


# -- import -----------------------------------------------------------------------

def read_mermaid_file(path) -> str:
    """A diagram file's text (UTF-8, BOM or not); unreadable files are one-line errors."""
    from pathlib import Path

    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise WaymarkError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MermaidError(f"line {line}: {path.name} is not UTF-8 text") from None


def to_scale(score: float, scale: tuple[int, int]) -> float:
    """A Mermaid score (1..5) on the map's scale, linearly, to 3 decimals: that
    absorbs the 4-decimal rounding of `from_scale`, so export → import is exact."""
    lo, hi = scale
    return round(lo + (score - MERMAID_MIN) / (MERMAID_MAX - MERMAID_MIN) * (hi - lo), 3)


def from_scale(value: float, scale: tuple[int, int]) -> float:
    lo, hi = scale
    value = min(hi, max(lo, value))
    return round(MERMAID_MIN + (value - lo) / (hi - lo) * (MERMAID_MAX - MERMAID_MIN), 4)


def import_mermaid(db: Db, text: str, title: str | None = None,
                   scale: tuple[int, int] = (-3, 3)) -> MermaidImportResult:
    """A new session from a Mermaid journey diagram (one map, see the module docstring).

    `title` overrides the diagram's title; `scale` is the new map's emotion
    scale (one of `journey.ops.SCALES`). The result's warnings say what was
    guessed, clamped or skipped, each as ``line N: ...``."""
    journey = parse_mermaid(text)
    if tuple(scale) not in ops.SCALES:
        raise WaymarkError("scale must be one of "
                           + ", ".join(f"{a}…{b}" for a, b in ops.SCALES))
    name = (title or "").strip() or journey.title or DEFAULT_TITLE
    session = ops.create_session(db, name[:MAX_NAME], template=None, map_name=None)
    if journey.description:
        session.notes = journey.description
        db.add(session)
    jmap = ops.add_map(db, session.id, MAP_NAME, template=None)
    if (jmap.scale_min, jmap.scale_max) != tuple(scale):
        ops.set_map_scale(db, jmap.id, *scale)
    actions = ops.add_lane(db, jmap.id, "Actions", LaneKind.ACTIONS)
    ops.add_lane(db, jmap.id, "Emotion", LaneKind.EMOTION)
    curve = ops.add_curve(db, jmap.id, None, "Emotion")
    notes: list[ops.NewNote] = []
    points: list[NewPoint] = []
    for section in journey.sections:  # all notes and points go in at once: linear time
        stage = ops.add_stage(db, jmap.id, section.name)
        for task in section.tasks:
            notes.append(ops.NewNote(stage.id, actions.id, task.text,
                                     {"author": ", ".join(task.actors)}))
            points.append(NewPoint(stage.id, to_scale(task.score, scale)))
    ops.add_notes(db, notes)
    add_curve_points(db, curve.id, points)
    for actor in journey.actors:
        ops.add_participant(db, session.id, actor)
    return MermaidImportResult(session.id, jmap.id, session.title, len(journey.sections), len(notes),
                               len(journey.actors), list(journey.warnings))


# -- export -----------------------------------------------------------------------

def _scores_for(notes: int, points: list[float]) -> list[float | None]:
    """The curve score for each of a stage's `notes` tasks: pairwise when the counts
    match (as after an import), else the nearest point by relative position."""
    if not points:
        return [None] * notes
    if len(points) == notes or len(points) == 1:
        return [points[min(i, len(points) - 1)] for i in range(notes)]
    return [points[round(i * (len(points) - 1) / max(1, notes - 1))] for i in range(notes)]


def _task_name(text: str) -> str:
    """A note's text as a task name that Mermaid reads as one: escaped, and with a
    zero-width space in front when it would start like a keyword or a comment."""
    name = _escape(text) or "(empty note)"
    return "\u200b" + name if _NOT_A_TASK.match(name) else name


def _fmt(score: float) -> str:
    return f"{score:g}"


def export_mermaid(db: Db, map_id: str) -> str:
    """The map as a Mermaid journey: a section per stage, a task per note of its
    actions lane(s) with the curve's score there (mapped back to 1..5) and the
    note's author(s) as actors. A stage that has curve points but no actions
    gets a task per point (named by its label or the stage), so the curve is kept."""
    data = load_map(db, map_id)
    scale = (data.map.scale_min, data.map.scale_max)
    action_lanes = [lane for lane in data.lanes if lane.kind == LaneKind.ACTIONS]
    curve = data.curves[0] if data.curves else None
    out = ["journey",
           f"    %% Exported from Waymark: {_escape(data.session.title)} / "
           f"{_escape(data.map.name)}",
           f"    title {_escape(data.session.title)}"]
    for stage in data.stages:
        out.append(f"    section {_escape(stage.name)}")
        notes = [n for lane in action_lanes for n in data.notes.get((stage.id, lane.id), [])]
        points = [p for p in curve.points if p.stage_id == stage.id] if curve else []
        values = [from_scale(p.score, scale) for p in points]
        if notes:
            for note, score in zip(notes, _scores_for(len(notes), values), strict=True):
                line = f"      {_task_name(note.text)}: " \
                       f"{_fmt(NEUTRAL if score is None else score)}"
                actors = [_escape(a).replace(",", " ") for a in note.author.split(",")]
                actors = [a for a in actors if a]
                out.append(line + (f": {', '.join(actors)}" if actors else ""))
        else:
            for point, score in zip(points, values, strict=True):
                out.append(f"      {_task_name(point.label or stage.name)}: {_fmt(score)}")
    return "\n".join(out) + "\n"


def export_mermaid_file(db: Db, map_id: str, path) -> str:
    """`export_mermaid` written atomically to `path` (UTF-8); returns the text."""
    from storage.atomic import write_text_atomic

    text = export_mermaid(db, map_id)
    write_text_atomic(path, text)
    return text
