"""A right-to-left note is one right-to-left paragraph: every wrapped line takes the
note's direction (the first strong letter of the whole text, UAX #9 P2/P3), not its
own, and its lines sit flush against the note's right padding — in the layout, the
PDF poster, the PNG poster and on the canvas. A left-to-right note stays flush left."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene

from canvas.note_item import NoteItem
from export.poster_plan import plan_poster
from journey import ops
from journey.layout import NoteBox, layout_map
from journey.queries import load_map, maps_of
from journey.shaping import has_rtl, paragraph_rtl, visual_runs
from tests.export.test_scripts_pdf import page_box, render_pdf
from tests.scripts_session import SIZE, TITLE, build, cli, no_system_fonts_env

#: Wraps as "ההזמנה נכשלה" / "Safari 3 פעמים": the second line starts with an
#: English word and a number, so on its own it would be a left-to-right line.
HEBREW = "ההזמנה נכשלה Safari 3 פעמים"
ENGLISH = "Checkout failed on Safari 3 times"
NUMBER_FIRST = "3 פעמים ניסיתי לשלם"  # a number first: still a Hebrew paragraph
SECOND_LINE = "ההזמנה נכשלה\nSafari 3 פעמים"  # its own line, in the note's direction
DPI = 200
SLACK = 2.5  # points between a line's advance and its ink (side bearings, antialiasing)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rtl")
    ex = build(tmp, {"rtl": HEBREW, "ltr": ENGLISH, "number": NUMBER_FIRST,
                     "lines": SECOND_LINE})
    env = no_system_fonts_env(tmp)
    cli(env, ex.db, "export", "report", TITLE, "-o", str(tmp / "r.pdf"))
    cli(env, ex.db, "export", "poster", TITLE, "-o", str(tmp / "p.pdf"), "--size", SIZE)
    cli(env, ex.db, "export", "poster", TITLE, "-o", str(tmp / "p.png"), "--size", SIZE,
        "--dpi", str(DPI))
    plan = plan_poster(ex.layout, ex.data, SIZE, voters={})
    return ex, plan, tmp


# -- the layout ------------------------------------------------------------------------

def test_the_note_gives_every_line_its_direction() -> None:
    assert paragraph_rtl(HEBREW) and not paragraph_rtl(ENGLISH)
    assert paragraph_rtl("3 " + HEBREW)  # a number is no strong letter
    assert not paragraph_rtl("Safari: " + HEBREW)  # the first strong letter decides
    assert paragraph_rtl("\u2066Safari\u2069 " + HEBREW)  # an isolate is skipped (P2)
    assert not paragraph_rtl("") and not paragraph_rtl("123 !")


def test_a_hebrew_notes_lines_are_right_to_left_and_flush_right(exported) -> None:
    ex, _, _ = exported
    note = ex.notes["rtl"]
    assert [ln.text for ln in note.lines] == ["ההזמנה נכשלה", "Safari 3 פעמים"]
    right = note.rect.right - ex.layout.style.note_pad
    for line in note.lines:
        assert line.rtl is True, line
        assert line.x + line.width == pytest.approx(right), line
    assert note.lines[0].x > note.rect.x + ex.layout.style.note_pad + 10  # not flush left
    # The second line in the note's direction: the Hebrew word left of "Safari 3".
    runs = [r for r in visual_runs(note.lines[1].text, "sans", note.lines[1].rtl)
            if r.text.strip()]
    assert [r.text.strip() for r in runs] == ["פעמים", "Safari 3"]


def test_an_english_notes_lines_stay_flush_left(exported) -> None:
    ex, _, _ = exported
    note = ex.notes["ltr"]
    left = note.rect.x + ex.layout.style.note_pad
    assert len(note.lines) >= 2
    for line in note.lines:
        assert line.rtl is False and line.x == pytest.approx(left), line


def test_rtl_lane_names_go_right_and_stage_names_stay_centred(library) -> None:
    session = library.run(ops.create_session, "Headers")
    data = library.read(load_map, library.read(maps_of, session.id)[0].id)
    library.run(ops.rename_lane, data.lanes[0].id, "פעולות הלקוח")
    library.run(ops.rename_lane, data.lanes[1].id, "Customer actions")
    library.run(ops.rename_stage, data.stages[0].id, "מודעות")
    layout = layout_map(library.read(load_map, data.map.id))
    pad = layout.style.header_pad
    rtl_lane, ltr_lane = layout.lanes[0], layout.lanes[1]
    name = [ln for ln in rtl_lane.lines if ln.bold]
    assert name and all(ln.rtl and ln.x + ln.width == pytest.approx(rtl_lane.rect.right - pad)
                        for ln in name)
    kind = [ln for ln in rtl_lane.lines if not ln.bold]  # "Touchpoints", under the name
    assert kind and kind[0].x + kind[0].width == pytest.approx(rtl_lane.rect.right - pad)
    assert all(ln.x == pytest.approx(ltr_lane.rect.x + pad) for ln in ltr_lane.lines)
    stage = layout.stages[0]
    (line,) = stage.lines
    assert line.rtl and line.x + line.width / 2 == pytest.approx(stage.rect.x + stage.rect.w / 2)


# -- what a person sees ------------------------------------------------------------------

def ink_columns(image, box: tuple[float, float, float, float], px_per_pt: float,
                origin: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float] | None:
    """The first and last column (points, in the box's frame) holding dark ink in `box`."""
    x, y, w, h = box
    ox, oy = origin
    crop = image.crop((round((x + ox) * px_per_pt), round((y + oy) * px_per_pt),
                       round((x + ox + w) * px_per_pt), round((y + oy + h) * px_per_pt)))
    grey = crop.convert("L")
    cols = [i for i in range(grey.width)
            if min(grey.getpixel((i, j)) for j in range(grey.height)) < 110]
    if not cols:
        return None
    return x + cols[0] / px_per_pt, x + (cols[-1] + 1) / px_per_pt


def line_bands(note: NoteBox) -> list[tuple[float, float, float, float]]:
    """Each line's band across the whole note, inside its border (layout points)."""
    r = note.rect
    return [(r.x + 1.5, ln.baseline - 0.8 * ln.size, r.w - 3, 1.05 * ln.size)
            for ln in note.lines]


def assert_flush(note: NoteBox, cols: list[tuple[float, float] | None], pad: float) -> None:
    left, right = note.rect.x + pad, note.rect.right - pad
    assert all(cols), (note.text, cols)
    for (a, b), line in zip(cols, note.lines, strict=True):
        if paragraph_rtl(note.text):
            assert abs(b - right) < SLACK and a > left + SLACK, (line.text, a, b, right)
        else:
            assert abs(a - left) < SLACK and b < right - SLACK, (line.text, a, b, left)


def _page_cols(image, plan, note: NoteBox, px_per_pt: float):
    out = []
    for band in line_bands(note):
        px, py, pw, ph = page_box(plan, band)
        c = ink_columns(image, (px, py, pw, ph), px_per_pt)
        out.append(None if c is None else ((c[0] - plan.ox) / plan.scale,
                                           (c[1] - plan.ox) / plan.scale))
    return out


@pytest.mark.parametrize("name", ["rtl", "ltr"])
def test_the_pdf_poster_sets_rtl_notes_flush_right(exported, name: str) -> None:
    ex, plan, tmp = exported
    image = render_pdf(tmp / "p.pdf", DPI)
    note = ex.notes[name]
    assert_flush(note, _page_cols(image, plan, note, DPI / 72), ex.layout.style.note_pad)


def test_the_pdf_poster_draws_the_second_line_in_the_notes_direction(exported) -> None:
    """pdftotext's word boxes: on the Hebrew note's second line "פעמים" is left of
    "Safari" (a left-to-right line would put it right), and "3" beside "Safari"."""
    ex, plan, tmp = exported
    out = subprocess.run(["pdftotext", "-bbox", str(tmp / "p.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    line = ex.notes["rtl"].lines[1]
    x, y, w, h = page_box(plan, (ex.notes["rtl"].rect.x, line.baseline - line.size,
                                 ex.notes["rtl"].rect.w, line.size * 1.2))
    words = {}
    for el in ET.fromstring(out).iter("{http://www.w3.org/1999/xhtml}word"):
        x0, y0 = float(el.get("xMin")), float(el.get("yMin"))
        if x <= x0 <= x + w and y - 2 <= y0 <= y + h:
            words[(el.text or "")[::-1] if has_rtl(el.text or "") else el.text] = x0
    assert set(words) >= {"פעמים", "Safari", "3"}, words
    assert words["פעמים"] < words["Safari"] < words["3"], words


@pytest.mark.parametrize("name", ["rtl", "ltr"])
def test_the_png_poster_sets_rtl_notes_flush_right(exported, name: str) -> None:
    from PIL import Image

    ex, plan, tmp = exported
    with Image.open(tmp / "p.png") as im:
        image = im.convert("RGB")
    note = ex.notes[name]
    assert_flush(note, _page_cols(image, plan, note, DPI / 72), ex.layout.style.note_pad)


@pytest.mark.parametrize("name", ["rtl", "ltr"])
def test_the_canvas_sets_rtl_notes_flush_right(qapp, exported, name: str) -> None:
    ex, _, _ = exported
    note = ex.notes[name]
    scene = QGraphicsScene()
    item = NoteItem(note)
    scene.addItem(item)
    k = 4.0  # pixels per point, as at 400 % zoom
    r = note.rect
    image = QImage(round(r.w * k), round(r.h * k), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(0, 0, image.width(), image.height()),
                 QRectF(r.x, r.y, r.w, r.h), Qt.AspectRatioMode.IgnoreAspectRatio)
    painter.end()
    path = Path(ex.db).parent / f"canvas-{name}.png"
    image.save(str(path))
    from PIL import Image

    with Image.open(path) as im:
        pil = im.convert("RGB")
    cols = [ink_columns(pil, band, k, (-r.x, -r.y)) for band in line_bands(note)]
    cols = [None if c is None else (c[0], c[1]) for c in cols]
    assert_flush(note, cols, ex.layout.style.note_pad)


def _report_lines(path: Path) -> list[tuple[int, float, float, list[tuple[str, float]]]]:
    """(page, xMin, xMax, [(word in logical order, its xMin)]) of every report line."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    x = "{http://www.w3.org/1999/xhtml}"
    lines = []
    for number, page in enumerate(ET.fromstring(out).iter(x + "page"), 1):
        for line in page.iter(x + "line"):
            words = [((w.text or "")[::-1] if has_rtl(w.text or "") else w.text or "",
                      float(w.get("xMin"))) for w in line.iter(x + "word")]
            lines.append((number, float(line.get("xMin")), float(line.get("xMax")), words))
    return lines


def test_the_reports_note_lists_set_rtl_notes_flush_right_in_their_direction(exported) -> None:
    """A Hebrew note that starts with a number ends where the other Hebrew notes of its
    list end (flush right), and a line "Safari 3 פעמים" of a Hebrew note puts the
    Hebrew word left of "Safari 3"."""
    _, _, tmp = exported
    lines = _report_lines(tmp / "r.pdf")

    def find(words: list[str]) -> list[tuple[int, float, float, list[tuple[str, float]]]]:
        return [ln for ln in lines if sorted(w for w, _ in ln[3] if w != "•") == sorted(words)]

    numbered = find(NUMBER_FIRST.split())
    assert numbered, "the note's line is not in the report"
    checked = 0
    for page, _, x1, _ in numbered:
        ends = [b for p, _, b, _ in find(["ההזמנה", "נכשלה"]) if p == page]
        if ends:  # the same list: the other Hebrew note's first line ends there too
            assert abs(x1 - ends[0]) < 1.5, (page, x1, ends)
            checked += 1
    assert checked
    seconds = find(["Safari", "3", "פעמים"])
    assert seconds
    for _, _, _, words in seconds:
        at = dict(words)
        assert at["פעמים"] < at["Safari"] < at["3"], words
