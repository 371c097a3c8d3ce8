"""Mermaid `journey` diagrams as Mermaid itself reads them.

Every case below was run through the real parser of the `mermaid` npm package,
version 12.3.0 (`mermaid.parse` and `mermaidAPI.getDiagramFromText` under
jsdom, 2026-12-02): what it accepts, Waymark imports (with the same title,
sections, tasks, scores and actors); what it rejects, Waymark refuses with one
line that names the file's line, and the library is left as it was. Line
numbers here are the file's (Mermaid counts after dropping comment lines).
Where Waymark reads an accepted value differently on purpose (a missing or
non-numeric score becomes 3 with a warning, a trailing `%%` comment is
dropped), the case says so.
"""

from __future__ import annotations

import sqlite3

import pytest

from formats.mermaid import export_mermaid, import_mermaid, parse_mermaid
from journey.errors import WaymarkError
from journey.queries import load_map

J = "journey\n  section A\n    t: 3: me\n"
BODY = J[len("journey\n"):]


def summary(text: str) -> tuple[str, list]:
    journey = parse_mermaid(text)
    return journey.title, [(s.name, [(t.text, t.score, t.actors) for t in s.tasks])
                           for s in journey.sections]


A = [("A", [("t", 3.0, ["me"])])]

# (id, text, title, sections) — all accepted by mermaid 12.3.0.
ACCEPTED = [
    ("title-only", "journey\n  title Only a title\n", "Only a title", []),
    ("journey-only", "journey\n", "", []),
    ("journey-no-newline", "journey", "", []),
    ("title-keyword-any-case", "journey\n  TITLE Big\n" + BODY, "Big", A),
    ("title-stops-at-hash", "journey\n  title T # x\n" + BODY, "T", A),
    ("title-keeps-colons", "journey\ntitle T: 3\n", "T: 3", []),
    ("title-tab", "journey\n\ttitle\tT\n", "T", []),
    ("last-title-wins", "journey\ntitle a\ntitle b\n", "b", []),
    ("bare-title-takes-next-line", "journey\n  title\n  section A\n    t: 3: me\n",
     "section A", [("Journey", [("t", 3.0, ["me"])])]),
    ("title-colon-is-a-task", "journey\n  title: T\n" + BODY, "",
     [("Journey", [("title", 3.0, [])]), ("A", [("t", 3.0, ["me"])])]),
    ("section-colon-is-a-task", "journey\n  section: A\n    t: 3: me\n", "",
     [("Journey", [("section", 3.0, []), ("t", 3.0, ["me"])])]),
    ("acc-title-keeps-semicolon-and-hash", "journey\n  accTitle: x; y # z\n" + BODY,
     "x; y # z", A),
    ("acc-title-lower-case", "journey\n acctitle: a\n" + BODY, "a", A),
    ("acc-descr-block", "journey\n  accDescr {\n a\n b }\n" + BODY, "", A),
    ("acc-descr-empty-block", "journey\n  accDescr {}\n" + BODY, "", A),
    ("acc-descr-then-task-on-its-line", "journey\n  accDescr { x } t: 3: me\n", "",
     [("Journey", [("t", 3.0, ["me"])])]),
    ("front-matter-title", "---\ntitle: FM\n---\n" + J, "FM", A),
    ("front-matter-indented", "  ---\n  title: FM\n  ---\n" + J, "FM", A),
    ("front-matter-number-title", "---\ntitle: 12\n---\n" + J, "12", A),
    ("front-matter-empty", "---\n\n---\n" + J, "", A),
    ("front-matter-a-list", "---\n- a\n---\n" + J, "", A),
    ("front-matter-tab-separator", "---\ntitle:\tx\n---\n" + J, "x", A),
    ("front-matter-crlf", "---\r\ntitle: W\r\n---\r\n" + J, "W", A),
    ("title-beats-front-matter", "---\ntitle: FM\n---\njourney\ntitle T\n", "T", []),
    ("directive", "%%{init: {'theme':'base'}}%%\n" + J, "", A),
    ("directive-over-lines", "%%{init: {\n'theme':'base'}}%%\n" + J, "", A),
    ("directive-inside-a-task", J + "    u: 3%%{init: {}}%%: me\n", "",
     [("A", [("t", 3.0, ["me"]), ("u", 3.0, ["me"])])]),
    ("comment-first", "%% hi\n" + J, "", A),
    ("comment-after-journey", "journey %% c\n" + BODY, "", A),
    ("hash-after-journey", "journey # c\n" + BODY, "", A),
    ("single-percent-line", J + "    % x\n", "", A),
    ("percent-in-a-name", J + "    50% off: 3: me\n", "",
     [("A", [("t", 3.0, ["me"]), ("50% off", 3.0, ["me"])])]),
    ("hash-comment-line", J + "  # comment\n", "", A),
    ("hash-after-actors", J + "    u: 4: me # c\n", "",
     [("A", [("t", 3.0, ["me"]), ("u", 4.0, ["me"])])]),
    ("no-spaces", "journey\nsection A\nt:3:me\n", "", A),
    ("tasks-before-any-section", "journey\n  t: 3: me\n", "",
     [("Journey", [("t", 3.0, ["me"])])]),
    ("empty-sections", "journey\nsection A\nsection B\n", "", [("A", []), ("B", [])]),
    ("ideographic-space", "journey\n\u3000section A\n    t: 3: me\n", "", A),
    ("bom", "\ufeffjourney\n  section A\n    t: 3: me\n", "", A),
    ("crlf", "journey\r\n  section A\r\n    t: 3: me\r\n", "", A),
    ("cr-only", "journey\r  section A\r    t: 3: me\r", "", A),
    ("fullwidth-colon-inside-a-name", J + "    对比：运费: 2: 用户\n", "",
     [("A", [("t", 3.0, ["me"]), ("对比：运费", 2.0, ["用户"])])]),
    ("actors-are-the-third-field", J + "    u: 3: a, b: c\n", "",
     [("A", [("t", 3.0, ["me"]), ("u", 3.0, ["a", "b"])])]),
    ("empty-actor-field", J + "    u: 3:\n", "", [("A", [("t", 3.0, ["me"]), ("u", 3.0, [])])]),
    ("score-only", J + "    u: 3\n", "", [("A", [("t", 3.0, ["me"]), ("u", 3.0, [])])]),
    ("score-as-js-number", J + "    a: 0x5: me\n    b: 1e1: me\n    c: .5: me\n    d: -1: me\n",
     "", [("A", [("t", 3.0, ["me"]), ("a", 5.0, ["me"]), ("b", 5.0, ["me"]),
                 ("c", 1.0, ["me"]), ("d", 1.0, ["me"])])]),
    # Mermaid reads these scores as 0 (blank) or NaN; Waymark uses 3 and warns.
    ("blank-score", J + "    u: \n", "", [("A", [("t", 3.0, ["me"]), ("u", 3.0, [])])]),
    ("score-not-a-number", J + "    u: high: me\n    v: 2,5: me\n", "",
     [("A", [("t", 3.0, ["me"]), ("u", 3.0, ["me"]), ("v", 3.0, ["me"])])]),
    ("name-is-not-a-keyword", J + "    title: 3: me\n    sectional: 3: me\n", "",
     [("A", [("t", 3.0, ["me"]), ("title", 3.0, ["me"]), ("sectional", 3.0, ["me"])])]),
    ("section-name-stops-at-hash", "journey\nsection A # x\n t: 3: me\n", "", A),
    ("section-name-with-percent", "journey\nsection 50% A\n t: 3: me\n", "",
     [("50% A", [("t", 3.0, ["me"])])]),
    ("entity-keeps-a-hash", J + "    Ticket #35;1: 3: me\n", "",
     [("A", [("t", 3.0, ["me"]), ("Ticket #1", 3.0, ["me"])])]),
    # Mermaid shows `%% c` as text here; Waymark drops it as the comment it is, and warns.
    ("trailing-comment-in-a-task", J + "    u: 3: me %% c\n", "",
     [("A", [("t", 3.0, ["me"]), ("u", 3.0, ["me"])])]),
    ("nul-in-a-name", J + "    u\x00v: 3: me\n    \x9c\x1fw: 3: me\n", "",
     [("A", [("t", 3.0, ["me"]), ("uv", 3.0, ["me"]), ("w", 3.0, ["me"])])]),
]

# (id, text, the line the message must name) — all rejected by mermaid 12.3.0.
REJECTED = [
    ("journey-upper-case", "JOURNEY\n  section A\n    t: 3: me\n", 1),
    ("journey-capitalised", "Journey\n  section A\n    t: 3: me\n", 1),
    ("acc-title-without-colon", "journey\n  accTitle x\n" + BODY, 2),
    ("acc-descr-without-colon", "journey\n  accDescr x\n" + BODY, 2),
    ("acc-descr-block-never-closed", "journey\n  accDescr {\n a\n b\n" + BODY, 2),
    ("front-matter-indented-closed-unindented", "  ---\ntitle: FM\n---\n" + J, 1),
    ("front-matter-after-a-blank-line", "\n---\ntitle: FM\n---\n" + J, 2),
    ("front-matter-never-closed", "---\ntitle: FM\n" + J, 1),
    ("front-matter-closing-fence-with-text", "---\ntitle: FM\n--- x\n" + J, 1),
    ("front-matter-closed-at-end-of-file", "---\ntitle: x\n---", 1),
    ("front-matter-bad-yaml", "---\ntitle: ok\nconfig: [a\n---\n" + J, 3),
    ("front-matter-duplicate-key", "---\ntitle: a\ntitle: b\n---\n" + J, 3),
    ("task-without-score", J + "    no score\n", 4),
    ("task-colon-then-nothing", J + "    t:\n", 4),
    ("task-colon-then-semicolon", J + "    t:;\n", 4),
    ("fullwidth-colons-only", J + "    对比：2：用户\n", 4),
    ("hash-inside-a-name", J + "    t #1: 3: me\n", 4),
    ("semicolon-after-a-task", J + "    t: 3: me; u: 2\n", 4),
    ("semicolon-alone", J + "    ;\n", 4),
    ("journey-semicolon", "journey;\n", 1),
    ("bare-section", "journey\n  section\n    t: 3: me\n", 2),
    ("bare-section-at-the-end", J + "  section\n", 4),
    ("section-name-with-colon", "journey\n  section A: B\n    t: 3: me\n", 2),
    ("title-with-semicolon", "journey\n  title T; x\n" + BODY, 2),
    ("bare-title-at-the-end", "journey\ntitle", 2),
    ("second-journey", J + "journey\n", 4),
    ("text-after-journey", "journey foo\n" + BODY, 1),
    ("colon-after-journey", "journey: 3\n" + BODY, 1),
    ("journeyx", "journeyx\n" + BODY, 1),
    ("text-before-journey", "Hello\njourney\n" + BODY, 1),
    ("directive-never-closed", "%%{init: {'theme':'base'}\n" + J, 1),
    ("task-without-name", J + "  : 3: me\n", 4),
    ("section-and-task-on-one-line", "journey\nsection A t: 3: me\n", 2),
    ("stray-brace", J + "  }\n", 4),
    ("unclosed-markdown-fence", "```mermaid\n" + J + "```x\n", 1),
    ("empty", "", None),
    ("blank-lines", "\n\n", None),
]


@pytest.mark.parametrize("text, title, sections", [c[1:] for c in ACCEPTED],
                         ids=[c[0] for c in ACCEPTED])
def test_what_mermaid_accepts_imports(library, text: str, title: str, sections: list) -> None:
    assert summary(text) == (title, sections)
    result = library.run(import_mermaid, text)
    data = library.read(load_map, result.map_id)
    assert [s.name for s in data.stages] == [name for name, _ in sections]
    assert result.notes == sum(len(tasks) for _, tasks in sections)
    assert data.session.title == (title or "Imported journey")


def _dump(library) -> str:
    with sqlite3.connect(library.path) as conn:
        return "\n".join(conn.iterdump())


@pytest.mark.parametrize("text, line", [c[1:] for c in REJECTED], ids=[c[0] for c in REJECTED])
def test_what_mermaid_rejects_is_one_line_naming_the_line(library, text: str,
                                                           line: int | None) -> None:
    before = _dump(library)
    with pytest.raises(WaymarkError) as info:
        library.run(import_mermaid, text)
    message = str(info.value)
    assert "\n" not in message and len(message) <= 300, message
    if line is not None:
        assert message.startswith(f"line {line}: "), message
    assert _dump(library) == before


@pytest.mark.parametrize("text, expected", [
    ("journey\n  accTitle x\n" + BODY, "line 2: accTitle needs a colon: 'accTitle: text'"),
    ("journey\n  section\n    t: 3: me\n",
     "line 2: 'section' needs a name on the same line"),
    (J + "    对比：2：用户\n",
     "line 4: '对比：2：用户' is not a task: Mermaid needs 'name: score' (an ASCII ':', not '：')"),
    (J + "    t: 3: me; u: 2\n",
     "line 4: Mermaid does not allow ';' here (write #59; for a semicolon)"),
    ("  ---\ntitle: FM\n---\n" + J,
     "line 1: front matter (---) is never closed: the closing --- needs the opening's indent"),
    ("JOURNEY\n", "line 1: Mermaid reads only 'journey' in lower case, not 'JOURNEY'"),
])
def test_messages_say_what_to_change(text: str, expected: str) -> None:
    with pytest.raises(WaymarkError) as info:
        parse_mermaid(text)
    assert str(info.value) == expected


def test_messages_cut_the_users_text() -> None:
    long = "x" * 500
    with pytest.raises(WaymarkError) as info:
        parse_mermaid(J + "    " + long + "\n")
    message = str(info.value)
    assert f"'{'x' * 60}…'" in message and len(message) < 160


def test_warnings_say_where_waymark_reads_differently() -> None:
    journey = parse_mermaid("journey\n  title\n  section A\n    t: 3: me %% c\n    u: 2: a: b\n"
                            "    v: high\n")
    assert journey.warnings == [
        "line 2: 'title' has no text on its line, so Mermaid takes line 3 as the title",
        "line 4: text after '%%' dropped (Mermaid shows it as part of the actor's name)",
        "line 4: tasks before the first section were put in a stage called 'Journey'",
        "line 5: Mermaid ignores ': b' after the actors",
        "line 6: score 'high' is not a number; used 3 (neutral)",
    ]


def test_a_markdown_page_imports_its_mermaid_block(library) -> None:
    text = "# Notes\n\n```mermaid\n---\ntitle: Inside\n---\njourney\n  section A\n" \
           "    t: 3: me\n    broken line\n```\n"
    with pytest.raises(WaymarkError, match=r"^line 10: 'broken line' is not a task"):
        parse_mermaid(text)
    assert summary(text.replace("    broken line\n", "")) == ("Inside", A)


@pytest.mark.parametrize("name", ["title of the talk", "Section one done", "journey home",
                                  "title\ufeffBOM", "section\ufeffx", "accDescr\ufeff{ y",
                                  "accDescr {x", "% off", "Ticket #35;", "accTitle: x"])
def test_note_texts_that_look_like_keywords_export_as_tasks(library, name: str) -> None:
    text = "journey\n  section A\n    placeholder: 3: me\n"
    result = library.run(import_mermaid, text)
    from journey import ops
    data = library.read(load_map, result.map_id)
    note = data.notes[(data.stages[0].id, data.lanes[0].id)][0]
    library.run(ops.edit_note, note.id, text=name)
    exported = library.read(export_mermaid, result.map_id)
    again = parse_mermaid(exported)
    assert [(t.text, t.score) for t in again.tasks] == [(name, 3.0)]
    assert again.title == "Imported journey"
