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
from tests.unprivileged import reachable_checkout  # noqa: E402, F401  (a fixture)

# -- the `gui` marker: `pytest -m "not gui"` runs the Qt-free tests alone -----------------

GUI_FOLDERS = ("canvas", "ui", "realwin")  # tests/<folder>/: every test there is a Qt test
QT_FIXTURES = {"qtbot", "qapp", "qapp_args", "qapp_cls", "open_window", "settings"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark `gui` every test in a Qt folder and every test using a Qt fixture (pytest-qt's
    or this file's), so the layers below the UI are tested in seconds without Qt."""
    tests = Path(__file__).resolve().parent
    for item in items:
        path = Path(str(item.path)).resolve()
        folder = path.relative_to(tests).parts[0] if path.is_relative_to(tests) else ""
        if folder in GUI_FOLDERS or QT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)


@pytest.fixture(autouse=True)
def _no_qt_application_without_gui(request: pytest.FixtureRequest):
    """With `-m "not gui"`, a test that makes a Qt application is a Qt test not marked
    `gui`: fail it, so the Qt-free run stays free of Qt widgets."""
    yield
    if "not gui" not in (request.config.getoption("markexpr") or ""):
        return
    if "PySide6.QtCore" not in sys.modules:
        return
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.instance() is None, (
        f"{request.node.nodeid} made a Qt application: mark it `gui` (tests/conftest.py)")


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
    if "PySide6.QtGui" not in sys.modules:  # no Qt in this run (`-m "not gui"`): no clipboard
        return
    from ui.notes.clipboard import release_clipboard

    release_clipboard()


@pytest.fixture
def open_window(qtbot, tmp_path: Path):
    """Factory: a real MainWindow on `library`, shown and active (so its shortcuts
    work), with settings in a file of its own unless `settings` is given."""
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow

    def make(library: Library, settings: QSettings | None = None,
             size: tuple[int, int] = (1400, 900)) -> MainWindow:
        if settings is None:
            settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(library, settings)
        qtbot.addWidget(window)
        window.resize(*size)
        with qtbot.waitActive(window):
            window.show()
            window.activateWindow()
        return window

    return make


@pytest.fixture
def settings(tmp_path: Path):
    """The app's own QSettings ("Waymark", "Waymark"), empty, inside this test's folder.

    QSettings caches its search path per process, so it is pointed at this
    test's XDG_CONFIG_HOME again for every test."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      os.environ["XDG_CONFIG_HOME"])
    s = QSettings("Waymark", "Waymark")
    s.clear()
    return s


@pytest.fixture(autouse=True)
def _no_windows_left():
    """Delete each test's main windows before the next test, so a test that looks at
    every top-level MainWindow never meets another test's (kept alive by a cycle)."""
    yield
    if "PySide6.QtWidgets" not in sys.modules:  # no Qt loaded yet, so no window either
        return
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        return
    from ui.main_window import MainWindow

    # Windows kept alive by a Python reference cycle are still top-level widgets,
    # so no garbage collection is needed to find them (it would cost every test).
    left = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    for w in left:
        w.close()
        w.deleteLater()
    if left:
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
