"""Printing: the poster fitted to the printer's paper, or tiled, printed to a PDF file
through a real QPrinter (no dialog), and the print preview's pages."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget

from export.poster_parts import voter_names
from journey.layout import layout_map
from journey.queries import load_map, maps_of
from ui.main_window import MainWindow
from ui.printing.printing import PrintOptions, print_map, print_preview

A4 = (595.28, 841.89)


def _printer(path: Path, landscape: bool = True) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape
                               else QPageLayout.Orientation.Portrait)
    return printer


@pytest.fixture
def poster(demo, qapp):
    library, session = demo
    data = library.read(load_map, library.read(maps_of, session.id)[0].id)
    return data, layout_map(data), library.read(voter_names, session.id)


def _text(reader: PdfReader, i: int) -> str:
    """The page's text; NFKC undoes the fi/ff ligatures Qt's shaper sets."""
    return " ".join(unicodedata.normalize("NFKC", reader.pages[i].extract_text()).split())


def test_poster_fitted_to_the_paper(poster, tmp_path: Path) -> None:
    data, layout, voters = poster
    out = tmp_path / "print.pdf"
    assert print_map(_printer(out), layout, data, PrintOptions("fit"), voters) == 1
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4[::-1], abs=1)
    text = _text(reader, 0)
    for note in layout.notes:
        for line in note.lines:
            assert " ".join(line.text.split()) in text
    assert "Lane kinds" in text and "A4 landscape" in text


def test_tiles_on_the_printers_sheets(poster, tmp_path: Path) -> None:
    data, layout, voters = poster
    out = tmp_path / "tiles.pdf"
    pages = print_map(_printer(out, landscape=False), layout, data,
                      PrintOptions("tiles", "A2", 10), voters)
    reader = PdfReader(out)
    assert len(reader.pages) == pages > 2
    for page in reader.pages:  # the printer's orientation is kept for every sheet
        assert float(page.mediabox.width) < float(page.mediabox.height)
    assert "Assembly: A2 poster on" in _text(reader, 0)
    assert "A2 poster on A4 — sheet A1 of" in _text(reader, 1)


def test_print_preview_shows_the_pages(qtbot, demo, tmp_path: Path) -> None:
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      os.environ["XDG_CONFIG_HOME"])
    settings = QSettings("Waymark", "Waymark")
    settings.clear()
    window = MainWindow(demo[0], settings)
    qtbot.addWidget(window)
    dialog = print_preview(window)
    assert dialog is not None
    preview = dialog.findChild(QPrintPreviewWidget)
    preview.updatePreview()
    qtbot.waitUntil(lambda: preview.pageCount() == 1)
    dialog.mode_box.setCurrentIndex(dialog.mode_box.findText("Tiles: A1 poster"))
    qtbot.waitUntil(lambda: preview.pageCount() > 2)
    assert settings.value("print/mode") == "tiles"
    dialog.close()


def test_print_dialog_has_a_poster_tab(qtbot, demo) -> None:
    from ui.printing.printing import PosterOptionsTab, print_dialog

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      os.environ["XDG_CONFIG_HOME"])
    window = MainWindow(demo[0], QSettings("Waymark", "Waymark"))
    qtbot.addWidget(window)
    dialog = print_dialog(window)
    tab = dialog.findChild(PosterOptionsTab)
    assert tab is not None and tab.windowTitle() == "Poster"
    tab.tiles.setChecked(True)
    tab.size.setCurrentText("A0")
    assert tab.options() == PrintOptions("tiles", "A0", 10.0)
    dialog.reject()
