"""Shared fixtures. Qt runs offscreen in every test; libraries are real SQLite files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from journey.demo import add_demo_session  # noqa: E402
from storage import Library  # noqa: E402


@pytest.fixture
def library(tmp_path: Path):
    lib = Library(tmp_path / "library.sqlite")
    yield lib
    lib.close()


@pytest.fixture
def demo(library: Library):
    """(library, demo session) with the Coffee subscription journey."""
    session = library.run(add_demo_session)
    return library, session


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Keep QSettings, the default library and platformdirs away from the real home.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("WAYMARK_DB", raising=False)


@pytest.fixture(scope="session", autouse=True)
def _release_clipboard_at_exit():
    """Tests copy notes to the clipboard; hand it a Qt-made copy before Python exits
    (what the app does on quit), or Qt's exit handlers crash on PySide's object."""
    yield
    from ui.clipboard import release_clipboard

    release_clipboard()
