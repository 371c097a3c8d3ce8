"""Opening and presenting a map in a real X11 window (Xvfb + openbox + xdotool, xcb),
read back from screenshots: the map opens fitted to the width from the top, again
after a restart, and the last stage presents whole, its outline uncovered."""

from __future__ import annotations

import time
from pathlib import Path

from PIL import Image

from tests.realwin.harness import App, display

OUTLINE = (0xE6, 0x9F, 0x00)  # canvas.stage_spotlight.OUTLINE


def _wait_map(app: App) -> None:
    deadline = time.monotonic() + 20
    while "Current state" not in app.active_title() and time.monotonic() < deadline:
        app.settle(0.2)
    app.settle(1.2)  # the first layout and fit


def _header_row(img: Image.Image) -> tuple[int, int, int]:
    """(y, left, right) of the first row that is mostly stage-header slate."""
    w, h = img.size
    px = img.load()
    for y in range(0, h // 2, 2):
        dark = [x for x in range(0, w, 4) if _slate(px[x, y])]
        if len(dark) * 4 > w * 0.4:
            return y, dark[0], dark[-1]
    raise AssertionError("no stage header row in the upper half of the screen")


def _slate(rgb) -> bool:
    r, g, b = rgb[:3]
    return 30 <= r <= 90 and 45 <= g <= 110 and 70 <= b <= 140 and b > r + 15


def _orange(rgb) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(rgb[:3], OUTLINE, strict=True))


def test_a_map_reopens_fitted_to_the_width_and_presents_its_last_stage(tmp_path: Path):
    db = tmp_path / "library.sqlite"
    with display() as d:
        app = App(d, db, tmp_path)
        try:
            app.maximize()
            app.wait_active("Waymark")
            _wait_map(app)
            for shot in ("opened", "reopened"):
                img = Image.open(d.screenshot(tmp_path / f"{shot}.png")).convert("RGB")
                y, left, right = _header_row(img)
                # The stage headers are near the top (the title above them) …
                assert y < img.height * 0.25, (shot, y)
                # … and the map spans the width, not a small picture in the middle.
                assert right - left > img.width * 0.7, (shot, left, right)
                if shot == "opened":
                    d.xdotool("key", "--clearmodifiers", "ctrl+q")
                    assert app.proc.wait(20) == 0
                    app = App(d, db, tmp_path)  # the same library and settings
                    app.wait_active("Waymark")
                    _wait_map(app)

            app.key("F9")  # the timer (5 minutes by default), running and shown
            app.key("F5")
            app.key("End")
            app.settle(1.0)
            img = Image.open(d.screenshot(tmp_path / "present-end.png")).convert("RGB")
            px = img.load()
            w, h = img.size
            # (the Pain points lane's colour bar on the left is the same orange)
            orange = [(x, y) for y in range(0, h, 3) for x in range(w // 4, w, 3)
                      if _orange(px[x, y])]
            assert orange, "no lit stage"
            xs, ys = [p[0] for p in orange], [p[1] for p in orange]
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
            assert x1 > w * 0.5  # the last stage, on the right
            assert y1 - y0 > h * 0.6  # the whole column, tall on the screen
            # Its outline is whole: nothing (the timer, the caption) covers an edge.
            for y in range(y0 + 6, y1 - 6, 4):
                assert any(_orange(px[x, y]) for x in range(x0, x0 + 6)), ("left", y)
                assert any(_orange(px[x, y]) for x in range(x1 - 5, x1 + 1)), ("right", y)
            for x in range(x0 + 6, x1 - 6, 4):
                assert any(_orange(px[x, y]) for y in range(y0, y0 + 6)), ("top", x)
            app.key("Escape")
            app.check_alive()
            assert "Traceback" not in app.stderr
        finally:
            app.kill()
