"""Opening the library at start, and offering recovery when it is damaged.

A damaged library (it fails `PRAGMA quick_check`) is not a dead end when a good
backup exists: the facilitator is asked, in one question box, whether to put
the newest good backup in its place; the damaged file is kept beside the
library under a name the box shows, so nothing is lost even if the answer was
wrong. Without a good backup the box is the usual one line.

The boxes come before the main window exists, so the real-window tests'
probe (`WAYMARK_PROBE`) cannot answer through it yet; while a box is up a
small probe of its own reports the windows and buttons instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox

from journey.errors import WaymarkError
from storage import Library, LibraryError
from storage.backups import BackupInfo, aside_path, newest_good_backup, recover

from .. import probe

TITLE = "Waymark"


def one_line(exc: BaseException) -> str:
    return "; ".join(ln.strip() for ln in str(exc).splitlines() if ln.strip())


class _BoxProbe(probe.StateServer):
    """The state server without a main window: windows and buttons only."""

    def state(self) -> dict[str, Any]:
        active = QApplication.activeWindow()
        tops = [t for t in QApplication.topLevelWidgets() if t.isVisible()]
        return {"windows": [{"title": t.windowTitle(), "class": type(t).__name__,
                             "geometry": probe.global_geometry(t), "active": t is active,
                             "modal": t.isModal()} for t in tops],
                "modal": QApplication.activeModalWidget() is not None,
                "buttons": self._buttons(), "tabs": [], "fields": []}


@contextmanager
def _box_probe() -> Iterator[None]:
    path = os.environ.get(probe.PROBE_ENV)
    server = _BoxProbe(None, path) if path else None
    try:
        yield
    finally:
        if server is not None:  # the main window's probe takes the socket over
            server.server.close()
            server.setParent(None)


def _critical(message: str) -> None:
    with _box_probe():
        QMessageBox.critical(None, TITLE, message)


def question_text(found: BackupInfo, aside: Path) -> str:
    return (f"The library is damaged. Recover it from {found.label}? "
            f"The damaged file is kept as {aside.name}.")


def ask_to_recover(found: BackupInfo, aside: Path) -> bool:
    """Recover / Quit; True for Recover (also the default button)."""
    box = QMessageBox(QMessageBox.Icon.Question, TITLE, question_text(found, aside))
    recover_button = box.addButton("&Recover", QMessageBox.ButtonRole.AcceptRole)
    quit_button = box.addButton("&Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(recover_button)
    box.setEscapeButton(quit_button)
    box.setInformativeText(f"The damaged file stays in {aside.parent}.")
    with _box_probe():
        box.exec()
    return box.clickedButton() is recover_button


def open_or_recover(db_path: Path) -> tuple[Library, str] | None:
    """The open library and a status line ("" unless it was recovered), or None when
    it cannot be opened (the user has been told in one line, or chose Quit)."""
    db_path = Path(db_path)
    try:
        return Library(db_path), ""
    except LibraryError as exc:
        message = one_line(exc)
    if "damaged" not in message:  # a newer library, not a library at all, …
        _critical(message)
        return None
    found = newest_good_backup(db_path)
    if found is None:
        _critical(message)
        return None
    now = datetime.now()
    if not ask_to_recover(found, aside_path(db_path, now)):
        return None
    try:
        result = recover(db_path, source=found.path, now=now)
        library = Library(db_path)
    except WaymarkError as exc:
        _critical(one_line(exc))
        return None
    return library, result.summary()[0].upper() + result.summary()[1:]
