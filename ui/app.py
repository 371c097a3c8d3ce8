"""Start the desktop app: Qt, the library, the demo on first start, the window.

`run_app(db_path)` is what `main.py` calls without arguments. Problems a user
can meet before the window exists (a damaged or newer library, the library
already open in another Waymark) are shown as one line in a message box and
make it return 1 — never a traceback; a damaged library with a good backup is
offered recovery from it first (ui/library/recovery_dialog.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QLockFile
from PySide6.QtWidgets import QApplication, QMessageBox

from journey.demo import add_demo_session
from journey.queries import list_sessions
from paint.qt_text import ensure_fonts
from storage.backups import make_backup

from . import probe
from .library.recovery_dialog import open_or_recover
from .main_window import SETTINGS_APP, SETTINGS_ORG, MainWindow, app_settings
from .notes.clipboard import release_clipboard
from .preferences import Preferences


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the names QSettings uses (reuses a running one)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(SETTINGS_ORG)
    app.setApplicationName(SETTINGS_APP)
    ensure_fonts()
    assert isinstance(app, QApplication)
    return app


def run_app(db_path: Path, argv: list[str] | None = None) -> int:
    """Open the library at `db_path` in the main window; returns the exit status."""
    app = make_application(argv)
    db_path = Path(db_path).expanduser()
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        QMessageBox.critical(None, "Waymark", f"cannot create {db_path.parent}: "
                             f"{exc.strerror or exc}")
        return 1
    lock = QLockFile(str(db_path) + ".lock")
    lock.setStaleLockTime(0)  # a lock left by a crash is detected by its dead process id
    locked = lock.tryLock(200)
    if not locked and (lock.error() == QLockFile.LockError.LockFailedError
                       or not db_path.exists() or os.access(db_path.parent, os.W_OK)):
        if lock.error() == QLockFile.LockError.LockFailedError:
            message = f"{db_path} is already open in another Waymark window"
        else:
            message = f"cannot write next to {db_path} (is the folder read-only?)"
        QMessageBox.warning(None, "Waymark", message)
        return 1
    # Not locked but the library is there in a folder we cannot write: nobody
    # here can change it, so it opens read-only (Library sees the folder).
    try:
        # A rolling backup before the library is opened (and so before any migration).
        backup = make_backup(db_path, Preferences.load(app_settings()).backups)
        # A damaged library: offer its newest good backup (the damaged file is kept).
        opened = open_or_recover(db_path)
        if opened is None:
            return 1
        library, recovered = opened
        try:
            if not library.read_only and not library.read(list_sessions,
                                                          include_trashed=True):
                library.run(add_demo_session)  # first start: something real to look at
            window = MainWindow(library)
            window.show()
            probe.install(window)  # tests and benchmarks watching from outside (env only)
            if recovered:
                window.statusBar().showMessage(recovered, 30000)
            elif backup.reason.startswith("cannot"):
                window.statusBar().showMessage(f"No backup was made: {backup.reason}", 15000)
            status = app.exec()
            release_clipboard()  # before Python shuts down: see its docstring
            return status
        finally:
            library.close()
    finally:
        if locked:
            lock.unlock()
