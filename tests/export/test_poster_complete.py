"""The complete PDF poster: paper sizes, scale, key band, footer, legibility, scripts,
fallback fonts and the persona photo — all read back from the written file."""

from __future__ import annotations

import io
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from export.pages import MM, parse_page_size
from export.poster_parts import voter_names
from export.poster_pdf import export_poster_pdf
from export.poster_plan import parse_scale, plan_poster, readable_size
from journey import ops
from journey.errors import WaymarkError
from journey.layout import layout_map
from journey.queries import load_map, maps_of
from paint.font_fallback import SUBSTITUTE, system_face_for
from tests.export.test_poster_pdf import assert_fonts_embedded, pdf_fonts

BOMB_DEFAULT = Image.MAX_IMAGE_PIXELS


def _load(library, session):
    map_id = library.read(maps_of, session.id)[0].id
    data = library.read(load_map, map_id)
    return data, layout_map(data), library.read(voter_names, session.id)


def _text(path: Path) -> str:
    return " ".join(PdfReader(path).pages[0].extract_text().split())


def _cell(data, stage: str, lane: str) -> tuple[str, str]:
    return (next(s.id for s in data.stages if s.name == stage),
            next(x.id for x in data.lanes if x.name == lane))


@pytest.mark.parametrize("size", ["A0", "A1", "A2", "A3", "A4", "A5", "Letter", "Legal",
                                  "Tabloid", "ARCH C", "ARCH D", "ARCH E", "700x500mm",
                                  "30x20in"])
def test_every_paper_size_has_its_page_box(demo, tmp_path: Path, size: str) -> None:
    data, layout, voters = _load(*demo)
    out = export_poster_pdf(layout, data, tmp_path / "p.pdf", size, "landscape",
                            voters=voters, furniture=True)
    box = PdfReader(out.path).pages[0].mediabox
    w, h = parse_page_size(size)
    assert (float(box.width), float(box.height)) == pytest.approx((max(w, h), min(w, h)),
                                                                  abs=0.01)
    assert out.page_size == pytest.approx((float(box.width), float(box.height)), abs=0.01)


def test_key_band_and_footer_say_what_the_map_shows(demo, tmp_path: Path) -> None:
    library, session = demo
    data, layout, voters = _load(library, session)
    result = export_poster_pdf(layout, data, tmp_path / "a0.pdf", "A0", voters=voters,
                               furniture=True)
    text = _text(result.path)
    persona = data.persona
    for expected in ("Workshop", "Lane kinds", "Note colours", "Emotion curve", "Votes", "Tags",
                     "Persona", persona.name, persona.role, "Goals", "Frustrations",
                     "Café-quality coffee at home", "Hidden costs", data.session.goal,
                     "Amira", "Dmitri", "#quick win", "Pain points", "Opportunities",
                     "Scored −3 (worst) … +3 (best)", "0, neutral",
                     "Facilitator: Sam Rivera", "2026-11-20", "A0 landscape",
                     "1189 × 841 mm", f"scale {result.scale * 100:.0f} %"):
        assert expected in text, expected
    for note in layout.notes:  # every note still there, whole
        for line in note.lines:
            assert " ".join(line.text.split()) in text
    assert_fonts_embedded(result.path)


def test_content_fits_inside_the_margins(demo) -> None:
    data, layout, voters = _load(*demo)
    for size, margin in (("A3", 15), ("A0", 10), ("Letter", 6)):
        plan = plan_poster(layout, data, size, None, margin, None, voters)
        m = margin * MM
        cw, ch = plan.content
        assert plan.ox >= m - 1e-6 and plan.oy >= m - 1e-6
        assert plan.ox + cw * plan.scale <= plan.page[0] - m + 1e-6
        assert plan.oy + ch * plan.scale <= plan.footer.segs[0].y1 + 1e-6  # above the footer
        assert plan.footer.segs[0].y1 <= plan.page[1] - m


def test_fixed_scale(demo, tmp_path: Path) -> None:
    data, layout, voters = _load(*demo)
    half = export_poster_pdf(layout, data, tmp_path / "half.pdf", "A0", scale="50%",
                             voters=voters, furniture=True)
    assert half.scale == pytest.approx(0.5)
    actual = export_poster_pdf(layout, data, tmp_path / "one.pdf", "A0", scale="1:1",
                               voters=voters, furniture=True)
    assert actual.scale == pytest.approx(1.0)
    assert "scale 100 %" in _text(actual.path)
    with pytest.raises(WaymarkError) as err:
        export_poster_pdf(layout, data, tmp_path / "a4.pdf", "A4", scale="1:1", furniture=True)
    message = str(err.value)
    assert "at 100 %" in message and "tiles" in message and "\n" not in message
    assert not (tmp_path / "a4.pdf").exists()
    assert parse_scale("fit") is None and parse_scale("75 %") == 0.75
    assert parse_scale("1:2") == 0.5
    for bad in ("huge", "0%", "1:0"):
        with pytest.raises(WaymarkError):
            parse_scale(bad)


def test_legibility_figure_and_warning(demo, tmp_path: Path) -> None:
    data, layout, voters = _load(*demo)
    small = export_poster_pdf(layout, data, tmp_path / "letter.pdf", "Letter", voters=voters,
                              furniture=True)
    assert small.readable_pt == 6.0
    assert small.smallest_text_pt < 6.0
    warning = next(w for w in small.warnings if "smallest text" in w)
    assert f"{small.smallest_text_pt:.1f} pt" in warning and "\n" not in warning
    big = export_poster_pdf(layout, data, tmp_path / "a0.pdf", "A0", voters=voters,
                            furniture=True)
    assert big.smallest_text_pt >= big.readable_pt == 12.0
    assert not [w for w in big.warnings if "smallest text" in w]
    # The threshold grows with the distance a sheet is read from.
    assert [readable_size(parse_page_size(s))[0] for s in ("A4", "A3", "A2", "A1", "A0")] == \
        [6.0, 6.0, 9.0, 12.0, 12.0]


def test_scripts_long_notes_and_emoji_lose_nothing_silently(demo, tmp_path: Path) -> None:
    library, session = demo
    data, _, _ = _load(library, session)
    stage_id, lane_id = _cell(data, "Purchase", "Thoughts")
    greek, cyrillic = "Η συνδρομή είναι ακριβή", "Подписка слишком дорогая"
    emoji = "Party time 🎉 and coffee ☕ 😀"
    long_text = ("Pausing the subscription takes six clicks and a phone call. " * 40)[:2000]
    ids = {t: library.run(ops.add_note, stage_id, lane_id, t).id
           for t in (greek, cyrillic, emoji, long_text)}
    data, layout, voters = _load(library, session)
    result = export_poster_pdf(layout, data, tmp_path / "scripts.pdf", "A0", "portrait",
                               voters=voters, furniture=True)
    text = _text(result.path)
    assert greek in text and cyrillic in text
    assert result.missing_chars == ["🎉"]  # ☕ and 😀 have DejaVu glyphs; 🎉 has no font here
    assert any("🎉" in w and "U+1F389" in w for w in result.warnings)
    box = layout.note_by_id[ids[emoji]]
    drawn = " ".join(ln.text for ln in box.lines).replace("🎉", SUBSTITUTE)
    assert " ".join(drawn.split()) in text  # the emoji printed as □, not dropped
    assert ids[long_text] in result.cut_notes
    long_box = layout.note_by_id[ids[long_text]]
    assert long_box.truncated and long_box.lines[-1].text.endswith("…")
    assert long_box.font_size == layout.style.note_floor  # shrunk to the floor, then grown, then cut
    assert_fonts_embedded(result.path)


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig is not installed")
def test_a_script_the_bundled_fonts_lack_comes_from_a_system_font(demo, tmp_path) -> None:
    char = "\U0001d400"  # MATHEMATICAL BOLD CAPITAL A: not in DejaVu Sans or Droid
    face = system_face_for(ord(char))
    if face is None:
        pytest.skip("no TrueType system font with U+1D400 (e.g. DejaVu Math TeX Gyre)")
    library, session = demo
    data, _, _ = _load(library, session)
    library.run(ops.add_note, *_cell(data, "Loyalty", "Thoughts"), f"Grade {char}+")
    data, layout, voters = _load(library, session)
    result = export_poster_pdf(layout, data, tmp_path / "math.pdf", voters=voters,
                               furniture=True)
    assert result.missing_chars == []
    assert str(face.path) in result.fallback_fonts
    assert f"Grade {char}+" in _text(result.path)
    names = {name for name, _ in pdf_fonts(result.path)}
    assert names - {"DejaVuSans", "DejaVuSans-Bold", "DroidSansFallbackFull",
                    "DroidSansFallback"}, "the system font is embedded beside the bundled ones"
    assert_fonts_embedded(result.path)


def _png(width: int, height: int, colour=(200, 120, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buf, "PNG")
    return buf.getvalue()


def _bomb_header() -> bytes:
    """A PNG whose header claims 30000 × 30000 px (900 Mpx): Pillow refuses it on open."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 30000, 30000, 8, 2,
                                                             0, 0, 0)) + chunk(b"IEND", b""))


def test_persona_photo_is_placed_and_a_bomb_is_refused(demo, tmp_path: Path) -> None:
    library, session = demo
    data, _, _ = _load(library, session)
    library.run(ops.edit_persona, data.persona.id, photo=_png(64, 80))
    data, layout, voters = _load(library, session)
    result = export_poster_pdf(layout, data, tmp_path / "photo.pdf", voters=voters,
                               furniture=True)
    page = PdfReader(result.path).pages[0]
    images = [x.get_object() for x in page["/Resources"].get("/XObject", {}).values()]
    assert any(x.get("/Subtype") == "/Image" for x in images)
    assert not result.warnings or all("photo" not in w for w in result.warnings)
    # A photo that trips Pillow's decompression-bomb guard is left out, with a warning.
    library.run(ops.edit_persona, data.persona.id, photo=_bomb_header())
    data, layout, voters = _load(library, session)
    result = export_poster_pdf(layout, data, tmp_path / "bomb.pdf", voters=voters,
                               furniture=True)
    assert any("persona photo was left out" in w and "DecompressionBomb" in w
               for w in result.warnings)
    assert Image.MAX_IMAGE_PIXELS == BOMB_DEFAULT  # the guard itself is untouched


def test_a_map_with_no_stages_still_makes_a_poster(library, tmp_path: Path) -> None:
    """A narrow map stacks the title block, persona card and legend."""
    session = library.run(ops.create_session, "Tiny", template=None)
    library.run(ops.add_persona, session.id, "Sam", role="Tester", goals="One\nTwo")
    data, layout, voters = _load(library, session)
    result = export_poster_pdf(layout, data, tmp_path / "tiny.pdf", "A5", voters=voters,
                               furniture=True)
    text = _text(result.path)
    assert "Tiny" in text and "Workshop" in text
    assert_fonts_embedded(result.path)
