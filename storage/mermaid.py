"""Mermaid `journey` diagrams in and out.

A diagram becomes a session with one map: a stage per `section`, an Actions
lane with a note per task (its actors as the note's author), an Emotion lane
whose curve has one point per task (the 1–5 score mapped onto the map's scale)
and a participant per actor. Export writes a map back the same way, so
import → export → import gives the same map.

Real diagrams are messy, and the parser reads what Mermaid reads and more:
``Task:5:Me`` without spaces, full-width colons (``任务：5：我``), scores
outside 1–5 (clamped, with a warning), decimal or missing scores, ``%%``
comments on their own line or after a statement, ``%%{init}%%`` directives,
YAML front matter with a title, Markdown code fences, tabs, `accTitle` and
`accDescr`, and tasks before any section (they go in a default stage). A task
name may contain colons ("Call at 10:30: 4: Me"): the score is the last field
that is a number. Anything it has to guess is reported as ``line N: ...``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlmodel import Session as Db

from journey import ops
from journey.errors import WaymarkError
from journey.models import LaneKind
from journey.ops._common import MAX_NAME, MAX_TEXT
from journey.queries import load_map

MERMAID_MIN, MERMAID_MAX = 1, 5
NEUTRAL = 3.0
DEFAULT_SECTION = "Journey"
DEFAULT_TITLE = "Imported journey"
MAP_NAME = "Current state"

# Mermaid's journey lexer ends task names at ':' '#' ';' (and '%%' starts a
# comment). Export writes look-alikes so the diagram renders; import maps them back.
_ESCAPES = (("%%", "%\u200b%"), (":", "\u2236"), ("#", "\u266f"), (";", "\u037e"))
_NUMBER = re.compile(r"^[-+]?\d+(?:[.,]\d+)?$")
_OTHER_DIAGRAMS = ("graph", "flowchart", "sequencediagram", "classdiagram", "statediagram",
                   "erdiagram", "gantt", "pie", "mindmap", "timeline", "gitgraph", "quadrantchart",
                   "requirementdiagram", "c4context", "sankey", "xychart", "block")


class MermaidError(WaymarkError):
    """A file that is not a readable Mermaid journey diagram."""


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
    return text


def _escape(text: str) -> str:
    text = " ".join(text.split())  # one line, no tabs
    for plain, look_alike in _ESCAPES:
        text = text.replace(plain, look_alike)
    return text


def _strip_comment(line: str) -> str:
    """Cut a `%%` comment (whole-line or trailing); `%%{...}%%` directives go too."""
    cut = line.find("%%")
    return line if cut < 0 else line[:cut]


def _cap(text: str, limit: int, what: str, line: int, warnings: list[str]) -> str:
    if len(text) > limit:
        warnings.append(f"line {line}: {what} cut to {limit:,} characters")
        return text[:limit]
    return text


def _parse_score(raw: str, line: int, warnings: list[str]) -> float:
    value = raw.strip()
    if not value:
        warnings.append(f"line {line}: no score; used {NEUTRAL:g} (neutral)")
        return NEUTRAL
    if not _NUMBER.match(value):
        warnings.append(f"line {line}: score {value!r} is not a number; used {NEUTRAL:g} "
                        f"(neutral)")
        return NEUTRAL
    score = float(value.replace(",", "."))
    clamped = float(min(MERMAID_MAX, max(MERMAID_MIN, score)))
    if clamped != score:
        warnings.append(f"line {line}: score {value} clamped to {clamped:g}")
    return clamped


def _parse_task(body: str, line: int, warnings: list[str]) -> MermaidTask | None:
    parts = body.replace("\uff1a", ":").split(":")
    score_at = next((i for i in range(len(parts) - 1, 0, -1)
                     if _NUMBER.match(parts[i].strip())), None)
    if score_at is None:
        text, score_raw, actors_raw = parts[0], ":".join(parts[1:2]), ",".join(parts[2:])
        if len(parts) == 1:
            score_raw = ""
    else:
        text = ":".join(parts[:score_at])
        score_raw, actors_raw = parts[score_at], ",".join(parts[score_at + 1:])
    text = _unescape(" ".join(text.split()))
    if not text:
        warnings.append(f"line {line}: a task without a name was skipped")
        return None
    score = _parse_score(score_raw, line, warnings)
    actors: list[str] = []
    for actor in actors_raw.replace("\uff0c", ",").replace("、", ",").split(","):
        actor = _unescape(" ".join(actor.split()))
        if actor and actor.casefold() not in (a.casefold() for a in actors):
            actors.append(_cap(actor, MAX_NAME, "an actor's name", line, warnings))
    return MermaidTask(_cap(text, MAX_TEXT, "the task", line, warnings), score, actors, line)


def _only_fenced_journey(lines: list[str]) -> list[str]:
    """In a Markdown page, keep only the ```mermaid block that holds a journey
    (other lines become blank, so line numbers still match the file)."""
    start = None
    for k, line in enumerate(lines):
        fence = line.strip()
        if start is None and re.match(r"^(```|~~~)\s*\{?\s*mermaid\b", fence, re.IGNORECASE):
            start = k
        elif start is not None and fence.startswith(("```", "~~~")):
            block = lines[start + 1:k]
            if any(re.match(r"^\s*journey\b", b, re.IGNORECASE) for b in block):
                return [""] * (start + 1) + block + [""] * (len(lines) - k)
            start = None
    return lines


def parse_mermaid(text: str) -> MermaidJourney:
    """Read a journey diagram; raises MermaidError only when it is not one at all."""
    lines = _only_fenced_journey(text.replace("\ufeff", "").splitlines())
    warnings: list[str] = []
    title = front_title = acc_title = description = ""
    i = 0
    # Before `journey`: blank lines, comments, directives, a code fence, front matter.
    while i < len(lines):
        stripped = lines[i].strip()
        low = stripped.casefold()
        if stripped == "---":  # YAML front matter: only its title matters here
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "---"), None)
            if end is None:
                raise MermaidError(f"line {i + 1}: front matter (---) is never closed")
            for j in range(i + 1, end):
                m = re.match(r"^title\s*:\s*(.*)$", lines[j])
                if m:
                    front_title = m.group(1).strip().strip("\"'")
            i = end + 1
            continue
        if stripped.startswith("%%{") and "}%%" not in stripped:
            while i < len(lines) and "}%%" not in lines[i]:
                i += 1
            i += 1
            continue
        body = _strip_comment(stripped).strip()
        if not body or body.startswith(("```", "~~~")):
            i += 1
            continue
        if re.match(r"^journey\b", low):
            rest = body[len("journey"):].strip()
            if rest:
                warnings.append(f"line {i + 1}: text after 'journey' ignored")
            break
        first = re.split(r"[\s;{]", low, maxsplit=1)[0]
        if re.sub(r"-v2$", "", first) in _OTHER_DIAGRAMS:
            raise MermaidError(f"line {i + 1}: this is a Mermaid {body.split()[0]!r} diagram, "
                               f"not a journey")
        raise MermaidError(f"line {i + 1}: expected 'journey' to start the diagram, "
                           f"found {body[:40]!r}")
    else:
        raise MermaidError("no 'journey' line: this is not a Mermaid journey diagram")

    sections: list[MermaidSection] = []
    i += 1
    while i < len(lines):
        n = i + 1
        raw = lines[i]
        i += 1
        if raw.strip().startswith("%%{") and "}%%" not in raw:
            while i < len(lines) and "}%%" not in lines[i - 1]:
                i += 1
            continue
        body = _strip_comment(raw).strip()
        if not body or body.startswith(("```", "~~~", "#")):
            continue
        low = body.casefold()
        m = re.match(r"^acc(title|descr)\s*(:|\{)\s*(.*)$", body, re.IGNORECASE)
        if m:
            kind, sep, value = m.group(1).casefold(), m.group(2), m.group(3)
            if sep == "{":  # accDescr { ... } may span lines, up to the closing brace
                chunks = []
                while "}" not in value and i < len(lines):
                    chunks.append(value)
                    value = lines[i]
                    i += 1
                chunks.append(value.split("}", 1)[0])
                value = "\n".join(c.strip() for c in chunks)
            if kind == "title":
                acc_title = value.strip()
            else:
                description = value.strip()
            continue
        if re.match(r"^journey\b", low):
            warnings.append(f"line {n}: a second 'journey' line was ignored")
            continue
        m = re.match(r"^title(?:\s*:\s*|\s+)(.*)$", body, re.IGNORECASE)
        if m:  # as in Mermaid, `title` wins even when the rest has colons
            title = _unescape(" ".join(m.group(1).split()))
            continue
        m = re.match(r"^section(?:\s*:\s*|\s+|$)(.*)$", body, re.IGNORECASE)
        if m:
            name = _unescape(" ".join(m.group(1).split()))
            if not name:
                name = f"Section {len(sections) + 1}"
                warnings.append(f"line {n}: a section without a name was called {name!r}")
            sections.append(MermaidSection(_cap(name, MAX_NAME, "the section name", n,
                                                warnings), n))
            continue
        task = _parse_task(body, n, warnings)
        if task is None:
            continue
        if not sections:
            sections.append(MermaidSection(DEFAULT_SECTION, n))
            warnings.append(f"line {n}: tasks before the first section were put in a "
                            f"stage called {DEFAULT_SECTION!r}")
        sections[-1].tasks.append(task)
    return MermaidJourney(_cap(title or front_title or acc_title, MAX_NAME, "the title", 1,
                               warnings), sections, warnings, acc_title, description)



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
    if not journey.sections:
        raise MermaidError("the diagram has no sections or tasks to import")
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
    notes = 0
    for section in journey.sections:
        stage = ops.add_stage(db, jmap.id, section.name)
        for task in section.tasks:
            ops.add_note(db, stage.id, actions.id, task.text, author=", ".join(task.actors))
            ops.add_curve_point(db, curve.id, stage.id, to_scale(task.score, scale))
            notes += 1
    for actor in journey.actors:
        ops.add_participant(db, session.id, actor)
    return MermaidImportResult(session.id, jmap.id, session.title, len(journey.sections), notes,
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
                line = f"      {_escape(note.text) or '(empty note)'}: " \
                       f"{_fmt(NEUTRAL if score is None else score)}"
                actors = [_escape(a).replace(",", " ") for a in note.author.split(",")]
                actors = [a for a in actors if a]
                out.append(line + (f": {', '.join(actors)}" if actors else ""))
        else:
            for point, score in zip(points, values, strict=True):
                out.append(f"      {_escape(point.label or stage.name)}: {_fmt(score)}")
    return "\n".join(out) + "\n"


def export_mermaid_file(db: Db, map_id: str, path) -> str:
    """`export_mermaid` written atomically to `path` (UTF-8); returns the text."""
    from .atomic import write_text_atomic

    text = export_mermaid(db, map_id)
    write_text_atomic(path, text)
    return text
