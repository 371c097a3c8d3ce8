"""The PDF poster, proved by parsing the written file back with pypdf."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from export.pages import parse_page_size
from export.poster_pdf import ExportCancelled, export_poster_pdf, smallest_text
from journey import ops
from journey.errors import WaymarkError
from journey.layout import MapLayout, layout_map
from journey.queries import MapData, list_sessions, load_map, maps_of

STANDARD_14 = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique",
    "Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique",
    "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Symbol", "ZapfDingbats",
}
A0 = (2383.94, 3370.39)


def _map(library) -> tuple[MapData, MapLayout]:
    session_id = library.read(list_sessions)[0]["id"]
    map_id = library.read(maps_of, session_id)[0].id
    data = library.read(load_map, map_id)
    return data, layout_map(data)


def _cell(library, stage: str, lane: str) -> tuple[str, str]:
    data, _ = _map(library)
    s = next(x for x in data.stages if x.name == stage)
    lane_row = next(x for x in data.lanes if x.name == lane)
    return s.id, lane_row.id


def _norm(text: str) -> str:
    return " ".join(text.split())


def pdf_fonts(path: Path) -> list[tuple[str, bool]]:
    """(base font name without subset tag, embedded as TrueType (FontFile2)?) for every
    font the file references, page and form resources alike."""
    reader = PdfReader(path)
    out: list[tuple[str, bool]] = []

    def font_file(font) -> bool:
        desc = font.get("/FontDescriptor")
        if desc is None and "/DescendantFonts" in font:
            return all(font_file(d.get_object()) for d in font["/DescendantFonts"])
        desc = desc.get_object() if desc is not None else {}
        return "/FontFile2" in desc

    def visit(resources) -> None:
        resources = resources.get_object()
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            name = str(font["/BaseFont"]).lstrip("/")
            out.append((name.split("+", 1)[-1], font_file(font)))
        for xo in resources.get("/XObject", {}).values():
            xo = xo.get_object()
            if "/Resources" in xo:
                visit(xo["/Resources"])

    for page in reader.pages:
        visit(page["/Resources"])
    return out


def assert_fonts_embedded(path: Path) -> None:
    fonts = pdf_fonts(path)
    assert fonts, "the poster uses no font at all"
    for name, embedded in fonts:
        assert embedded, f"{name} is not embedded"
        assert name not in STANDARD_14, f"{name} is a standard-14 font"
    raw = path.read_bytes()
    assert b"Helvetica" not in raw and b"Times-Roman" not in raw


def test_a0_page_boxes(demo, tmp_path: Path) -> None:
    library, _ = demo
    data, layout = _map(library)
    portrait = export_poster_pdf(layout, data, tmp_path / "p.pdf", "A0", "portrait")
    landscape = export_poster_pdf(layout, data, tmp_path / "l.pdf", "A0", "landscape")
    for result, (w, h) in ((portrait, A0), (landscape, A0[::-1])):
        reader = PdfReader(result.path)
        assert len(reader.pages) == 1
        box = reader.pages[0].mediabox
        assert float(box.left) == 0 and float(box.bottom) == 0
        assert float(box.width) == pytest.approx(w, abs=0.01)
        assert float(box.height) == pytest.approx(h, abs=0.01)
        assert result.page_size == pytest.approx((w, h), abs=0.01)
    assert landscape.page_name == "A0 landscape"


def test_map_fits_inside_margins_uniformly(demo, tmp_path: Path) -> None:
    library, _ = demo
    data, layout = _map(library)
    result = export_poster_pdf(layout, data, tmp_path / "a3.pdf", "A3", margin_mm=15,
                               furniture=False)  # the bare map touches its margins
    pw, ph = result.page_size
    margin = 15 * 72 / 25.4
    assert layout.width * result.scale <= pw - 2 * margin + 1e-6
    assert layout.height * result.scale <= ph - 2 * margin + 1e-6
    # Fitting means one side touches its margins.
    assert min(pw - 2 * margin - layout.width * result.scale,
               ph - 2 * margin - layout.height * result.scale) == pytest.approx(0, abs=1e-6)
    assert result.smallest_text_pt == pytest.approx(smallest_text(layout) * result.scale)
    assert pw > ph  # auto orientation follows the (landscape) demo map


def test_every_note_text_and_header_is_extractable(demo, tmp_path: Path) -> None:
    library, _ = demo
    data, layout = _map(library)
    result = export_poster_pdf(layout, data, tmp_path / "demo.pdf", "A0", "portrait")
    text = _norm(PdfReader(result.path).pages[0].extract_text())
    assert len(layout.notes) >= 40
    for note in layout.notes:
        assert note.lines and not note.truncated
        assert _norm(" ".join(line.text for line in note.lines)) == _norm(note.text)
        for line in note.lines:
            assert _norm(line.text) in text, f"note line {line.text!r} missing"
    for header in layout.stages + layout.lanes:
        for line in header.lines:
            assert _norm(line.text) in text
    assert data.session.title in text
    for curve in layout.curves:
        for point in curve.points:
            if point.label:
                assert point.label.text in text
    assert result.cut_notes == []


def test_fonts_all_embedded_and_no_standard_14(demo, tmp_path: Path) -> None:
    library, _ = demo
    data, layout = _map(library)
    result = export_poster_pdf(layout, data, tmp_path / "demo.pdf")
    assert_fonts_embedded(result.path)
    names = {name for name, _ in pdf_fonts(result.path)}
    assert names <= {"DejaVuSans", "DejaVuSans-Bold", "DroidSansFallbackFull",
                     "DroidSansFallback"}


def test_metadata(demo, tmp_path: Path) -> None:
    library, session = demo
    data, layout = _map(library)
    result = export_poster_pdf(layout, data, tmp_path / "demo.pdf")
    meta = PdfReader(result.path).metadata
    assert meta.title == f"{session.title} — {data.map.name}"
    assert meta.author == session.facilitator == "Sam Rivera"
    assert data.map.name in meta.subject
    assert meta.creator == "Waymark"


def test_greek_cyrillic_cjk_and_emoji_notes(demo, tmp_path: Path) -> None:
    library, _ = demo
    stage_id, lane_id = _cell(library, "Purchase", "Thoughts")
    texts = ["Καλημέρα κόσμε", "Привет, мир", "订阅咖啡太贵了", "コーヒーが好き",
             "Mixed: café 咖啡 кофе ☕"]
    for t in texts:
        library.run(ops.add_note, stage_id, lane_id, t)
    data, layout = _map(library)
    result = export_poster_pdf(layout, data, tmp_path / "scripts.pdf", "A0", "portrait")
    assert_fonts_embedded(result.path)
    names = {name for name, _ in pdf_fonts(result.path)}
    assert any(n.startswith("DroidSansFallback") for n in names)  # CJK in its own face
    text = _norm(PdfReader(result.path).pages[0].extract_text())
    for t in texts:
        note = next(n for n in layout.notes if n.text == t)
        for line in note.lines:
            assert _norm(line.text) in text, f"{line.text!r} not extracted"
    assert result.missing_chars == []


def test_long_note_is_cut_and_reported(demo, tmp_path: Path) -> None:
    library, _ = demo
    stage_id, lane_id = _cell(library, "Service", "Pain points")
    words = "the pause flow is hidden behind three menus and nobody finds it"
    long_text = (words + " ") * (2000 // (len(words) + 1) + 1)
    long_text = long_text[:2000]
    note = library.run(ops.add_note, stage_id, lane_id, long_text)
    data, layout = _map(library)
    result = export_poster_pdf(layout, data, tmp_path / "long.pdf")
    assert result.cut_notes == [note.id]
    box = layout.note_by_id[note.id]
    assert box.truncated and box.lines[-1].text.endswith("…")
    text = _norm(PdfReader(result.path).pages[0].extract_text())
    for line in box.lines:
        assert _norm(line.text) in text


def test_cancel_leaves_no_file(demo, tmp_path: Path) -> None:
    library, _ = demo
    data, layout = _map(library)
    seen: list[float] = []

    def progress(fraction: float) -> bool:
        seen.append(fraction)
        return fraction < 0.3

    target = tmp_path / "cancelled.pdf"
    with pytest.raises(ExportCancelled):
        export_poster_pdf(layout, data, target, progress=progress)
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".pdf", ".part")]
    assert seen[0] == 0.0 and seen == sorted(seen)
    # An earlier poster at the same path survives a cancelled re-export.
    target.write_bytes(b"%PDF-old")
    with pytest.raises(ExportCancelled):
        export_poster_pdf(layout, data, target, progress=lambda f: f < 0.95)
    assert target.read_bytes() == b"%PDF-old"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_progress_reaches_one(demo, tmp_path: Path) -> None:
    library, _ = demo
    data, layout = _map(library)
    seen: list[float] = []
    export_poster_pdf(layout, data, tmp_path / "p.pdf", progress=lambda f: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_unwritable_path(demo, tmp_path: Path) -> None:
    library, _ = demo
    data, layout = _map(library)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for bad in (tmp_path / "missing" / "x.pdf", blocker / "x.pdf", tmp_path):
        with pytest.raises(WaymarkError) as err:
            export_poster_pdf(layout, data, bad)
        assert str(err.value).startswith(f"cannot write {bad}: ")
        assert "\n" not in str(err.value)


def test_bad_size_and_margin(demo, tmp_path: Path) -> None:
    library, _ = demo
    data, layout = _map(library)
    with pytest.raises(WaymarkError, match="unknown page size"):
        export_poster_pdf(layout, data, tmp_path / "x.pdf", size="A9")
    with pytest.raises(WaymarkError, match="margin"):
        export_poster_pdf(layout, data, tmp_path / "x.pdf", size="A5", margin_mm=80)
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("size", ["Letter", "ARCH D", "600x400mm"])
def test_other_sizes(demo, tmp_path: Path, size: str) -> None:
    library, _ = demo
    data, layout = _map(library)
    result = export_poster_pdf(layout, data, tmp_path / "x.pdf", size, "portrait")
    box = PdfReader(result.path).pages[0].mediabox
    w, h = parse_page_size(size)
    assert (float(box.width), float(box.height)) == pytest.approx((min(w, h), max(w, h)),
                                                                  abs=0.01)
    assert_fonts_embedded(result.path)


def test_empty_map_exports(library, tmp_path: Path) -> None:
    session = library.run(ops.create_session, "Empty workshop", template=None)
    map_id = library.read(maps_of, session.id)[0].id
    data = library.read(load_map, map_id)
    result = export_poster_pdf(layout_map(data), data, tmp_path / "empty.pdf", "A4")
    assert_fonts_embedded(result.path)
    assert "Empty workshop" in PdfReader(result.path).pages[0].extract_text()


def test_notes_are_filled_in_their_own_colours(demo, tmp_path: Path) -> None:
    """Every note's colour from the library is a fill colour on the page."""
    from pypdf.generic import ContentStream

    library, _ = demo
    data, layout = _map(library)
    result = export_poster_pdf(layout, data, tmp_path / "c.pdf")
    reader = PdfReader(result.path)
    page = reader.pages[0]
    ops_ = ContentStream(page.get_contents(), reader).operations
    fills = {tuple(round(float(v) * 255) for v in args) for args, op in ops_ if op == b"rg"}
    for note in data.all_notes():
        rgb = tuple(int(note.colour[i:i + 2], 16) for i in (1, 3, 5))
        assert rgb in fills, f"note colour {note.colour} never filled"
    for box in layout.notes:
        assert box.colour.upper() == next(
            n.colour for n in data.all_notes() if n.id == box.id).upper()
