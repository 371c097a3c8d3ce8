"""Every script draws in the PNG poster from the bundled fonts alone: each note has ink
where its text is (an empty note has none), the PDF of the same map agrees, and a
character no font has is drawn as □ — as the CLI's warning says."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from export.poster_plan import plan_poster
from tests.export.test_scripts_pdf import ink, page_box, render_pdf
from tests.scripts_session import NOTES, SIZE, TITLE, build, cli, no_system_fonts_env, text_box

DPI = 150
NOBODY = "\U0001f9ff"  # 🧿 NAZAR AMULET: a colour emoji, in no bundled font


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scripts-png")
    ex = build(tmp, {"empty": "", "nobody": f"{NOBODY} {NOBODY}"})
    env = no_system_fonts_env(tmp)
    png = cli(env, ex.db, "export", "poster", TITLE, "-o", str(tmp / "p.png"), "--size", SIZE,
              "--dpi", str(DPI))
    pdf = cli(env, ex.db, "export", "poster", TITLE, "-o", str(tmp / "p.pdf"), "--size", SIZE)
    plan = plan_poster(ex.layout, ex.data, SIZE, voters={})
    with Image.open(tmp / "p.png") as im:
        image = im.convert("RGB")
    return ex, plan, image, render_pdf(tmp / "p.pdf", DPI), png, pdf


def note_ink(ex, plan, image, name: str, box_of: str | None = None) -> int:
    """Ink in the text area of note `name` (or, for the empty note, where `box_of`'s
    text would be, moved onto the empty note)."""
    if box_of is None:
        return ink(image, page_box(plan, text_box(ex.notes[name])), DPI / 72)
    x, y, w, h = text_box(ex.notes[box_of])
    src, dst = ex.notes[box_of].rect, ex.notes[name].rect
    return ink(image, page_box(plan, (x - src.x + dst.x, y - src.y + dst.y, w, h)), DPI / 72)


def test_every_script_has_ink_in_the_png(exported) -> None:
    ex, plan, image, _, png, _ = exported
    for name in NOTES:
        assert note_ink(ex, plan, image, "empty", name) == 0, "the empty note is not empty"
        assert note_ink(ex, plan, image, name) > 30, f"{name} is blank in the PNG"


def test_png_and_pdf_agree_every_note_has_ink(exported) -> None:
    ex, plan, image, pdf_image, _, _ = exported
    for name in NOTES:
        png_ink = note_ink(ex, plan, image, name)
        pdf_ink = note_ink(ex, plan, pdf_image, name)
        assert png_ink > 30 and pdf_ink > 30, (name, png_ink, pdf_ink)
        # The same glyphs at the same size: the amounts of ink are alike.
        assert 0.4 < png_ink / pdf_ink < 2.5, (name, png_ink, pdf_ink)


def test_the_missing_glyph_warning_is_true(exported) -> None:
    """The CLI says □ is printed for a character no font has: both posters show it."""
    ex, plan, image, pdf_image, png, pdf = exported
    for out in (png, pdf):
        warnings = [ln for ln in out.stderr.splitlines() if "no font can draw" in ln]
        assert len(warnings) == 1 and NOBODY in warnings[0] and "□" in warnings[0]
        assert "U+1F9FF" in warnings[0]
        listed = warnings[0].split("can draw", 1)[1].split("(")[0].split()
        assert listed == [NOBODY]  # every real script is drawn from a bundled font
    assert note_ink(ex, plan, image, "nobody") > 30
    assert note_ink(ex, plan, pdf_image, "nobody") > 30


def test_assets_hold_the_fonts_and_licences() -> None:
    fonts = Path(__file__).resolve().parents[2] / "assets" / "fonts"
    for name in ("NotoSansHebrew-Regular.ttf", "NotoSansArabic-Regular.ttf",
                 "NotoSansDevanagari-Regular.ttf", "NotoSansThai-Regular.ttf",
                 "NanumGothic.ttf", "LICENSE-OFL-Noto.txt", "LICENSE-OFL-NanumGothic.txt"):
        assert (fonts / name).is_file(), name


PROBE = r"""
import sys
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter
app = QGuiApplication(["probe", "-platform", "offscreen"])
from paint.qt_text import ensure_fonts
families = ensure_fonts()
for text in sys.argv[1:]:
    image = QImage(400, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    font = QFont(families["sans"])  # what an editor or a dialog uses
    font.setPixelSize(24)
    p.setFont(font)
    p.setPen(QColor("black"))
    p.drawText(10, 40, text)
    p.end()
    dark = sum(1 for y in range(60) for x in range(400) if image.pixelColor(x, y).value() < 128)
    print(dark)
"""


def test_the_apps_family_falls_back_to_the_bundled_script_faces(tmp_path: Path) -> None:
    """A plain QFont of DejaVu Sans draws Hindi, Thai, Korean, Hebrew and Arabic with
    no system font at all, from the faces `ensure_fonts` registered (fontconfig's
    fallback finds them here; the substitutions do it where there is no fontconfig)."""
    import subprocess
    import sys

    from tests.scripts_session import ROOT

    texts = [NOTES[k] for k in ("hindi", "thai", "korean", "hebrew", "arabic")]
    out = subprocess.run([sys.executable, "-c", PROBE, *texts], capture_output=True,
                         text=True, cwd=ROOT, env=no_system_fonts_env(tmp_path), timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    counts = [int(x) for x in out.stdout.split()]
    assert len(counts) == len(texts) and all(n > 100 for n in counts), counts
