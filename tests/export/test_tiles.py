"""Tiled printing: the sheets are vector crops of one poster page, labelled and marked,
and put back together by their overlaps they are the poster, pixel for pixel."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from export.pages import MM, PAGE_SIZES
from export.poster_parts import voter_names
from export.poster_pdf import write_poster_pdf
from export.tiles import export_tiles_pdf, parse_grid, parse_length, plan_tiles, row_name
from journey.errors import WaymarkError
from journey.layout import layout_map
from journey.queries import load_map, maps_of
from tests.export.test_poster_pdf import assert_fonts_embedded

A4 = PAGE_SIZES["A4"]


@pytest.fixture
def poster(demo):
    library, session = demo
    data = library.read(load_map, library.read(maps_of, session.id)[0].id)
    return data, layout_map(data), library.read(voter_names, session.id)


def _xobjects(page) -> dict:
    res = page["/Resources"].get_object()
    return {k: v for k, v in res.get("/XObject", {}).items()}


def test_a1_on_a4(poster, tmp_path: Path) -> None:
    data, layout, voters = poster
    result = export_tiles_pdf(layout, data, tmp_path / "t.pdf", "A4", "A1", voters=voters)
    reader = PdfReader(result.path)
    assert result.sheets == result.cols * result.rows == len(reader.pages) - 1 == result.pages - 1
    # A1 (841 × 594 mm) over A4 windows of 190 × 277 mm less 10 mm overlap.
    assert (result.cols, result.rows) == (5, 3)
    assert result.poster_size == pytest.approx((PAGE_SIZES["A1"][1], PAGE_SIZES["A1"][0]))
    refs = set()
    for page in reader.pages:
        box = page.mediabox
        assert sorted((float(box.width), float(box.height))) == pytest.approx(sorted(A4),
                                                                              abs=0.01)
        xobjects = _xobjects(page)
        assert list(xobjects) == ["/WmPoster"]  # the poster, and no raster anywhere
        form = xobjects["/WmPoster"].get_object()
        assert form["/Subtype"] == "/Form"
        refs.add(xobjects["/WmPoster"].idnum)
    assert len(refs) == 1  # one poster page, drawn through every sheet's window
    first = " ".join(reader.pages[0].extract_text().split())
    assert "Assembly: A1 poster on 15 A4 sheets" in first
    for label in ("A1", "B3", "C5"):
        assert label in first
    b3 = " ".join(reader.pages[1 + 1 * 5 + 2].extract_text().split())
    assert "A1 poster on A4 — sheet B3 of 3×5" in b3
    assert "← B2" in b3 and "B4 →" in b3 and "↑ A3" in b3 and "↓ C3" in b3
    assert_fonts_embedded(result.path)


def test_grid_and_custom_paper(poster, tmp_path: Path) -> None:
    data, layout, voters = poster
    result = export_tiles_pdf(layout, data, tmp_path / "g.pdf", "Letter", None, "3x2",
                              overlap="0.5in", voters=voters)
    assert (result.cols, result.rows, result.sheets, result.pages) == (3, 2, 6, 7)
    assert result.overlap_mm == pytest.approx(12.7)
    plan = plan_tiles(layout, data, "Letter", None, "3x2", "0.5in", voters=voters)
    lap = 0.5 * 72
    # The poster is exactly the grid's printed area.
    assert plan.poster.page == pytest.approx((3 * (plan.content.w - lap) + lap,
                                              2 * (plan.content.h - lap) + lap))
    text = " ".join(PdfReader(result.path).pages[6].extract_text().split())
    assert "on Letter — sheet B3 of 2×3" in text


def test_choices_that_cannot_work(poster, tmp_path: Path) -> None:
    data, layout, _ = poster
    for kwargs, fragment in (
        (dict(poster_size="A1", grid="3x2"), "either"),
        (dict(poster_size=None, grid=None), "either"),
        (dict(poster_size=None, grid="0x2"), "out of range"),
        (dict(poster_size=None, grid="three by two"), "COLUMNSxROWS"),
        (dict(poster_size="A1", overlap="90mm"), "overlap"),
        (dict(poster_size="A1", overlap="ten"), "overlap"),
        (dict(poster_size="B9"), "unknown page size"),
    ):
        with pytest.raises(WaymarkError, match=fragment) as err:
            export_tiles_pdf(layout, data, tmp_path / "x.pdf", "A4", **kwargs)
        assert "\n" not in str(err.value)
    assert not (tmp_path / "x.pdf").exists()
    assert parse_grid("4 × 3") == (4, 3)
    assert parse_length("1cm") == pytest.approx(10 * MM)
    assert [row_name(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]


def test_sheets_put_back_together_are_the_poster(poster, tmp_path: Path) -> None:
    """Rasterise every sheet's window, lay the windows by their overlaps and compare
    with the poster page rasterised on its own."""
    data, layout, voters = poster
    plan = plan_tiles(layout, data, "A4", "A2", voters=voters)
    export_tiles_pdf(layout, data, tmp_path / "t.pdf", plan=plan)
    buf = io.BytesIO()
    write_poster_pdf(buf, layout, data, plan.poster)
    k = 2 / MM * (1 - 1e-5)  # 2 px per mm (a hair less: pdfium rounds sizes up)
    whole = pdfium.PdfDocument(buf.getvalue())[0].render(scale=k).to_pil().convert("RGB")
    tiles = pdfium.PdfDocument(str(tmp_path / "t.pdf"))
    m, lap = plan.margin, plan.overlap
    sx, sy = plan.content.w - lap, plan.content.h - lap
    gw, gh = plan.cols * sx + lap, plan.rows * sy + lap
    canvas = Image.new("RGB", (round(gw * k), round(gh * k)), "red")
    for i, sheet in enumerate(plan.sheets):
        window = tiles[i + 1].render(scale=k, crop=(m, m, m, m)).to_pil().convert("RGB")
        assert window.size == (round(plan.content.w * k), round(plan.content.h * k))
        canvas.paste(window, (round(sheet.col * sx * k), round(sheet.row * sy * k)))
    x0 = round((gw - plan.poster.page[0]) / 2 * k)
    y0 = round((gh - plan.poster.page[1]) / 2 * k)
    rebuilt = canvas.crop((x0, y0, x0 + whole.width, y0 + whole.height))
    hist = ImageChops.difference(rebuilt, whole).convert("L").histogram()
    pixels = whole.width * whole.height
    assert sum(hist[41:]) / pixels < 0.001  # clearly different pixels: under 0.1 %
    assert sum(v * n for v, n in enumerate(hist)) / pixels < 0.5  # mean difference
    tiles.close()
