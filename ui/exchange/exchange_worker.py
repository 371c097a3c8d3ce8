"""The workshop report written in a worker thread, with a progress dialog and Cancel.

The report (reportlab platypus, several passes for the table of contents)
takes seconds on a big session, so it runs off the GUI thread the way the
poster PDF does (`ui.exchange.export_dialog`): the thread reads the session through
`Library.read` — its own database session from the library's pool — and
reportlab needs no Qt. Progress arrives as a queued signal; Cancel sets a
flag the export checks between steps, and `export_report_pdf` then raises
ExportCancelled before writing anything. A cancel that comes after the file
is written (the very last step) is too late to honour and is ignored, so a
cancelled report never leaves a file behind and a finished one always does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog

from .export_dialog import _Worker

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow


class ReportExport(QObject):
    """One report export: start(), cancel(), wait(); `done(result, message)` follows
    on the GUI thread — result None and message "" when cancelled."""

    done = Signal(object, str)

    def __init__(self, window: MainWindow, session_id: str, path: Path, paper: str) -> None:
        super().__init__(window)
        self.window = window
        self.path, self.paper = Path(path), paper
        self.result: Any = None
        self.message: str | None = None  # None while running
        library = window.library

        def job(progress: Any) -> Any:
            from export.report_pdf import export_report_pdf

            def guarded(fraction: float) -> bool:
                return True if fraction >= 1.0 else bool(progress(fraction))

            return library.read(export_report_pdf, session_id, self.path, paper=paper,
                                progress=guarded)

        self.worker = _Worker(job, self)
        self.progress = QProgressDialog("Writing the report…", "Cancel", 0, 100, window)
        self.progress.setWindowTitle("Export report")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(300)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel)
        self.worker.progressed.connect(self._progressed)
        self.worker.succeeded.connect(self._succeeded)
        self.worker.failed.connect(self._failed)

    @property
    def running(self) -> bool:
        return self.message is None

    def start(self) -> None:
        self.progress.setValue(0)
        self.worker.start()

    def cancel(self) -> None:
        """Ask the export to stop at its next step (nothing is written)."""
        if self.running:
            self.worker.cancel = True
            self.progress.setLabelText("Cancelling…")

    def wait(self) -> None:
        """Block until the thread has ended (closing the window mid-export)."""
        self.worker.wait()

    def _progressed(self, fraction: float) -> None:
        if self.running and not self.worker.cancel:
            self.progress.setValue(round(fraction * 100))

    def _succeeded(self, result: Any) -> None:
        self.result = result
        self._finish("")

    def _failed(self, message: str) -> None:
        self._finish(message)

    def _finish(self, message: str) -> None:
        self.message = message
        self.progress.canceled.disconnect(self.cancel)
        self.progress.close()
        self.progress.deleteLater()
        self.worker.wait()
        self.done.emit(self.result, message)
