"""Start-up and quit: what the app loads before its first frame, the opt-in
start-up probe, and a real start → first frame → quit of the app as a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from journey.demo import add_demo_session
from storage import Library
from storage.backups import list_backups

ROOT = Path(__file__).resolve().parent.parent

#: Packages and modules a start must not import: each is needed only when the user
#: exports, imports, duplicates or picks a photo (Pillow: also for library thumbnails).
NOT_AT_START = ("PIL", "pypdf", "reportlab",
                "formats.session_json", "formats.session_copy", "export.poster_pdf",
                "export.report_pdf")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("WAYMARK_DB", None)
    env.update(extra)
    return env


def _library(tmp_path: Path) -> Path:
    db = tmp_path / "library.sqlite"
    with Library(db) as lib:
        lib.run(add_demo_session)
    return db


SHOWN_WINDOW = """
import json, sys
from PySide6.QtCore import QSettings
from ui.app import make_application
from storage import Library
from ui.main_window import MainWindow

app = make_application()
library = Library(sys.argv[1])
window = MainWindow(library, QSettings(sys.argv[2], QSettings.Format.IniFormat))
window.show()
for _ in range(5):
    app.processEvents()
window.view.viewport().repaint()
loaded = [name for name in json.loads(sys.argv[3]) if name in sys.modules]
print(json.dumps({"title": window.windowTitle(), "loaded": loaded}))
window.close()
library.close()
"""


def test_the_window_on_screen_has_not_imported_export_or_exchange_code(tmp_path: Path) -> None:
    """Pillow, the PDF writers and the JSON exchange models load when first used."""
    db = _library(tmp_path)
    out = subprocess.run(
        [sys.executable, "-c", SHOWN_WINDOW, str(db), str(tmp_path / "settings.ini"),
         json.dumps(NOT_AT_START)], cwd=str(ROOT), env=_env(tmp_path), capture_output=True,
        text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "Coffee subscription" in result["title"]  # the session really was shown
    assert result["loaded"] == []


def test_the_probe_is_off_without_its_variable(open_window, demo, monkeypatch) -> None:
    from ui import probe as probes

    monkeypatch.delenv(probes.FIRST_FRAME_ENV, raising=False)
    window = open_window(demo[0])
    assert probes.install_first_frame(window) is None


def test_the_probe_writes_when_the_session_has_been_painted(open_window, demo, qtbot,
                                                            tmp_path: Path,
                                                            monkeypatch) -> None:
    from ui import probe as probes

    probe = tmp_path / "probe.txt"
    monkeypatch.setenv(probes.FIRST_FRAME_ENV, str(probe))
    monkeypatch.delenv(probes.QUIT_ENV, raising=False)
    window = open_window(demo[0])
    assert probes.install_first_frame(window) is not None
    window.view.viewport().update()
    qtbot.waitUntil(lambda: probe.exists(), timeout=5000)
    lines = probe.read_text().splitlines()
    assert [line.split()[0] for line in lines] == ["first_frame"]
    assert window.isVisible()  # without QUIT_ENV the window stays


def test_a_real_start_paints_the_last_session_and_quits_cleanly(tmp_path: Path) -> None:
    """`python main.py --db PATH` as a facilitator starts it: the first frame is
    reported, the quit request closes the window the File › Quit way, and the
    process leaves its settings saved, the library closed and one backup."""
    db = _library(tmp_path)
    probe = tmp_path / "probe.txt"
    env = _env(tmp_path, WAYMARK_STARTUP_PROBE=str(probe), WAYMARK_STARTUP_PROBE_QUIT="1")
    for _start in range(2):
        out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db)],
                             cwd=str(ROOT), env=env, capture_output=True, text=True,
                             timeout=120)
        assert out.returncode == 0, out.stderr[-3000:]
        assert "Traceback" not in out.stderr
    lines = [line.split() for line in probe.read_text().splitlines()]
    assert [what for what, _ in lines] == ["first_frame", "quit_requested"] * 2
    times = [float(t) for _, t in lines]
    assert times == sorted(times)
    conf = (tmp_path / "config" / "Waymark" / "Waymark.conf").read_text()
    assert "geometry" in conf and "last_session" in conf  # the quit path saved them
    assert not db.with_name(db.name + "-wal").exists()  # the library was closed
    assert not Path(str(db) + ".lock").exists()
    assert len(list_backups(db)) == 1  # the unchanged library was not copied again


def test_bundled_font_widths_read_without_reportlab_equal_reportlabs() -> None:
    """The layout's widths must be exactly those the PDF writer (reportlab) uses."""
    from journey.fonts import FACE_FILES, font_path, read_widths, reportlab_widths

    for key in FACE_FILES:
        ours = read_widths(font_path(key))
        assert ours is not None, key
        theirs = reportlab_widths(font_path(key))
        assert ours[1] == theirs[1], key
        assert ours[0] == theirs[0], key  # every character, every width
    assert ours[0][0x4E2D] > 0  # 中, from Droid Sans Fallback
