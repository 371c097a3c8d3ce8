"""The Markdown report: same content as the PDF, escaped for wikis."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from export.markdown import export_markdown, md
from export.report_model import build_report_model
from journey import ops
from journey.errors import WaymarkError
from journey.queries import load_map, maps_of
from tests.export.test_report import add_future_state


@pytest.fixture
def markdown(demo, tmp_path: Path):
    library, session = demo
    library.run(add_future_state, session.id)
    path = tmp_path / "report.md"
    library.read(export_markdown, session.id, path)
    return library, session, path.read_text(encoding="utf-8")


def test_structure(markdown) -> None:
    _, _, text = markdown
    headings = re.findall(r"^(#+) (.+)$", text, re.MULTILINE)
    top = [h for level, h in headings if level == "##"]
    assert top == ["Summary", "Personas", "Map: Current state", "Map: Future state",
                   "Comparison: Current state → Future state", "Action plan",
                   "Appendix: all notes"]
    assert headings[0] == ("#", "Coffee subscription")
    assert "- **Facilitator:** Sam Rivera" in text
    assert "- **Participants:** Amira, Ben, Chloé, Dmitri, Emma" in text
    assert "2 maps, 89 notes, 15 votes from 5 participants." in text
    assert "| Pain points | 7 | 5 | 12 |" in text
    assert "1. Surprise shipping fee at the last step — **4 votes**" in text
    assert "- Current state, Maya, the busy commuter — Lowest: **Service** −2 " \
           "(Pause is hidden)" in text
    assert "| Advocacy | – | +3 |   | new in Future state |" in text
    assert "| Service | −2 | +1 | +3 | in both |" in text
    assert "3 notes added, 2 notes removed, 1 note moved" in text
    assert "- Roaster meet-ups — Loyalty · Opportunities → Advocacy · Opportunities" in text


def test_every_note_and_action_row(markdown) -> None:
    library, session, text = markdown
    model = library.read(build_report_model, session.id)
    appendix = text.split("## Appendix: all notes", 1)[1]
    for item in model.all_items:
        assert f"| {md(item.note.text)} |" in appendix
    assert ("| 1 | Surprise shipping fee at the last step | Pain points | Current state: "
            "Purchase | 4 | Ben | high | 5 | 2 | open |") in text
    plan = text.split("## Action plan", 1)[1].split("##", 1)[0]
    rows = [line for line in plan.splitlines() if re.match(r"^\| \d+ \|", line)]
    assert len(rows) == len(model.actions) == 15


def test_user_text_is_escaped(demo, tmp_path: Path) -> None:
    library, session = demo
    data = library.read(load_map, library.read(maps_of, session.id)[0].id)
    nasty = "*not bold* | pipe <script>x</script> [link](http://x) &copy; `code`\n# heading"
    library.run(ops.add_note, data.stages[0].id, data.lanes[0].id, nasty)
    library.run(ops.add_note, data.stages[0].id, data.lanes[0].id, "- not a list\n1. nor this")
    path = tmp_path / "r.md"
    library.read(export_markdown, session.id, path)
    text = path.read_text(encoding="utf-8")
    escaped = md(nasty)
    assert escaped == (r"\*not bold\* \| pipe \<script\>x\</script\> \[link\](http://x) "
                       r"&amp;copy; \`code\`<br>\# heading")
    row = next(line for line in text.splitlines() if escaped in line and line.startswith("|"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # six cells: no pipe leaked out
    assert "- \\- not a list<br>1\\. nor this" in text
    assert "<script>" not in text


def test_empty_session_and_unwritable_path(library, tmp_path: Path) -> None:
    session = library.run(ops.create_session, "Kick-off", template=None, map_name=None)
    path = tmp_path / "empty.md"
    library.read(export_markdown, session.id, path)
    text = path.read_text(encoding="utf-8")
    assert "This session has no maps yet." in text and "No notes." in text
    with pytest.raises(WaymarkError, match=r"^cannot write .*: No such file"):
        library.read(export_markdown, session.id, tmp_path / "no" / "r.md")
