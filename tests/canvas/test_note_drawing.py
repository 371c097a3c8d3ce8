"""How notes are drawn: long notes grow instead of shrinking their text, tags show
as chips everywhere, vote dots stay readable on a projector, curves never share a
colour, and only the selected note carries an outline."""

from __future__ import annotations

from collections import deque
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QEvent, QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSceneHoverEvent

from canvas.note_item import NoteItem
from export.poster_pdf import export_poster_pdf
from export.poster_png import export_poster_png
from journey import ops
from journey.layout import Style, layout_map
from journey.queries import list_sessions, load_map, maps_of

#: The smallest note text accepted before a note grows: one small step under the
#: 12 pt note size, well above the ~9 pt a projector at 100 % still renders legibly.
FLOOR = 10.5
#: Vote dots seen from the back of a room: 12 px on a 1080p projector (~2.5 cm on
#: a 2 m-high picture) is the least that reads as a coloured dot there.
MIN_DOT_PX = 12

WORDS = ("Pausing the subscription takes six clicks, a phone call and an email to "
         "support; nobody in the room had found the setting without help. ")
LONG = (WORDS * 10)[:599].rstrip() + "."


def _map(library):
    session_id = library.read(list_sessions)[0]["id"]
    map_id = library.read(maps_of, session_id)[0].id
    data = library.read(load_map, map_id)
    return data, layout_map(data)


def _cell(data, stage: str, lane: str) -> tuple[str, str]:
    s = next(x for x in data.stages if x.name == stage)
    lane_row = next(x for x in data.lanes if x.name == lane)
    return s.id, lane_row.id


def _norm(text: str) -> str:
    return " ".join(text.split())


# -- 2. a long note grows ---------------------------------------------------------------

def test_a_long_note_grows_instead_of_shrinking_its_text(demo, tmp_path: Path) -> None:
    library, _ = demo
    data, before = _map(library)
    stage_id, lane_id = _cell(data, "Awareness", "Touchpoints")
    neighbours = [n.id for n in data.notes[(stage_id, lane_id)]]
    lane_h = next(h for h in before.lanes if h.id == lane_id).rect.h
    note = library.run(ops.add_note, stage_id, lane_id, LONG, index=0)
    data, layout = _map(library)
    st = layout.style
    box = layout.note_by_id[note.id]
    assert len(LONG) == 600
    assert box.font_size >= FLOOR >= 9  # legible on the projector at 100 %
    assert not box.truncated
    assert _norm(" ".join(line.text for line in box.lines)) == _norm(LONG)  # every word
    assert box.rect.h > st.note_h  # the box grew instead
    for line in box.lines:
        assert box.rect.y < line.baseline <= box.rect.bottom
    # Its row grew with it: the neighbour in the same row is as tall, the lane taller.
    row_mate = layout.note_by_id[neighbours[0]]
    assert row_mate.rect.y == box.rect.y and row_mate.rect.h == box.rect.h
    assert next(h for h in layout.lanes if h.id == lane_id).rect.h > lane_h
    cell = layout.cell(stage_id, lane_id)
    assert cell.rect.contains(box.rect)
    for other in layout.notes:  # nothing below was overlapped
        if other.id != box.id:
            assert not other.rect.intersects(box.rect), other.text
    # The poster prints all of it.
    result = export_poster_pdf(layout, data, tmp_path / "long.pdf")
    assert note.id not in result.cut_notes
    text = _norm(PdfReader(result.path).pages[0].extract_text())
    for line in box.lines:
        assert _norm(line.text) in text


def test_the_floor_follows_the_text_size_but_never_goes_under_9_pt() -> None:
    assert Style().note_floor == FLOOR
    assert Style().scaled(2.0).note_floor == 21.0
    assert Style(note_size=8).note_floor == 8  # never above the size itself
    assert Style(note_size=10).note_floor == 9


# -- 3. tags are drawn --------------------------------------------------------------------

def _tagged(library):
    data, _ = _map(library)
    stage_id, lane_id = _cell(data, "Awareness", "Touchpoints")
    note = data.notes[(stage_id, lane_id)][0]
    library.run(ops.edit_note, note.id, tags="pricing, follow-up")
    data, layout = _map(library)
    return data, layout, note.id


def test_tags_are_laid_out_as_chips_inside_the_note(demo) -> None:
    library, _ = demo
    _, layout, note_id = _tagged(library)
    box = layout.note_by_id[note_id]
    chips = getattr(box, "chips", ())
    assert [c.label.text for c in chips] == ["#pricing", "#follow-up"]
    for chip in chips:
        assert box.rect.contains(chip.rect)
        assert chip.rect.contains(type(chip.rect)(chip.label.x, chip.label.baseline - 8,
                                                  chip.label.width, 8))
        for line in box.lines:  # under the text, never on it
            assert line.baseline <= chip.rect.y + 1e-6
    assert all(chip.label in layout.text_lines() for chip in chips)


def test_tags_print_on_the_pdf_poster(demo, tmp_path: Path) -> None:
    library, _ = demo
    data, layout, _ = _tagged(library)
    result = export_poster_pdf(layout, data, tmp_path / "tags.pdf",
                               furniture=False)  # no key band: it lists the tags too
    text = PdfReader(result.path).pages[0].extract_text()
    assert "#pricing" in text and "#follow-up" in text


def _render_item(item: NoteItem, scale: float = 1.0) -> QImage:
    scene = QGraphicsScene()
    scene.addItem(item)
    r = item.sceneBoundingRect()
    img = QImage(int(r.width() * scale) + 2, int(r.height() * scale) + 2,
                 QImage.Format.Format_ARGB32)
    img.fill(QColor("#FFFFFF"))
    p = QPainter(img)
    scene.render(p, QRectF(0, 0, img.width(), img.height()), r)
    p.end()
    scene.removeItem(item)
    return img


def test_the_canvas_note_draws_its_tags(demo, qtbot) -> None:
    library, _ = demo
    _, before = _map(library)
    _, layout, note_id = _tagged(library)
    plain, tagged = before.note_by_id[note_id], layout.note_by_id[note_id]
    assert plain.rect == tagged.rect  # two short tags fit: same box, chips inside
    a, b = _render_item(NoteItem(tagged)), _render_item(NoteItem(plain))
    assert a.size() == b.size()
    assert a != b
    # The difference is in the chips' band at the bottom, not in the text above it.
    chip_top = int(min(c.rect.y for c in tagged.chips) - tagged.rect.y)
    offset = int(round(tagged.rect.y - NoteItem(tagged).sceneBoundingRect().y()))
    assert a.copy(0, 0, a.width(), offset + chip_top - 2) == \
        b.copy(0, 0, b.width(), offset + chip_top - 2)


def test_the_png_poster_draws_the_chips(demo, tmp_path: Path, qtbot) -> None:
    library, _ = demo
    data, layout, note_id = _tagged(library)
    with_tags = export_poster_png(layout, data, tmp_path / "tags.png", dpi=72,
                                  furniture=False).path  # no key band: its tag list
    library.run(ops.edit_note, note_id, tags="")
    plain_data = library.read(load_map, data.map.id)
    without = export_poster_png(layout_map(plain_data), plain_data, tmp_path / "plain.png",
                                dpi=72, furniture=False).path
    a, b = QImage(str(with_tags)), QImage(str(without))
    assert a.size() == b.size() and a != b


# -- 4. vote dots on a projector ----------------------------------------------------------

def _blobs(img: QImage, colour: QColor, area: tuple[int, int, int, int]) -> list[tuple[int, int]]:
    """(width, height) of each connected patch of `colour` (±24 per channel) in area."""
    x0, y0, w, h = area
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(img.width(), x0 + w), min(img.height(), y0 + h)

    def match(x: int, y: int) -> bool:
        c = img.pixelColor(x, y)
        return (abs(c.red() - colour.red()) <= 24 and abs(c.green() - colour.green()) <= 24
                and abs(c.blue() - colour.blue()) <= 24)

    seen: set[tuple[int, int]] = set()
    out = []
    for y in range(y0, y1):
        for x in range(x0, x1):
            if (x, y) in seen or not match(x, y):
                continue
            queue, xs, ys = deque([(x, y)]), [], []
            seen.add((x, y))
            while queue:
                px, py = queue.popleft()
                xs.append(px)
                ys.append(py)
                for nx, ny in ((px + 1, py), (px - 1, py), (px, py + 1), (px, py - 1)):
                    if x0 <= nx < x1 and y0 <= ny < y1 and (nx, ny) not in seen \
                            and match(nx, ny):
                        seen.add((nx, ny))
                        queue.append((nx, ny))
            out.append((max(xs) - min(xs) + 1, max(ys) - min(ys) + 1))
    return out


@pytest.mark.parametrize("zoom", ["fit", 0.45])
def test_vote_dots_are_big_enough_for_the_room_at_fit_zoom(demo, open_window, qtbot,
                                                           zoom) -> None:
    """At Fit on a 1080p screen (and further out), each voted note shows a dot or a
    count badge at least MIN_DOT_PX across, measured on the rendered viewport."""
    library, _ = demo
    window = open_window(library, size=(1920, 1080))
    view = window.view
    view.fit_all()
    if zoom != "fit":
        view.set_zoom(zoom)
    qtbot.wait(50)
    assert view.zoom < 1.0
    img = view.viewport().grab().toImage()
    checked = 0
    for box in window.layout.notes:
        if not box.dots:
            continue
        colours = {d.colour.upper() for d in box.dots}
        colour = QColor(box.dots[0].colour) if len(colours) == 1 else None
        poly = view.mapFromScene(QRectF(box.rect.x, box.rect.y, box.rect.w, box.rect.h))
        r = poly.boundingRect()
        area = (r.x(), r.y(), r.width() + 1, r.height() + 1)
        wanted = [colour] if colour else [QColor(d.colour) for d in box.dots] + [
            QColor("#4B5563")]
        sizes = [s for c in wanted for s in _blobs(img, c, area)]
        assert sizes, box.text
        biggest = max(min(w, h) for w, h in sizes)
        assert biggest >= MIN_DOT_PX, (box.text, view.zoom, sizes)
        checked += 1
    assert checked >= 5


# -- 5. every curve its own colour -----------------------------------------------------------

def test_a_second_curve_never_takes_a_colour_already_on_the_map(demo) -> None:
    library, session = demo
    data, _ = _map(library)
    first = data.curves[0].curve
    # A persona whose colour is the first curve's (e.g. both got the first colour).
    leo = library.run(ops.add_persona, session.id, "Leo", colour=first.colour)
    second = library.run(ops.add_curve, data.map.id, leo.id)
    third = library.run(ops.add_curve, data.map.id, None, "Team")
    colours = [first.colour, second.colour, third.colour]
    assert len({c.upper() for c in colours}) == 3, colours
    _, layout = _map(library)
    assert len({e.colour.upper() for e in layout.legend}) == len(layout.legend) == 3
    assert [c.colour for c in layout.curves] == colours


def test_curves_stored_with_one_colour_are_drawn_apart(demo) -> None:
    """Older maps (or a colour chosen twice): the layout offsets the later curve."""
    library, _ = demo
    data, _ = _map(library)
    first = data.curves[0].curve
    library.run(ops.add_curve, data.map.id, None, "Team", colour=first.colour)
    _, layout = _map(library)
    assert [c.colour.upper() for c in layout.curves][0] == first.colour.upper()
    assert len({c.colour.upper() for c in layout.curves}) == 2
    assert [e.colour for e in layout.legend] == [c.colour for c in layout.curves]


# -- 6. only the selected note is outlined ------------------------------------------------

def test_a_note_no_longer_selected_shows_no_outline(demo, qtbot) -> None:
    library, _ = demo
    _, layout = _map(library)
    a_box, b_box = layout.notes[0], layout.notes[1]
    scene = QGraphicsScene()
    a, b = NoteItem(a_box), NoteItem(b_box)
    scene.addItem(a)
    scene.addItem(b)
    # The pointer rests on A (a click selected it), then the keys move on to B.
    hover = QGraphicsSceneHoverEvent(QEvent.Type.GraphicsSceneHoverEnter)
    hover.setScenePos(QPointF(a_box.rect.x + 5, a_box.rect.y + 5))
    scene.sendEvent(a, hover)
    a.setSelected(True)
    a.setSelected(False)
    b.setSelected(True)
    area = a.sceneBoundingRect()
    img = QImage(int(area.width()), int(area.height()), QImage.Format.Format_ARGB32)
    img.fill(QColor("#FFFFFF"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    scene.render(p, QRectF(0, 0, img.width(), img.height()), area)
    p.end()
    selection = QColor("#0072B2")
    # A's own ring: its rect and 2 px around it (B's halo starts beyond the gap).
    left, top = int(a_box.rect.x - area.x()) - 2, int(a_box.rect.y - area.y()) - 2
    ring = [(x, y) for y in range(top, top + int(a_box.rect.h) + 5)
            for x in range(left, left + int(a_box.rect.w) + 5)]
    blue = [(x, y) for x, y in ring if _near(img.pixelColor(x, y), selection, 60)]
    assert not blue, f"{len(blue)} outline pixels on a note that is not selected"
    # B, selected, does show its outline (the check can see one).
    area_b = b.sceneBoundingRect()
    img_b = QImage(int(area_b.width()), int(area_b.height()), QImage.Format.Format_ARGB32)
    img_b.fill(QColor("#FFFFFF"))
    p = QPainter(img_b)
    scene.render(p, QRectF(0, 0, img_b.width(), img_b.height()), area_b)
    p.end()
    assert any(_near(img_b.pixelColor(x, y), selection, 60)
               for y in range(img_b.height()) for x in range(img_b.width()))


def _near(c: QColor, d: QColor, tol: int) -> bool:
    return (abs(c.red() - d.red()) + abs(c.green() - d.green()) + abs(c.blue() - d.blue())
            <= tol)


def test_the_badge_counts_every_vote_even_those_no_dot_shows(demo) -> None:
    """A narrow note shows few dots (or none, then "+N"): its badge still knows the
    vote count and whether one person cast them all, from all the votes."""
    library, _ = demo
    data, _layout = _map(library)
    cell = next(c for c, notes in data.notes.items() if notes)
    one, two = data.notes[cell][0].id, data.notes[cell][-1].id
    data.votes[one] = ["#0072B2"] * 30  # far more than a row of dots
    if two != one:
        data.votes[two] = ["#0072B2"] * 29 + ["#D55E00"]  # the odd one is not drawn
    boxes = {b.id: b for b in layout_map(data).notes}
    assert boxes[one].votes == 30 and len(boxes[one].dots) < 30
    assert boxes[one].voter == "#0072B2" and boxes[one].dot_r > 0
    if two != one:
        assert boxes[two].voter == ""


def test_the_report_colours_curves_as_the_map_does(demo) -> None:
    """Two curves stored with one colour: the report's summaries use the colours the
    layout draws, so the overview map and the emotion chart agree."""
    from export.report_model import build_report_model

    library, session = demo
    data, _ = _map(library)
    first = data.curves[0].curve
    team = library.run(ops.add_curve, data.map.id, None, "Team", colour=first.colour)
    library.run(ops.add_curve_point, team.id, data.stages[0].id, 1.0)
    _, layout = _map(library)
    report = library.read(build_report_model, session.id)
    by_name = {c.curve: c.colour.upper() for c in report.curves if c.map == data.map.name}
    drawn = {c.name: c.colour.upper() for c in layout.curves}
    assert by_name["Team"] == drawn["Team"] != first.colour.upper()
