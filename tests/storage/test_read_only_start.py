"""The app on a library nobody here may write: it opens read-only instead of refusing.

Root ignores file modes, so the app runs as `nobody` (setpriv, util-linux) on a
library in a folder that user cannot write; the window's first frame is the proof
it opened, and the library's bytes are the proof nothing was written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from journey.demo import add_demo_session
from storage import Library
from tests.unprivileged import as_nobody

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.usefixtures("reachable_checkout")
def test_a_library_in_a_read_only_folder_opens_read_only() -> None:
    prefix = as_nobody()
    assert prefix is not None, "setpriv (util-linux) is needed to run the app as nobody"
    folder = Path(tempfile.mkdtemp(prefix="waymark-ro-app-"))
    home = Path(tempfile.mkdtemp(prefix="waymark-ro-home-"))
    try:
        lib_dir = folder / "library"
        lib_dir.mkdir()
        db = lib_dir / "library.sqlite"
        with Library(db) as lib:
            lib.run(add_demo_session)
        for p in (folder, home):
            p.chmod(0o777)
        lib_dir.chmod(0o555)
        before = db.read_bytes()
        probe = home / "probe.txt"
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
               "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
               "XDG_CACHE_HOME": str(home / "cache"), "XDG_RUNTIME_DIR": str(home),
               "PYTHONPATH": str(ROOT), "WAYMARK_STARTUP_PROBE": str(probe),
               "WAYMARK_STARTUP_PROBE_QUIT": "1"}
        env.pop("WAYMARK_DB", None)
        out = subprocess.run([*prefix, sys.executable, str(ROOT / "main.py"),
                              "--db", str(db)], cwd=str(home), env=env,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr[-3000:]
        assert "Traceback" not in out.stderr, out.stderr[-3000:]
        assert probe.read_text().split()[0] == "first_frame"
        assert db.read_bytes() == before
        assert not Path(str(db) + ".lock").exists()
    finally:
        for p in (folder, home):
            subprocess.run(["chmod", "-R", "u+rwx", str(p)], check=False)
            shutil.rmtree(p, ignore_errors=True)
