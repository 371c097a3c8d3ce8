"""An opt-in probe that tells a benchmark when the app's first frame was painted.

`python -m benchmarks.startup` runs Waymark as a separate process and cannot
look inside it, so when `WAYMARK_STARTUP_PROBE=FILE` is set the app appends
`first_frame <time.time()>` to FILE once the map view has painted the
session it opened (the fit-to-window done, the paint finished). With
`WAYMARK_STARTUP_PROBE_QUIT=1` it then asks to quit the way File › Quit does
(`window.close()`) and appends `quit_requested <time.time()>` first; the
benchmark times the rest up to the process's exit. Without the variable the
probe does nothing at all.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer

PROBE_ENV = "WAYMARK_STARTUP_PROBE"
QUIT_ENV = "WAYMARK_STARTUP_PROBE_QUIT"


def install(window: Any) -> QObject | None:
    """Watch `window`'s map view if the environment asks for it; else do nothing."""
    path = os.environ.get(PROBE_ENV)
    if not path:
        return None
    return _Probe(window, Path(path), os.environ.get(QUIT_ENV) == "1")


def _write(path: Path, what: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"{what} {time.time():.6f}\n")


class _Probe(QObject):
    def __init__(self, window: Any, path: Path, quit_after: bool) -> None:
        super().__init__(window)
        self.window = window
        self.path = path
        self.quit_after = quit_after
        self.viewport = window.view.viewport()
        self.viewport.installEventFilter(self)

    def _showing_the_session(self) -> bool:
        w = self.window
        return w.doc is None or not getattr(w, "_fit_pending", False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.viewport and event.type() == QEvent.Type.Paint
                and self._showing_the_session()):
            self.viewport.removeEventFilter(self)
            # A zero timer fires once this paint (and the flush after it) has finished.
            QTimer.singleShot(0, self._painted)
        return False

    def _painted(self) -> None:
        _write(self.path, "first_frame")
        if self.quit_after:
            _write(self.path, "quit_requested")
            self.window.close()
