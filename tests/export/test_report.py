"""The PDF workshop report, proved by parsing the written file back with pypdf."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from export.poster_pdf import ExportCancelled
from export.report_model import build_report_model
from export.report_pdf import export_report_pdf
from journey import ops
from journey.errors import WaymarkError
from journey.models import ACTIONABLE_KINDS
from journey.queries import load_map, maps_of

STANDARD_14 = ("Courier", "Helvetica", "Times", "Symbol", "ZapfDingbats")
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


def add_future_state(db, session_id: str):
    """A future-state copy of the demo map with what the workshop decided to change."""
    current = maps_of(db, session_id)[0]
    future = ops.duplicate_map(db, current.id, "Future state")
    data = load_map(db, future.id)
    stage = {s.name: s for s in data.stages}
    lane = {x.name: x for x in data.lanes}
    note = {n.text: n for n in data.all_notes()}
    ops.delete_note(db, note["Surprise shipping fee at the last step"].id)
    ops.delete_note(db, note["Pause hidden in settings"].id)
    ops.add_note(db, stage["Purchase"].id, lane["Actions"].id,
                 "Sees shipping included in the plan price")
    ops.add_note(db, stage["Service"].id, lane["Actions"].id, "Pauses from the SMS in one tap")
    advocacy = ops.add_stage(db, future.id, "Advocacy")
    ops.add_note(db, advocacy.id, lane["Touchpoints"].id, "Roaster meet-up invitation")
    ops.move_note(db, note["Roaster meet-ups"].id, advocacy.id, lane["Opportunities"].id)
    points = {s.name: p for p in data.curves[0].points for s in data.stages if s.id == p.stage_id}
    ops.set_curve_point(db, points["Purchase"].id, score=2, label="Shipping included")
    ops.set_curve_point(db, points["Service"].id, score=1, label="Pause in one tap")
    ops.add_curve_point(db, data.curves[0].curve.id, advocacy.id, 3, "Brings a friend")
    return future


@pytest.fixture
def workshop(demo):
    library, session = demo
    library.run(add_future_state, session.id)
    return library, session


def norm(text: str) -> str:
    return " ".join(text.split())


def page_lines(page, body_only: bool = False) -> list[str]:
    """The page's text as visual lines (fragments grouped by baseline, left to right);
    `body_only` drops the running header and footer."""
    frags: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            frags.append((round(y), x, text))

    page.extract_text(visitor_text=visit)
    rows: dict[float, list[tuple[float, str]]] = {}
    height = float(page.mediabox.height)
    for y, x, t in frags:
        if body_only and not 45 < y < height - 50:
            continue
        rows.setdefault(y, []).append((x, t))
    return [norm(" ".join(t for _, t in sorted(rows[y]))) for y in sorted(rows, reverse=True)]


def pdf_fonts(reader: PdfReader) -> list[tuple[str, bool]]:
    out = []

    def embedded(font) -> bool:
        if "/DescendantFonts" in font:
            return all(embedded(d.get_object()) for d in font["/DescendantFonts"])
        desc = font.get("/FontDescriptor")
        desc = desc.get_object() if desc is not None else {}
        return any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))

    def visit(resources) -> None:
        resources = resources.get_object()
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            out.append((str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1], embedded(font)))
        for xo in resources.get("/XObject", {}).values():
            xo = xo.get_object()
            if "/Resources" in xo:
                visit(xo["/Resources"])

    for page in reader.pages:
        visit(page["/Resources"])
    return out


@pytest.fixture
def report(workshop, tmp_path: Path):
    library, session = workshop
    path = tmp_path / "report.pdf"
    result = library.read(export_report_pdf, session.id, path)
    reader = PdfReader(path)
    texts = [norm(p.extract_text()) for p in reader.pages]
    return library, session, result, reader, texts


def test_sections_and_page_furniture(report) -> None:
    _, session, result, reader, texts = report
    assert result.pages == len(reader.pages) >= 10
    everything = " ".join(texts)
    for heading in ("Contents", "Summary", "Personas", "Maya, the busy commuter",
                    "Map: Current state", "Map: Future state", "Current state: emotion curve",
                    "Current state vs Future state", "What changed", "Action plan",
                    "Impact and effort", "Appendix: all notes", "Notes per lane kind",
                    "Top pain points", "Top opportunities", "Emotional highs and lows"):
        assert heading in everything, heading
    assert "Customer journey workshop report" in texts[0]
    assert "Sam Rivera" in texts[0] and "Amira, Ben, Chloé, Dmitri, Emma" in texts[0]
    for n, text in enumerate(texts[1:], start=2):  # running header and "page N of M"
        assert f"Page {n} of {len(texts)}" in text
        assert session.title in text
    assert "Page 1" not in texts[0]


def test_every_note_is_in_the_appendix(report) -> None:
    library, session, result, _, texts = report
    start = next(page for level, text, page in result.headings if text == "Appendix: all notes")
    appendix = " ".join(texts[start - 1:])
    model = library.read(build_report_model, session.id)
    assert len(model.all_items) == 44 + 45
    for item in model.all_items:
        assert norm(item.note.text) in appendix, item.note.text


def test_action_plan_rows(report) -> None:
    library, session, result, reader, _ = report
    start = next(p for _, t, p in result.headings if t == "Action plan")
    end = next(p for _, t, p in result.headings if t == "Appendix: all notes")
    lines = [line for page in reader.pages[start - 1:end - 1] for line in page_lines(page)]
    text = norm(" ".join(lines))
    model = library.read(build_report_model, session.id)
    actionable = {norm(i.note.text) for i in model.all_items if i.kind in ACTIONABLE_KINDS}
    assert len(model.actions) == len(actionable) == 15
    for item in model.actions:
        assert norm(item.note.text)[:20] in text
    # A full row reads across: number, item, stage, votes, owner, priority, impact, effort, status.
    assert any(re.search(r"1 Surprise shipping fee at the .*Purchase 4 Ben high 5 2 open", line)
               for line in lines), lines[:20]
    assert any(re.search(r"2 Pause hidden in settings Service 3 Chloé high 4 2 in progress",
                         line) for line in lines)
    assert "Not rated for impact and effort yet" in text


def test_contents_page_numbers_match_the_headings(report) -> None:
    _, _, result, reader, texts = report
    entries = []
    for line in page_lines(reader.pages[1], body_only=True):
        m = re.match(r"^(.*?)\s(?:\.\s*)+(\d+)$", line)
        if m:
            entries.append((m.group(1).strip(), int(m.group(2))))
    assert entries == [(text, page) for _, text, page in result.headings]
    assert len(entries) >= 25
    for text, page in entries:
        lines = page_lines(reader.pages[page - 1], body_only=True)  # not the running header
        assert any(text in line for line in lines), (text, page)
    # The PDF outline (bookmarks) points at the same pages.
    top = [(o.title, reader.get_destination_page_number(o) + 1)
           for o in reader.outline if not isinstance(o, list)]
    assert top == [(t, p) for level, t, p in result.headings if level == 0]


def test_only_bundled_fonts_all_embedded(report) -> None:
    _, _, result, reader, _ = report
    fonts = pdf_fonts(reader)
    assert {name for name, _ in fonts} == {"DejaVuSans", "DejaVuSans-Bold"}
    assert all(embedded for _, embedded in fonts)
    raw = result.path.read_bytes()
    assert not any(name.encode() in raw for name in STANDARD_14)


def test_comparison_says_what_changed(report) -> None:
    _, _, result, reader, _ = report
    page = next(p for _, t, p in result.headings if t == "Current state vs Future state")
    lines = page_lines(reader.pages[page - 1])
    text = " ".join(lines)
    assert "3 notes added, 2 notes removed, 1 note moved" in text
    assert "Advocacy – +3 new in Future state" in text
    assert "Service −2 +1 +3 in both" in text
    for added in ("Sees shipping included in the plan price", "Pauses from the SMS in one tap",
                  "Roaster meet-up invitation"):
        assert added in text
    assert "Surprise shipping fee at the last step" in text
    assert "Roaster meet-ups Loyalty · Opportunities Advocacy · Opportunities" in text


def test_map_overview_is_vector_on_a_landscape_page(report) -> None:
    _, _, result, reader, texts = report
    page = next(p for _, t, p in result.headings if t == "Map: Current state")
    box = reader.pages[page - 1].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((A4[1], A4[0]), abs=0.01)
    assert not reader.pages[page - 1].get("/Resources", {}).get("/XObject")  # no raster image
    # The poster painter's text: every note of the map is on the overview page itself.
    assert "Instagram ad with latte art" in texts[page - 1]
    assert "Part of the club" in texts[page - 1]  # a curve label
    portrait = reader.pages[page].mediabox
    assert (float(portrait.width), float(portrait.height)) == pytest.approx(A4, abs=0.01)


def test_letter_paper(workshop, tmp_path: Path) -> None:
    library, session = workshop
    result = library.read(export_report_pdf, session.id, tmp_path / "r.pdf", paper="letter")
    assert result.paper == "Letter"
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
             for p in PdfReader(tmp_path / "r.pdf").pages}
    assert sizes == {(612, 792), (792, 612)}


def test_empty_session(library, tmp_path: Path) -> None:
    session = library.run(ops.create_session, "Kick-off", template=None, map_name=None)
    result = library.read(export_report_pdf, session.id, tmp_path / "empty.pdf")
    text = " ".join(norm(p.extract_text()) for p in PdfReader(tmp_path / "empty.pdf").pages)
    assert "This session has no maps yet." in text
    assert "No pain points or opportunities yet." in text
    assert "No notes yet." in text
    assert [t for _, t, _ in result.headings] == ["Summary", "Action plan",
                                                  "Appendix: all notes"]
    # A map from a template, still without notes, is fine too.
    library.run(ops.add_map, session.id, "Current state")
    library.read(export_report_pdf, session.id, tmp_path / "empty2.pdf")


def test_long_and_hostile_notes(demo, tmp_path: Path) -> None:
    library, session = demo
    data = library.read(load_map, maps_of_first(library, session.id))
    stage, lane = data.stages[2], next(x for x in data.lanes if x.kind == "pain_points")
    long_text = " ".join(["The renewal email arrives too late and the cancel link is buried."]
                         * 150)[:10_000]
    hostile = 'Tricky <b>bold</b> & "quotes" <script>alert(1)</script> &amp; 10:30'
    cjk = "退货流程太复杂，需要打印标签"
    cyrillic = "Очень длинная очередь в поддержке"
    for t in (long_text, hostile, cjk, cyrillic):
        library.run(ops.add_note, stage.id, lane.id, t, owner="王伟", priority="high", impact=3,
                    effort=3)
    path = tmp_path / "r.pdf"
    result = library.read(export_report_pdf, session.id, path)
    reader = PdfReader(path)
    start = next(p for _, t, p in result.headings if t == "Appendix: all notes")
    appendix = " ".join(line for p in reader.pages[start - 1:]
                        for line in page_lines(p, body_only=True)
                        if line != "Stage Lane Note Author Votes")  # repeated table header
    for t in (long_text, hostile, cjk, cyrillic):
        assert norm(t) in appendix
    assert {n for n, _ in pdf_fonts(reader)} == {"DejaVuSans", "DejaVuSans-Bold",
                                               "DroidSansFallback"}
    assert result.missing_chars == []


def maps_of_first(library, session_id: str) -> str:
    return library.read(maps_of, session_id)[0].id


def test_cancel_and_bad_arguments(demo, tmp_path: Path) -> None:
    library, session = demo
    path = tmp_path / "r.pdf"
    with pytest.raises(ExportCancelled):
        library.read(export_report_pdf, session.id, path, progress=lambda f: f < 0.5)
    assert [p for p in tmp_path.iterdir() if "r.pdf" in p.name] == []  # no temp file either
    with pytest.raises(WaymarkError, match="unknown paper 'A3': use A4 or letter"):
        library.read(export_report_pdf, session.id, path, paper="A3")
    with pytest.raises(WaymarkError, match=r"^cannot write .*missing.*report\.pdf: "):
        library.read(export_report_pdf, session.id, tmp_path / "missing" / "report.pdf")
    seen: list[float] = []
    library.read(export_report_pdf, session.id, path, progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
