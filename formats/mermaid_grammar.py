"""Mermaid's `journey` grammar, read the way mermaid 12.3.0 reads it.

Mermaid first cleans the text (`preprocess.ts`): CR/CRLF become LF, YAML
front matter between `---` fences is taken off the top (its `title` kept),
`%%{...}%%` directives are cut wherever they are, whole-line `%%` comments
go, and leading whitespace is trimmed. The diagram is a journey when what is
left starts with `journey` (lower case). `#name;` entities are encoded, and
the jison lexer of `user-journey/parser/journey.jison` (case-insensitive,
first matching rule wins) reads tokens — `title …`, `accTitle: …`,
`accDescr: …`, `accDescr { … }`, `section …`, and a task `name` followed by
`:data` — where `#` starts a comment, `;` is never allowed and line ends only
separate statements. This module ports exactly that (JS `\\s`, `.` and `\\b`
included) so that a file Mermaid accepts is accepted and one it rejects is
refused, with the file's line number; `formats.mermaid` gives the statements
their meaning. Each pass is linear in the text (long lines and blank runs
cannot make it quadratic).

One addition: a Markdown page whose ```mermaid block holds a journey reads as
that block.
"""

from __future__ import annotations

import bisect
import html
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from journey.errors import WaymarkError

#: JavaScript's `\s` (WhiteSpace and LineTerminator), which differs from Python's.
JS_SPACE = ("\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
            + "\u2028\u2029\u202f\u205f\u3000\ufeff")
_S = "[" + "".join(f"\\u{ord(c):04x}" for c in JS_SPACE) + "]"
_NS = "[^" + _S[1:]
_LINE_BREAKS = "\n\r\u2028\u2029"  # where JS `^` (multiline) may match; what `.` stops at
_I = re.IGNORECASE | re.ASCII  # ASCII: JS /i without /u folds no 'ſ' into 's', `\b` is ASCII

_DIRECTIVE = re.compile(
    rf"%%\{{{_S}*(?:(\w+){_S}*:|(\w+)){_S}*(?:(\w+)|((?:(?!\}}%%)[^{_LINE_BREAKS}]|\r?\n)*))?"
    rf"{_S}*(?:\}}%%)?", _I)
_COMMENT_START = re.compile(r"%%(?!\{)[^\n]+\n?")
_COLON_RUN = re.compile(":" + _NS + "*")
_BREAK = re.compile(f"[{_LINE_BREAKS}]")
_ENTITY = re.compile(r"#(\w+);", re.ASCII)
_ENCODED = re.compile("\ufb02\u00b0(\u00b0?)(\\w+)\u00b6\u00df", re.ASCII)

# The journey lexer's rules in order (INITIAL state); kind None = skipped.
_RULES: list[tuple[str | None, re.Pattern[str]]] = [
    (None, re.compile(r"%(?!\{)[^\n]*")),
    (None, re.compile(r"[^}]%%[^\n]*")),
    ("NEWLINE", re.compile(r"\n+")),
    (None, re.compile(_S + "+")),
    (None, re.compile(r"#[^\n]*")),
    ("journey", re.compile(r"journey\b", _I)),
    ("title", re.compile("title" + _S + r"[^#\n;]+", _I)),
    ("acc_title", re.compile("accTitle" + _S + "*:" + _S + "*", _I)),
    ("acc_descr", re.compile("accDescr" + _S + "*:" + _S + "*", _I)),
    ("acc_descr_block", re.compile("accDescr" + _S + r"*\{" + _S + "*", _I)),
    ("section", re.compile("section" + _S + r"[^#:\n;]+", _I)),
    ("task_name", re.compile(r"[^#:\n;]+")),
    ("task_data", re.compile(r":[^#\n;]+")),
    (":", re.compile(":")),
    ("INVALID", re.compile(".", re.DOTALL)),
]
_OTHER_DIAGRAMS = ("graph", "flowchart", "sequencediagram", "classdiagram", "statediagram",
                   "erdiagram", "gantt", "pie", "mindmap", "timeline", "gitgraph", "quadrantchart",
                   "requirementdiagram", "c4context", "sankey", "xychart", "block", "packet",
                   "architecture", "kanban", "radar", "treemap", "info")


class MermaidError(WaymarkError):
    """A file that is not a readable Mermaid journey diagram."""


def cut(text: str, limit: int = 60) -> str:
    """User text for a message: at most `limit` characters, then "…"."""
    return text if len(text) <= limit else text[:limit] + "…"


def quote(text: str, limit: int = 60) -> str:
    """User text for a one-line message: cut, quoted, line breaks and controls escaped."""
    return repr(cut(text, limit))


def js_strip(text: str) -> str:
    return text.strip(JS_SPACE)


@dataclass(frozen=True)
class Statement:
    """One statement of the diagram: kind is title, acc_title, acc_descr, section or task.
    `value` is the text after the keyword (a task's name), `data` a task's text after
    its first ':', `spans` whether the value began on a later line than the keyword."""

    kind: str
    value: str
    line: int
    data: str = ""
    spans: bool = False


@dataclass
class Diagram:
    front_title: str
    statements: list[Statement]


class _Source:
    """Text being cleaned, with the position in the file's text of every character,
    so that a message can name the line Mermaid's cleaning moved."""

    def __init__(self, text: str, line_offset: int = 0) -> None:
        self.text = text
        self.origin = array("q", range(len(text)))
        self._breaks = [m.start() for m in re.finditer("\n", text)]
        self._offset = line_offset
        self._end = len(text)

    def line(self, pos: int) -> int:
        """The file line of position `pos` of the current (cleaned) text."""
        where = self.origin[pos] if pos < len(self.origin) else self._end
        return bisect.bisect_left(self._breaks, where) + 1 + self._offset

    def edit(self, edits: list[tuple[int, int, str]]) -> None:
        """Replace the sorted, non-overlapping spans (start, end, new text)."""
        if not edits:
            return
        parts: list[str] = []
        origin = array("q")
        pos = 0
        for start, end, new in edits:
            parts.append(self.text[pos:start])
            origin.extend(self.origin[pos:start])
            parts.append(new)
            at = self.origin[start] if start < len(self.origin) else self._end
            origin.extend([at] * len(new))
            pos = end
        parts.append(self.text[pos:])
        origin.extend(self.origin[pos:])
        self.text, self.origin = "".join(parts), origin


# -- preprocessing, as mermaid's preprocessDiagram does it ---------------------------

@dataclass
class _FrontMatter:
    indent: str
    body_start: int
    body_end: int
    length: int


def _match_front_matter(text: str) -> _FrontMatter | None:
    """mermaid's `matchFrontMatter`: `---` after horizontal whitespace on the first
    line, closed by a line of the same indent + `---` and a line end."""
    cursor = 0
    while cursor < len(text) and text[cursor] in JS_SPACE and text[cursor] not in "\n\r":
        cursor += 1
    indent = text[:cursor]
    if not text.startswith("---", cursor):
        return None
    opening_ends = []
    i = cursor + 3
    while i < len(text) and text[i] in JS_SPACE:
        if text[i] in "\n\r":
            opening_ends.append(i)
        i += 1
    if not opening_ends:
        return None
    fence = indent + "---"

    def closing_end(k: int) -> int:
        end, j = -1, k + 1 + len(fence)
        while j < len(text) and text[j] in JS_SPACE:
            if text[j] in "\n\r":
                end = j
            j += 1
        return end

    closings = [m.start() for m in re.finditer(r"[\n\r](?=" + re.escape(fence) + ")", text)
                if m.start() >= opening_ends[0] + 1]
    closings = [k for k in closings if closing_end(k) != -1]
    if not closings:
        return None
    last = closings[-1]
    opening_end = max([c for c in opening_ends if c < last], default=opening_ends[0])
    body_start = opening_end + 1
    for k in closings:
        if body_start <= k <= last:
            return _FrontMatter(indent, body_start, k, closing_end(k) + 1)
    return None


class _FrontMatterLoader(yaml.BaseLoader):
    """Plain strings (as mermaid's JSON schema keeps `title: 12` a title) and no
    duplicate keys (js-yaml refuses them)."""

    def construct_mapping(self, node, deep=False):  # noqa: ANN001, ANN201
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicated mapping key {quote(str(key))}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _load_yaml(body: str) -> object:
    """The front matter as YAML. js-yaml (YAML 1.2) takes a tab between tokens
    (`title:<tab>x`) where PyYAML does not: such a tab is read as a space, but never
    one in the indentation, which both refuse."""
    try:
        return yaml.load(body, Loader=_FrontMatterLoader)  # noqa: S506 (BaseLoader: strings)
    except yaml.YAMLError:
        if "\t" not in body:
            raise
        lines = [m.group(1) + m.group(2).replace("\t", " ")
                 for m in re.finditer(r"^([ \t]*)(.*)$", body, re.MULTILINE)]
        return yaml.load("\n".join(lines), Loader=_FrontMatterLoader)  # noqa: S506


def _front_matter_title(src: _Source, fm: _FrontMatter) -> str:
    body = src.text[fm.body_start:fm.body_end]
    if fm.indent:
        body = "\n".join(x[len(fm.indent):] if x.startswith(fm.indent) else x
                         for x in body.split("\n"))
    try:
        parsed = _load_yaml(body)
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = src.line(fm.body_start) + (mark.line if mark is not None else 0)
        problem = " ".join(str(getattr(exc, "problem", None) or "it cannot be read").split())
        raise MermaidError(f"line {line}: the front matter is not valid YAML "
                           f"({cut(problem)})") from None
    title = parsed.get("title") if isinstance(parsed, dict) else None
    if isinstance(title, list):
        title = ",".join(str(t) for t in title)
    if not isinstance(title, str) or title in ("", "null", "Null", "NULL", "~", "false",
                                               "False", "FALSE") or re.fullmatch(
                                                   r"[-+]?(0+(\.0*)?|\.0+)", title):
        return ""  # what JavaScript finds falsy, or a mapping
    return title


def _remove_comment_lines(src: _Source) -> None:
    """`text.replace(/^\\s*%%(?!{)[^\\n]+\\n?/gm, "")`, linear: the whitespace before a
    comment is scanned back once, never from every line start."""
    text, edits, done = src.text, [], 0
    for m in _COMMENT_START.finditer(text):
        start = m.start()
        j = start
        while j > done and text[j - 1] in JS_SPACE:
            j -= 1
        begin = next((k for k in range(j, start + 1) if k == 0 or text[k - 1] in _LINE_BREAKS),
                     None)
        if begin is not None:
            edits.append((begin, m.end(), ""))
            done = m.end()
    src.edit(edits)


def _trim_start(src: _Source) -> None:
    kept = src.text.lstrip(JS_SPACE)
    src.edit([(0, len(src.text) - len(kept), "")])


def _strip_any_comments(text: str) -> str:
    """detectType's `stripAnyComments`: only to tell the diagram's type."""
    out, consumed, search = [], 0, 0
    while search < len(text):
        marker = text.find("%%", search)
        if marker < 0:
            break
        line_end = text.find("\n", marker)
        if line_end < 0:
            break
        start = marker
        while start > consumed and text[start - 1] in JS_SPACE:
            start -= 1
        out.append(text[consumed:start] + "\n")
        consumed = search = line_end + 1
    return "".join(out) + text[consumed:]


def _drop_last_semicolon(src: _Source, word: str) -> None:
    """encodeEntities' `/style.*:\\S*#.*;/g` (and classDef): on a line with `word`,
    then ':', a run of non-space holding '#', then ';', the line's last ';' goes."""
    text, edits, pos = src.text, [], 0
    while True:
        start = text.find(word, pos)
        if start < 0:
            break
        found = _BREAK.search(text, start)
        line_end = found.start() if found else len(text)
        last = text.rfind(";", start, line_end)
        for m in _COLON_RUN.finditer(text, start + len(word), line_end):
            if m.start() >= last:
                break
            hash_at = m.group().find("#")
            if hash_at >= 0 and m.start() + hash_at < last:
                edits.append((last, last + 1, ""))
                break
        pos = line_end + 1
    src.edit(edits)


def _encode_entities(src: _Source) -> None:
    _drop_last_semicolon(src, "style")
    _drop_last_semicolon(src, "classDef")
    src.edit([(m.start(), m.end(), "\ufb02\u00b0" + ("\u00b0" if m.group(1).isdigit() else "")
               + m.group(1) + "\u00b6\u00df") for m in _ENTITY.finditer(src.text)])


def decode_entities(text: str) -> str:
    """What Mermaid shows for `#35;` or `#quot;`: the character itself."""
    def one(m: re.Match[str]) -> str:
        if m.group(1):
            code = int(m.group(2))
            return chr(code) if 0 < code < 0x110000 else m.group(0)
        return html.unescape(f"&{m.group(2)};")
    return _ENCODED.sub(one, text)


# -- type detection and the messages when it is not a journey -------------------------

def _not_a_journey(src: _Source, unclosed_directive: int | None) -> MermaidError:
    body = src.text
    if not body.strip(JS_SPACE):
        if unclosed_directive is not None:
            return MermaidError(f"line {unclosed_directive}: the directive '%%{{' is never "
                                f"closed with '}}%%'")
        return MermaidError("no 'journey' line: this is not a Mermaid journey diagram")
    line = src.line(0)
    first = body.split("\n", 1)[0].strip(JS_SPACE)
    word = re.split(r"[\s;{:]", first, maxsplit=1)[0]
    if word.casefold() == "journey":
        return MermaidError(f"line {line}: Mermaid reads only 'journey' in lower case, "
                            f"not {quote(word)}")
    if re.sub(r"-v2$", "", word.casefold()) in _OTHER_DIAGRAMS:
        return MermaidError(f"line {line}: this is a Mermaid {quote(word)} diagram, "
                            f"not a journey")
    return MermaidError(f"line {line}: expected 'journey' to start the diagram, "
                        f"found {quote(first, 40)}")


def _clean(text: str, line_offset: int) -> tuple[_Source, str]:
    """Mermaid's preprocessing; returns the cleaned source and the front matter's title."""
    src = _Source(text, line_offset)
    title = ""
    fm = _match_front_matter(src.text)
    if fm is not None:
        title = _front_matter_title(src, fm)
        src.edit([(0, fm.length, "")])
    elif src.text.lstrip(" \t").startswith("---"):
        indent = len(src.text) - len(src.text.lstrip(" \t"))
        if indent:
            raise MermaidError(f"line {src.line(0)}: front matter (---) is never closed: "
                               f"the closing --- needs the opening's indent")
    unclosed = None
    edits: list[tuple[int, int, str]] = []
    for m in _DIRECTIVE.finditer(src.text):
        if not m.group().endswith("}%%") and unclosed is None:
            unclosed = src.line(m.start())
        edits.append((m.start(), m.end(), ""))
    src.edit(edits)
    _remove_comment_lines(src)
    _trim_start(src)
    if src.text.startswith("---"):  # Mermaid's parser never takes a leading ---
        if _match_front_matter(src.text) is not None:
            raise MermaidError(f"line {src.line(0)}: front matter must start on the first line")
        raise MermaidError(f"line {src.line(0)}: front matter (---) is never closed")
    detect = src.text
    again = _match_front_matter(detect)
    if again is not None:
        detect = detect[again.length:]
    detect = _strip_any_comments(_DIRECTIVE.sub("", detect))
    if not re.match(_S + "*journey", detect) or detect.lower().strip(JS_SPACE) == "error":
        raise _not_a_journey(src, unclosed)
    return src, title


# -- the lexer and the grammar ----------------------------------------------------------

@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    pos: int


def _match(text: str, pos: int) -> tuple[str | None, re.Match[str]]:
    for kind, rule in _RULES:
        m = rule.match(text, pos)
        if m:
            return kind, m
    raise AssertionError("the last rule matches any character")


def _tokens(text: str) -> Iterator[_Token]:
    """The journey lexer: first matching rule wins; accTitle/accDescr values are the
    rest of the line, an accDescr block runs to the next '}'."""
    pos, n = 0, len(text)
    while pos < n:
        kind, m = _match(text, pos)
        start, pos = pos, m.end()
        if kind is None:
            continue
        if kind in ("acc_title", "acc_descr"):
            yield _Token(kind, m.group(), start)
            end = text.find("\n", pos)
            end = n if end < 0 else end
            yield _Token("value", text[pos:end], pos)
            pos = end
        elif kind == "acc_descr_block":
            close = text.find("}", pos)
            if close < 0:
                yield _Token("unclosed", m.group(), start)
                return
            if close > pos:
                yield _Token("acc_descr_block", text[pos:close], start)
            pos = close + 1
        else:
            yield _Token(kind, m.group(), start)
    yield _Token("EOF", "", n)


def _adjacent(src: _Source, previous: _Token | None, tok: _Token, kind: str) -> bool:
    """`previous` is a `kind` token and no line break separates it from `tok`."""
    return previous is not None and previous.kind == kind and \
        "\n" not in src.text[previous.pos + len(previous.text):tok.pos]


def _task_name_error(src: _Source, name: _Token, after: _Token, previous: _Token | None) -> str:
    line = src.line(name.pos)
    word = js_strip(name.text)
    if _adjacent(src, previous, name, "journey"):
        return f"line {line}: nothing may follow 'journey' on its line, found {quote(word)}"
    low = word.casefold()
    for keyword in ("accTitle", "accDescr"):
        if low.startswith(keyword.casefold()):
            return f"line {line}: {keyword} needs a colon: '{keyword}: text'"
    if after.kind == ":":
        return f"line {line}: the task {quote(word)} has no score after ':'"
    if after.kind == "INVALID":
        return f"line {line}: Mermaid does not allow ';' here (write #59; for a semicolon)"
    rest = src.text[name.pos + len(name.text):src.text.find("\n", name.pos)]
    hint = ""
    if "\uff1a" in word:
        hint = " (an ASCII ':', not '：')"
    elif rest.startswith("#"):
        hint = " ('#' starts a comment; write #35; for '#')"
    return f"line {line}: {quote(word)} is not a task: Mermaid needs 'name: score'{hint}"


def _stray_data_error(src: _Source, data: _Token, previous: _Token | None) -> str:
    line = src.line(data.pos)
    if _adjacent(src, previous, data, "section"):
        if "\n" in previous.text:
            return f"line {src.line(previous.pos)}: 'section' needs a name on the same line"
        return f"line {line}: a section name cannot contain ':'"
    if _adjacent(src, previous, data, "journey"):
        return f"line {line}: nothing may follow 'journey' on its line, found {quote(data.text)}"
    return f"line {line}: {quote(js_strip(data.text))} has no task name before the ':'"


def _statements(src: _Source) -> list[Statement]:
    text = src.text
    tokens = _tokens(text)
    first = next(tokens)
    if first.kind != "journey":
        raise MermaidError(f"line {src.line(first.pos)}: expected 'journey' to start the "
                           f"diagram, found {quote(js_strip(first.text), 40)}")
    out: list[Statement] = []
    previous: _Token | None = first
    for tok in tokens:
        kind, line = tok.kind, src.line(tok.pos)
        if kind == "EOF":
            break
        if kind == "NEWLINE":
            continue
        if kind == "title":
            value = tok.text[6:]
            out.append(Statement("title", value, line, spans=tok.text[5] == "\n"))
        elif kind in ("acc_title", "acc_descr"):
            value = next(tokens)
            out.append(Statement(kind, value.text, line, spans="\n" in tok.text))
        elif kind == "acc_descr_block":
            out.append(Statement("acc_descr", tok.text, line))
        elif kind == "unclosed":
            raise MermaidError(f"line {line}: 'accDescr {{' is never closed with '}}'")
        elif kind == "section":
            out.append(Statement("section", tok.text[8:], line, spans=tok.text[7] == "\n"))
        elif kind == "task_name":
            data = next(tokens)
            if data.kind != "task_data":
                raise MermaidError(_task_name_error(src, tok, data, previous))
            out.append(Statement("task", tok.text, line, data=data.text[1:]))
        elif kind == "task_data":
            raise MermaidError(_stray_data_error(src, tok, previous))
        elif kind == "journey":
            raise MermaidError(f"line {line}: a second 'journey' line")
        elif kind == ":":
            raise MermaidError(f"line {line}: ':' without a task name before it")
        else:  # INVALID: only ';' gets here
            raise MermaidError(f"line {line}: Mermaid does not allow ';' here "
                               f"(write #59; for a semicolon)")
        previous = tok
    return out


# -- entry point ------------------------------------------------------------------------

def _fenced_block(text: str) -> tuple[str, int] | None:
    """The first ```mermaid block of a Markdown page that holds a journey, and the
    number of lines before it."""
    lines = text.split("\n")
    start = None
    for k, line in enumerate(lines):
        fence = line.strip()
        if start is None and re.match(r"^(```|~~~)\s*\{?\s*mermaid\b", fence, re.IGNORECASE):
            start = k
        elif start is not None and re.fullmatch(r"`{3,}|~{3,}", fence):
            block = lines[start + 1:k]
            if any(re.match(_S + "*journey", b) for b in block):
                return "\n".join(block) + "\n", start + 1
            start = None
    return None


def read_journey(text: str) -> Diagram:
    """The statements of a journey diagram, or MermaidError (`line N: ...`) where
    Mermaid would refuse it."""
    text = re.sub(r"\r\n?", "\n", text.removeprefix("\ufeff"))
    try:
        src, front_title = _clean(text, 0)
    except MermaidError:
        fenced = _fenced_block(text)
        if fenced is None:
            raise
        src, front_title = _clean(*fenced)
    _encode_entities(src)
    src.edit([(len(src.text), len(src.text), "\n")])  # as Mermaid parses `text + "\n"`
    return Diagram(front_title, _statements(src))
