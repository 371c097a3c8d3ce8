"""The PNG poster: size, DPI and metadata read back with Pillow, banding that changes
no pixel, cancel and errors, and an encoder that never needs Pillow."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from export.poster_parts import voter_names
from export.poster_plan import ExportCancelled, plan_poster
from export.poster_png import export_poster_png, write_png
from journey import ops
from journey.errors import WaymarkError
from journey.layout import layout_map
from journey.queries import load_map, maps_of

ROOT = Path(__file__).resolve().parents[2]
BOMB_DEFAULT = Image.MAX_IMAGE_PIXELS


@pytest.fixture
def poster(demo, qapp):
    library, session = demo
    data = library.read(load_map, library.read(maps_of, session.id)[0].id)
    return library, session, data, layout_map(data), library.read(voter_names, session.id)


def test_size_dpi_and_metadata(poster, tmp_path: Path) -> None:
    _, _, data, layout, voters = poster
    result = export_poster_png(layout, data, tmp_path / "p.png", "100x70mm", dpi=300,
                               voters=voters)
    assert result.pixels == (round(100 / 25.4 * 300), round(70 / 25.4 * 300)) == (1181, 827)
    with Image.open(result.path) as im:
        assert im.size == result.pixels and im.mode == "RGB"
        assert im.info["dpi"] == pytest.approx((299.9994, 299.9994), abs=1e-3)
        assert im.info["Title"] == f"{data.session.title} — {data.map.name}"
        assert im.info["Software"] == "Waymark"
        im.verify()
    with Image.open(result.path) as im:
        im.load()  # every IDAT chunk decodes
    assert Image.MAX_IMAGE_PIXELS == BOMB_DEFAULT


def test_bands_change_no_pixel(poster) -> None:
    _, _, data, layout, voters = poster
    plan = plan_poster(layout, data, "A5", None, 5, None, voters)
    images = []
    for rows in (37, 10_000):  # 16 bands, or the whole page in one
        buf = io.BytesIO()
        write_png(buf, layout, plan, 100, band_rows=rows)
        images.append(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    diff = ImageChops.difference(*images).convert("L").histogram()
    # The same pixels, up to a level or two of antialiasing from float rounding.
    assert sum(diff[3:]) == 0
    assert sum(diff[1:]) < images[0].width * images[0].height / 1000


def test_the_picture_is_the_map(poster, tmp_path: Path) -> None:
    """Each note's middle is painted in the note's colour where the plan puts it."""
    _, _, data, layout, voters = poster
    dpi = 72
    result = export_poster_png(layout, data, tmp_path / "a3.png", "A3", dpi=dpi, voters=voters)
    plan = plan_poster(layout, data, "A3", None, 10, None, voters)
    with Image.open(result.path) as im:
        px = im.convert("RGB").load()
        for note in layout.notes:
            r = note.rect
            x, y = plan.to_page(r.x + r.w * 0.8, r.y + r.h * 0.45)  # clear of text and dots
            got = px[int(x * dpi / 72), int(y * dpi / 72)]
            want = tuple(int(note.colour[i:i + 2], 16) for i in (1, 3, 5))
            assert max(abs(a - b) for a, b in zip(got, want, strict=True)) <= 3, note.text
        assert px[2, 2] == (255, 255, 255)  # the margin is paper


def test_dpi_range_cancel_and_unwritable(poster, tmp_path: Path) -> None:
    _, _, data, layout, _ = poster
    for dpi in (71, 601):
        with pytest.raises(WaymarkError, match="dpi"):
            export_poster_png(layout, data, tmp_path / "x.png", "A4", dpi=dpi)
    target = tmp_path / "keep.png"
    target.write_bytes(b"old")
    seen: list[float] = []

    def progress(f: float) -> bool:
        seen.append(f)
        return f < 0.3

    with pytest.raises(ExportCancelled):
        export_poster_png(layout, data, target, "100x100mm", dpi=300, progress=progress)
    assert target.read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert seen[0] == 0.0 and seen == sorted(seen)
    with pytest.raises(WaymarkError, match="cannot write"):
        export_poster_png(layout, data, tmp_path / "no" / "x.png", "A5", dpi=72)


def test_scripts_and_emoji_in_a_png(poster, tmp_path: Path) -> None:
    library, session, data, _, _ = poster
    stage = next(s.id for s in data.stages if s.name == "Service")
    lane = next(x.id for x in data.lanes if x.name == "Thoughts")
    for text in ("Καλημέρα", "Привет", "🎉 launch", "x" * 2000):
        library.run(ops.add_note, stage, lane, text)
    data = library.read(load_map, data.map.id)
    layout = layout_map(data)
    result = export_poster_png(layout, data, tmp_path / "s.png", "A4", dpi=96)
    assert result.missing_chars == ["🎉"]
    assert len(result.cut_notes) == 1
    assert any("U+1F389" in w for w in result.warnings)


def test_the_encoder_needs_no_pillow(demo, tmp_path: Path) -> None:
    """Our export never has Pillow open an image, and leaves its decompression-bomb
    guard as it is for the photos people bring in."""
    library, _ = demo
    db = library.path
    library.close()
    out = tmp_path / "p.png"
    # Pillow is loaded (reportlab imports it) but never asked to open anything.
    code = ("from PIL import Image; opened = []; real = Image.open\n"
            "def spy(*a, **k):\n    opened.append(a[0]); return real(*a, **k)\n"
            "Image.open = spy\nfrom main import run_cli\n"
            f"rc = run_cli(['--db', {str(db)!r}, 'export', 'poster', 'Coffee subscription', "
            f"'-o', {str(out)!r}, '--size', 'A5', '--dpi', '100'])\n"
            "assert rc == 0\nassert opened == [], opened\n"
            "assert Image.MAX_IMAGE_PIXELS == int(1024 * 1024 * 1024 // 4 // 3)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    w, h = round(210 / 25.4 * 100), round(148 / 25.4 * 100)
    with Image.open(out) as im:
        assert im.size == (w, h)
    assert f"{w} × {h} px at 100 dpi" in result.stdout
