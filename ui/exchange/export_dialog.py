"""The export dialog: poster PDF, poster PNG or tiles, with a live preview.

Every choice (paper, orientation, margins, scale, DPI, tiling) re-plans the
page at once (`plan_poster` / `plan_tiles`, cheap) and the preview, the page
figures and the legibility line follow; a choice that cannot work (a fixed
scale that does not fit, a bad size) says why in one line and disables
Export. Export runs without freezing the window: PDF and tiles in a worker
thread (reportlab and pypdf need no Qt), PNG in bands on the GUI thread with
the event loop served between bands (QPainter text must stay on one
thread). Cancel stops between steps and nothing is left on disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from export.pages import MM, PAGE_SIZES
from export.poster_parts import voter_names
from export.poster_plan import ExportCancelled, PosterPlan, plan_poster, readable_size
from journey.errors import WaymarkError

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow

FORMATS = [("PDF poster (vector)", "pdf"), ("PNG poster (image)", "png"),
           ("Tiles PDF (office sheets)", "tiles")]
ORIENTATIONS = [("Match the map", "auto"), ("Landscape", "landscape"), ("Portrait", "portrait")]
SCALES = ["Fit page", "25 %", "50 %", "75 %", "100 % (1:1)", "150 %", "200 %"]
SHEETS = ["A4", "Letter", "A3", "Legal"]
PREVIEW = (360, 300)
WARN = "#B45309"


def _scale_spec(text: str) -> str | None:
    t = text.strip().lower()
    if not t or t.startswith("fit"):
        return None
    return t.split("(")[0].replace(" ", "")


class _Worker(QThread):
    """Runs one export function off the GUI thread; progress is a queued signal."""

    progressed = Signal(float)
    succeeded = Signal(object)
    failed = Signal(str)  # "" when cancelled

    def __init__(self, job, parent: Any = None) -> None:
        super().__init__(parent)
        self.job = job
        self.cancel = False

    def _progress(self, fraction: float) -> bool:
        self.progressed.emit(fraction)
        return not self.cancel

    def run(self) -> None:
        try:
            self.succeeded.emit(self.job(self._progress))
        except ExportCancelled:
            self.failed.emit("")
        except WaymarkError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: say so in one line rather than dying silently
            self.failed.emit(f"export failed: {type(exc).__name__}: {exc}")


class ExportDialog(QDialog):
    """Choose, preview, export. `result` holds the last export's result."""

    exported = Signal(object)

    def __init__(self, window: MainWindow, kind: str = "pdf", settings: QSettings | None = None) -> None:
        super().__init__(window)
        self.window_ = window
        self.settings = settings if settings is not None else window.settings
        self.layout_, self.data = window.layout, window.data
        self.voters: dict[str, str] = {}
        if window.session_id:
            try:
                self.voters = window.library.read(voter_names, window.session_id)
            except Exception:  # the legend then names no voters; never block an export
                self.voters = {}
        self.plan: Any = None
        self.result: Any = None
        self.error: str | None = None
        self.worker: _Worker | None = None
        self._cancelled = False
        self._running = False
        self.setWindowTitle("Export poster")
        self._build()
        self._restore(kind)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.refresh)
        for signal in self._change_signals():
            signal.connect(self._schedule)
        self.refresh()

    # -- widgets ---------------------------------------------------------------
    def _build(self) -> None:
        self.format_box = QComboBox()
        for label, value in FORMATS:
            self.format_box.addItem(label, value)
        self.size_box = QComboBox()
        self.size_box.setEditable(True)
        self.size_box.addItems(list(PAGE_SIZES))
        self.size_box.setToolTip("A named size, or a custom one such as 600x900mm or 24x36in")
        self.orientation_box = QComboBox()
        for label, value in ORIENTATIONS:
            self.orientation_box.addItem(label, value)
        self.margin_box = QDoubleSpinBox()
        self.margin_box.setRange(0, 100)
        self.margin_box.setSuffix(" mm")
        self.margin_box.setDecimals(0)
        self.scale_box = QComboBox()
        self.scale_box.setEditable(True)
        self.scale_box.addItems(SCALES)
        self.scale_box.setToolTip("Fit the page, or a fixed scale such as 50 % or 1:1")
        self.dpi_box = QSpinBox()
        self.dpi_box.setRange(72, 600)
        self.dpi_box.setSuffix(" dpi")
        self.key_check = QCheckBox("Title block, persona card and legend")
        form = QFormLayout()
        form.addRow("Export as:", self.format_box)
        self.size_label = QLabel("Paper size:")
        form.addRow(self.size_label, self.size_box)
        form.addRow("Orientation:", self.orientation_box)
        form.addRow("Margins:", self.margin_box)
        self.scale_label = QLabel("Scale:")
        form.addRow(self.scale_label, self.scale_box)
        self.dpi_label = QLabel("Resolution:")
        form.addRow(self.dpi_label, self.dpi_box)
        form.addRow("", self.key_check)
        self.form = form

        self.tiles_group = QGroupBox("Tiles")
        self.sheet_box = QComboBox()
        self.sheet_box.setEditable(True)
        self.sheet_box.addItems(SHEETS)
        self.overlap_box = QDoubleSpinBox()
        self.overlap_box.setRange(0, 50)
        self.overlap_box.setDecimals(0)
        self.overlap_box.setSuffix(" mm")
        self.by_size = QRadioButton("Finished poster size (the paper size above)")
        self.by_grid = QRadioButton("A grid of sheets:")
        self.by_group = QButtonGroup(self)
        self.by_group.addButton(self.by_size)
        self.by_group.addButton(self.by_grid)
        self.cols_box, self.rows_box = QSpinBox(), QSpinBox()
        for box, suffix in ((self.cols_box, " columns"), (self.rows_box, " rows")):
            box.setRange(1, 20)
            box.setSuffix(suffix)
        grid_row = QHBoxLayout()
        grid_row.addWidget(self.by_grid)
        grid_row.addWidget(self.cols_box)
        grid_row.addWidget(QLabel("×"))
        grid_row.addWidget(self.rows_box)
        grid_row.addStretch(1)
        tiles = QFormLayout(self.tiles_group)
        tiles.addRow("Printer sheets:", self.sheet_box)
        tiles.addRow("Overlap:", self.overlap_box)
        tiles.addRow(self.by_size)
        tiles.addRow(grid_row)

        self.preview = QLabel()
        self.preview.setFixedSize(*PREVIEW)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background: #E3E7EC; border: 1px solid #C3CBD4;")
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.legibility = QLabel()
        self.legibility.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.export_button = QPushButton("Export…")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.choose_file_and_export)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)

        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.tiles_group)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.preview)
        right.addWidget(self.info)
        right.addWidget(self.legibility)
        right.addStretch(1)
        top = QHBoxLayout()
        self.options = QWidget()
        self.options.setLayout(left)
        top.addWidget(self.options)
        top.addLayout(right)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addLayout(buttons)

    def _change_signals(self):
        return (self.format_box.currentIndexChanged, self.size_box.currentTextChanged,
                self.orientation_box.currentIndexChanged, self.margin_box.valueChanged,
                self.scale_box.currentTextChanged, self.dpi_box.valueChanged,
                self.key_check.toggled, self.sheet_box.currentTextChanged,
                self.overlap_box.valueChanged, self.by_size.toggled, self.cols_box.valueChanged,
                self.rows_box.valueChanged)

    def _restore(self, kind: str) -> None:
        s = self.settings

        def val(key: str, default: Any) -> Any:
            v = s.value(key, default)
            return default if v is None else v

        self.format_box.setCurrentIndex(max(0, self.format_box.findData(kind)))
        self.size_box.setCurrentText(str(val("poster/size", "A0")))
        self.orientation_box.setCurrentIndex(max(0, self.orientation_box.findData(
            str(val("poster/orientation", "auto")))))
        self.margin_box.setValue(float(val("poster/margin_mm", 10)))
        self.scale_box.setCurrentText(str(val("poster/scale", SCALES[0])))
        self.dpi_box.setValue(int(val("poster/dpi", 150)))
        self.key_check.setChecked(str(val("poster/key", "true")).lower() != "false")
        self.sheet_box.setCurrentText(str(val("tiles/paper", "A4")))
        self.overlap_box.setValue(float(val("tiles/overlap_mm", 10)))
        (self.by_grid if str(val("tiles/by", "size")) == "grid" else self.by_size).setChecked(True)
        self.cols_box.setValue(int(val("tiles/cols", 3)))
        self.rows_box.setValue(int(val("tiles/rows", 2)))

    def _save(self, path: Path) -> None:
        s = self.settings
        for key, value in (("poster/format", self.kind), ("poster/size", self.size_text),
                           ("poster/orientation", self.orientation_box.currentData()),
                           ("poster/margin_mm", self.margin_box.value()),
                           ("poster/scale", self.scale_box.currentText()),
                           ("poster/dpi", self.dpi_box.value()),
                           ("poster/key", "true" if self.key_check.isChecked() else "false"),
                           ("tiles/paper", self.sheet_box.currentText().strip()),
                           ("tiles/overlap_mm", self.overlap_box.value()),
                           ("tiles/by", "grid" if self.by_grid.isChecked() else "size"),
                           ("tiles/cols", self.cols_box.value()),
                           ("tiles/rows", self.rows_box.value()),
                           ("poster/dir", str(path.parent))):
            s.setValue(key, value)

    # -- the plan, the preview, the figures --------------------------------------
    @property
    def kind(self) -> str:
        return self.format_box.currentData()

    @property
    def size_text(self) -> str:
        return self.size_box.currentText().strip() or "A0"

    def _schedule(self, *_: Any) -> None:
        self._update_visibility()
        self._timer.start()

    def _update_visibility(self) -> None:
        tiles, png = self.kind == "tiles", self.kind == "png"
        self.tiles_group.setVisible(tiles)
        self.dpi_box.setVisible(png)
        self.dpi_label.setVisible(png)
        self.scale_box.setVisible(not tiles)
        self.scale_label.setVisible(not tiles)
        self.size_label.setText("Poster size:" if tiles else "Paper size:")
        self.size_box.setEnabled(not (tiles and self.by_grid.isChecked()))

    def make_plan(self) -> Any:
        """The poster or tile plan for the current choices (raises WaymarkError)."""
        orientation = self.orientation_box.currentData()
        margin = self.margin_box.value()
        key = self.key_check.isChecked()
        if self.kind == "tiles":
            from export.tiles import plan_tiles

            grid = f"{self.cols_box.value()}x{self.rows_box.value()}"
            return plan_tiles(self.layout_, self.data, self.sheet_box.currentText().strip()
                              or "A4", None if self.by_grid.isChecked() else self.size_text,
                              grid if self.by_grid.isChecked() else None,
                              self.overlap_box.value(), orientation, margin, voters=self.voters)
        return plan_poster(self.layout_, self.data, self.size_text, orientation, margin,
                           _scale_spec(self.scale_box.currentText()), self.voters,
                           key=key, footer=key)

    def refresh(self) -> None:
        self._update_visibility()
        if self.layout_ is None or self.data is None:
            self._fail("There is no map to export")
            return
        try:
            self.plan = self.make_plan()
        except WaymarkError as exc:
            self._fail(str(exc))
            return
        self.error = None
        self.export_button.setEnabled(not self._running)
        poster = self.plan.poster if self.kind == "tiles" else self.plan
        self.info.setText(self._figures(poster))
        self.info.setStyleSheet("")
        self._legibility(poster)
        self.preview.setPixmap(QPixmap.fromImage(self._preview_image()))

    def _fail(self, message: str) -> None:
        self.plan, self.error = None, message
        self.info.setText(message)
        self.info.setStyleSheet(f"color: {WARN};")
        self.legibility.setText("")
        self.preview.clear()
        self.export_button.setEnabled(False)

    def _figures(self, poster: PosterPlan) -> str:
        w, h = poster.page[0] / MM, poster.page[1] / MM
        parts = [f"{poster.page_name} · {w:.0f} × {h:.0f} mm · scale {poster.scale * 100:.0f} %"]
        if self.kind == "png":
            from export.poster_png import pixel_size

            px = pixel_size(poster.page, self.dpi_box.value())
            parts.append(f"{px[0]} × {px[1]} px ({px[0] * px[1] * 3 / 1e6:.0f} MB as RGB, "
                         f"written in bands)")
        if self.kind == "tiles":
            t = self.plan
            parts.append(f"{t.count} {t.paper_name} sheets: {t.rows} rows × {t.cols} columns, "
                         f"plus the assembly page")
        cut = sum(1 for n in self.layout_.notes if n.truncated)
        if cut:
            parts.append(f"{cut} note{'s' if cut != 1 else ''} cut short with …")
        return "\n".join(parts)

    def _legibility(self, poster: PosterPlan) -> None:
        need, distance, how = readable_size(poster.page)
        text = (f"Smallest text {poster.smallest_text_pt:.1f} pt as printed; read {how} from "
                f"about {distance * 100:.0f} cm it needs {need:.0f} pt.")
        ok = poster.smallest_text_pt + 1e-6 >= need
        self.legibility.setText(("✓ " if ok else "⚠ ") + text
                                + ("" if ok else " Choose a larger paper."))
        self.legibility.setStyleSheet("" if ok else f"color: {WARN};")

    def _preview_image(self) -> QImage:
        from export.qt_poster import paint_assembly, render_preview

        if self.kind != "tiles":
            return render_preview(self.layout_, self.plan, *PREVIEW)
        t = self.plan
        k = min(PREVIEW[0] / t.paper[0], PREVIEW[1] / t.paper[1])
        image = QImage(round(t.paper[0] * k), round(t.paper[1] * k), QImage.Format.Format_RGB32)
        image.fill(QColor("#FFFFFF"))
        p = QPainter(image)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.scale(k, k)
        paint_assembly(p, self.layout_, t)
        p.end()
        return image

    # -- exporting -------------------------------------------------------------------
    def suggested_path(self) -> Path:
        ext = ".png" if self.kind == "png" else ".pdf"
        what = (f"{self.plan.title}" if self.kind == "tiles" and self.plan else self.size_text)
        name = f"{self.data.session.title} - {self.data.map.name} ({what}){ext}"
        name = "".join("-" if c in '\\/:*?"<>|' else c for c in name).strip()
        return self.window_.export_dir() / name

    def choose_file_and_export(self) -> None:
        if self.plan is None:
            return
        png = self.kind == "png"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export poster", str(self.suggested_path()),
            "PNG images (*.png)" if png else "PDF files (*.pdf)")
        if path:
            ext = ".png" if png else ".pdf"
            self.start_export(Path(path if path.lower().endswith(ext) else path + ext))

    def _job(self, path: Path):
        plan, layout, data = self.plan, self.layout_, self.data
        if self.kind == "tiles":
            from export.tiles import export_tiles_pdf

            return lambda progress: export_tiles_pdf(layout, data, path, plan=plan,
                                                     progress=progress)
        if self.kind == "png":
            from export.poster_png import export_poster_png

            dpi = self.dpi_box.value()
            return lambda progress: export_poster_png(layout, data, path, dpi=dpi, plan=plan,
                                                      progress=progress)
        from export.poster_pdf import export_poster_pdf

        return lambda progress: export_poster_pdf(layout, data, path, plan=plan,
                                                  progress=progress)

    def start_export(self, path: Path) -> None:
        """Export to `path` without blocking; `finished_export` follows."""
        if self.plan is None or self._running:
            return
        self._save(path)
        self._set_running(True)
        job = self._job(path)
        if self.kind == "png":  # QPainter text stays on the GUI thread: serve events per band
            def progress(fraction: float) -> bool:
                self.progress.setValue(round(fraction * 100))
                QApplication.processEvents()
                return not self._cancelled

            try:
                self._succeeded(job(progress))
            except ExportCancelled:
                self._failed("")
            except WaymarkError as exc:
                self._failed(str(exc))
            return
        self.worker = _Worker(job, self)
        self.worker.progressed.connect(lambda f: self.progress.setValue(round(f * 100)))
        self.worker.succeeded.connect(self._succeeded)
        self.worker.failed.connect(self._failed)
        self.worker.finished.connect(self._worker_done)
        self.worker.start()

    @property
    def running(self) -> bool:
        return self._running

    def _set_running(self, running: bool) -> None:
        self._running = running
        self._cancelled = False
        self.options.setEnabled(not running)
        self.export_button.setEnabled(not running and self.plan is not None)
        if running:
            self.progress.setValue(0)

    def _worker_done(self) -> None:
        if self.worker is not None:
            self.worker.deleteLater()
            self.worker = None

    def _succeeded(self, result: Any) -> None:
        self._set_running(False)
        self.result = result
        self.progress.setValue(100)
        self.exported.emit(result)
        self.window_.statusBar().showMessage(summary(result), 15000)
        self.accept()

    def _failed(self, message: str) -> None:
        self._set_running(False)
        self.progress.setValue(0)
        if message:
            self.info.setText(message)
            self.info.setStyleSheet(f"color: {WARN};")
            self.window_.show_error(message)
        else:
            self.window_.statusBar().showMessage("Export cancelled", 5000)
            self.info.setText("Export cancelled; nothing was written.")

    def cancel(self) -> None:
        """Stop a running export (nothing is written), else close the dialog."""
        if self._running:
            self._cancelled = True
            if self.worker is not None:
                self.worker.cancel = True
            return
        self.reject()

    def reject(self) -> None:
        if self._running:
            self.cancel()
            if self.worker is not None:
                self.worker.wait()
            return
        super().reject()

    def done(self, code: int) -> None:
        if self.worker is not None and self.worker.isRunning():
            self.worker.cancel = True
            self.worker.wait()
        super().done(code)


def summary(result: Any) -> str:
    """One status-bar line for an export result."""
    if hasattr(result, "sheets"):
        head = (f"Tiles saved: {result.path} ({result.sheets} {result.paper_name} sheets, "
                f"{result.rows} × {result.cols})")
    else:
        what = "Poster saved"
        head = f"{what}: {result.path} ({result.page_name}"
        if getattr(result, "dpi", None):
            head += f", {result.pixels[0]} × {result.pixels[1]} px at {result.dpi} dpi"
        head += ")"
    warnings = getattr(result, "warnings", [])
    return head + (f" — {len(warnings)} warning{'s' if len(warnings) != 1 else ''}: "
                   f"{warnings[0]}" if warnings else "")


def open_export_dialog(window: MainWindow, kind: str | None = None) -> ExportDialog | None:
    """Open the dialog window-modally (non-blocking); returns it."""
    if window.layout is None or window.data is None:
        window.show_error("There is no map to export")
        return None
    kind = kind or str(window.settings.value("poster/format", "pdf"))
    dialog = ExportDialog(window, kind if kind in ("pdf", "png", "tiles") else "pdf")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    window.export_dialog = dialog
    return dialog


def export_poster_to(window: MainWindow, path: Path, size: str = "A0", orientation: str = "auto",
                     show_progress: bool = False) -> Any:
    """Write the current map as a complete poster PDF, synchronously (scripts, tests).

    Errors are the user's (a bad size, an unwritable folder): one line in a
    message box, never a traceback. Returns the result, None on failure."""
    from PySide6.QtWidgets import QProgressDialog

    from export.poster_pdf import export_poster_pdf

    if window.layout is None or window.data is None:
        window.show_error("There is no map to export")
        return None
    progress = None
    if show_progress:
        progress = QProgressDialog("Writing the poster…", "Cancel", 0, 100, window)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)

    def report(fraction: float) -> bool:
        if progress is None:
            return True
        progress.setValue(round(fraction * 100))
        QApplication.processEvents()
        return not progress.wasCanceled()

    voters = window.library.read(voter_names, window.session_id) if window.session_id else {}
    try:
        result = export_poster_pdf(window.layout, window.data, path, size=size,
                                   orientation=orientation, progress=report, voters=voters,
                                   furniture=True)
    except ExportCancelled:
        window.statusBar().showMessage("Poster export cancelled", 5000)
        return None
    except WaymarkError as exc:
        window.show_error(str(exc))
        return None
    finally:
        if progress is not None:
            progress.close()
    window.statusBar().showMessage(summary(result), 10000)
    return result
