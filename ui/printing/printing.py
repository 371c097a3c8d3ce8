"""File › Print… and Print Preview…: the poster straight to a printer.

Two ways to print, chosen in the print dialog's "Poster" tab or the preview's
toolbar: the whole poster fitted to the printer's paper (one sheet), or the
poster at a chosen finished size tiled over the printer's sheets, with the
assembly page first (the same sheets as `export tiles`). The page is planned
for the printer's actual paper and painted with the same painter as the PNG
poster (`export.qt_poster`), so print matches the exports. `print_map` takes
any QPrinter, so tests print to a PDF file without a dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QPageLayout, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QRadioButton,
    QToolBar,
    QWidget,
)

from export.pages import MM
from export.poster_parts import voter_names
from export.poster_plan import plan_poster
from export.qt_poster import paint_assembly, paint_poster, paint_sheet
from export.tiles import plan_tiles
from journey.errors import WaymarkError
from journey.layout import MapLayout
from journey.queries import MapData

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow

POSTER_SIZES = ["A3", "A2", "A1", "A0", "Tabloid", "ARCH C", "ARCH D"]


@dataclass
class PrintOptions:
    mode: str = "fit"  # "fit": one sheet; "tiles": a poster of `poster_size` over sheets
    poster_size: str = "A1"
    overlap_mm: float = 10.0
    margin_mm: float = 10.0

    @classmethod
    def load(cls, settings: QSettings) -> PrintOptions:
        o = cls()
        o.mode = str(settings.value("print/mode", o.mode))
        o.poster_size = str(settings.value("print/poster_size", o.poster_size))
        o.overlap_mm = float(settings.value("print/overlap_mm", o.overlap_mm))
        return o

    def save(self, settings: QSettings) -> None:
        settings.setValue("print/mode", self.mode)
        settings.setValue("print/poster_size", self.poster_size)
        settings.setValue("print/overlap_mm", self.overlap_mm)


def paper_points(printer: QPrinter) -> tuple[float, float]:
    """The printer's paper in points, from millimetres (Qt rounds its points to whole ones)."""
    r = printer.pageLayout().fullRect(QPageLayout.Unit.Millimeter)
    return r.width() * MM, r.height() * MM


def print_map(printer: QPrinter, layout: MapLayout, data: MapData,
              options: PrintOptions | None = None,
              voters: dict[str, str] | None = None) -> int:
    """Paint the poster (or its tiles) on `printer`; returns the number of pages."""
    options = options or PrintOptions()
    printer.setFullPage(True)  # our plan keeps its own margins, inside the paper
    pw, ph = paper_points(printer)
    if options.mode == "tiles":
        plan: Any = plan_tiles(layout, data, (pw, ph), options.poster_size, None,
                               options.overlap_mm, "auto", options.margin_mm, voters=voters,
                               sheet_orientation="landscape" if pw > ph else "portrait")
    else:
        plan = plan_poster(layout, data, (pw, ph), "auto", options.margin_mm, None, voters)
    painter = QPainter()
    if not painter.begin(printer):
        raise WaymarkError("the printer could not start the job")
    try:
        k = printer.resolution() / 72
        for hint in (QPainter.RenderHint.Antialiasing, QPainter.RenderHint.TextAntialiasing,
                     QPainter.RenderHint.SmoothPixmapTransform):
            painter.setRenderHint(hint)
        painter.scale(k, k)
        if options.mode != "tiles":
            paint_poster(painter, layout, plan)
            return 1
        paint_assembly(painter, layout, plan)
        for sheet in plan.sheets:
            printer.newPage()
            paint_sheet(painter, layout, plan, sheet)
        return 1 + len(plan.sheets)
    finally:
        painter.end()


class PosterOptionsTab(QWidget):
    """The print dialog's "Poster" tab: fit to the paper, or tiles of a poster size."""

    def __init__(self, options: PrintOptions, parent: Any = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Poster")
        self.fit = QRadioButton("Whole poster on one sheet (fit to the paper)")
        self.tiles = QRadioButton("Tiles: a poster of this size over several sheets")
        self.size = QComboBox()
        self.size.setEditable(True)
        self.size.addItems(POSTER_SIZES)
        self.size.setCurrentText(options.poster_size)
        self.overlap = QDoubleSpinBox()
        self.overlap.setRange(0, 50)
        self.overlap.setDecimals(0)
        self.overlap.setSuffix(" mm")
        self.overlap.setValue(options.overlap_mm)
        (self.tiles if options.mode == "tiles" else self.fit).setChecked(True)
        form = QFormLayout(self)
        form.addRow(self.fit)
        form.addRow(self.tiles)
        form.addRow("Poster size:", self.size)
        form.addRow("Overlap:", self.overlap)

    def options(self) -> PrintOptions:
        return PrintOptions("tiles" if self.tiles.isChecked() else "fit",
                            self.size.currentText().strip() or "A1", self.overlap.value())


def _printer_for(window: MainWindow) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    layout = window.layout
    if layout is not None:
        wide = layout.width > layout.height
        printer.setPageOrientation(QPageLayout.Orientation.Landscape if wide
                                   else QPageLayout.Orientation.Portrait)
    if window.data is not None:
        printer.setDocName(f"{window.data.session.title} — {window.data.map.name}")
    return printer


def _voters(window: MainWindow) -> dict[str, str]:
    return window.library.read(voter_names, window.session_id) if window.session_id else {}


def _print(window: MainWindow, printer: QPrinter, options: PrintOptions) -> int:
    try:
        pages = print_map(printer, window.layout, window.data, options, _voters(window))
    except WaymarkError as exc:
        window.show_error(str(exc))
        return 0
    window.statusBar().showMessage(f"Sent {pages} page{'s' if pages != 1 else ''} to "
                                   f"{printer.printerName() or 'the printer'}", 8000)
    return pages


def print_dialog(window: MainWindow) -> QPrintDialog | None:
    """File › Print…: the system print dialog with a Poster tab (window-modal)."""
    if window.layout is None:
        window.show_error("There is no map to print")
        return None
    printer = _printer_for(window)
    tab = PosterOptionsTab(PrintOptions.load(window.settings))
    dialog = QPrintDialog(printer, window)
    dialog.setOptionTabs([tab])
    dialog.setWindowTitle("Print poster")

    def accepted() -> None:
        options = tab.options()
        options.save(window.settings)
        _print(window, printer, options)

    dialog.accepted.connect(accepted)
    window.print_dialog_ = (dialog, printer)  # keep the printer alive with the dialog
    QDialog.open(dialog)  # the no-argument open(): window-modal, non-blocking
    return dialog


def print_preview(window: MainWindow) -> QPrintPreviewDialog | None:
    """File › Print Preview…: pages as they will print; fit/tiles chosen in its toolbar."""
    if window.layout is None:
        window.show_error("There is no map to print")
        return None
    printer = _printer_for(window)
    options = PrintOptions.load(window.settings)
    dialog = QPrintPreviewDialog(printer, window)
    dialog.setWindowTitle("Print preview — poster")
    mode = QComboBox()
    mode.addItem("Whole poster on one sheet", ("fit", options.poster_size))
    for size in POSTER_SIZES:
        mode.addItem(f"Tiles: {size} poster", ("tiles", size))
    current = ("tiles", options.poster_size) if options.mode == "tiles" else ("fit",
                                                                              options.poster_size)
    mode.setCurrentIndex(max(0, mode.findData(current)))
    toolbar = dialog.findChild(QToolBar)
    preview = dialog.findChild(QPrintPreviewWidget)
    if toolbar is not None:
        toolbar.addSeparator()
        toolbar.addWidget(mode)

    def chosen() -> PrintOptions:
        kind, size = mode.currentData()
        return PrintOptions(kind, size, options.overlap_mm, options.margin_mm)

    def paint(p: QPrinter) -> None:
        try:
            print_map(p, window.layout, window.data, chosen(), _voters(window))
        except WaymarkError as exc:
            window.show_error(str(exc))

    def changed() -> None:
        chosen().save(window.settings)
        if preview is not None:
            preview.updatePreview()

    dialog.paintRequested.connect(paint)
    mode.currentIndexChanged.connect(changed)
    dialog.mode_box = mode  # for tests and scripting
    window.print_preview_ = (dialog, printer)
    QDialog.open(dialog)  # the no-argument open(): window-modal, non-blocking
    return dialog
