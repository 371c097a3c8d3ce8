"""The export dialog in the main window: live preview and figures, choices that cannot
work, exports that run without blocking, Cancel, and the menu actions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from PySide6.QtCore import QSettings, QTimer

from ui.exchange.export_dialog import ExportDialog
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo, tmp_path: Path) -> MainWindow:
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      os.environ["XDG_CONFIG_HOME"])
    settings = QSettings("Waymark", "Waymark")
    settings.clear()
    settings.setValue("poster/dir", str(tmp_path))
    w = MainWindow(demo[0], settings)
    qtbot.addWidget(w)
    return w


def _dialog(window: MainWindow, kind: str) -> ExportDialog:
    window.export_poster_dialog(kind)
    dialog = window.export_dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    return dialog


def _menu(window: MainWindow, title: str) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == title)
    return [a.text() for a in menu.actions() if a.text()]


def test_menus_offer_print_and_every_export(window: MainWindow) -> None:
    assert _menu(window, "&Export")[:3] == ["&Poster PDF…", "Poster P&NG…", "&Tiles PDF…"]
    file_menu = _menu(window, "&File")
    assert file_menu.index("&Print…") < file_menu.index("Print Pre&view…") < \
        file_menu.index("&Quit")
    window.export_tiles_action.trigger()
    assert window.export_dialog.kind == "tiles"
    window.export_dialog.reject()


def test_preview_and_figures_follow_the_choices(qtbot, window: MainWindow) -> None:
    dialog = _dialog(window, "pdf")
    assert not dialog.preview.pixmap().isNull()
    assert "A0 landscape" in dialog.info.text()
    assert dialog.legibility.text().startswith("✓")
    dialog.size_box.setCurrentText("Letter")
    qtbot.waitUntil(lambda: "Letter" in dialog.info.text())
    assert dialog.legibility.text().startswith("⚠") and "6 pt" in dialog.legibility.text()
    dialog.scale_box.setCurrentText("100 % (1:1)")
    qtbot.waitUntil(lambda: not dialog.export_button.isEnabled())
    assert "tiles" in dialog.info.text() and dialog.plan is None
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("tiles"))
    dialog.size_box.setCurrentText("A1")
    qtbot.waitUntil(lambda: "15 A4 sheets" in dialog.info.text())
    assert dialog.export_button.isEnabled() and dialog.tiles_group.isVisible()
    assert not dialog.scale_box.isVisible()
    dialog.by_grid.setChecked(True)
    qtbot.waitUntil(lambda: "6 A4 sheets" in dialog.info.text())  # 3 × 2, the default grid
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("png"))
    dialog.dpi_box.setValue(300)
    qtbot.waitUntil(lambda: "px" in dialog.info.text())
    assert "9933 × 7016 px" in dialog.info.text()  # A1 landscape at 300 dpi
    dialog.reject()


def test_pdf_export_runs_in_a_worker_and_closes(qtbot, window: MainWindow,
                                                tmp_path: Path) -> None:
    dialog = _dialog(window, "pdf")
    dialog.size_box.setCurrentText("A2")
    dialog.refresh()
    out = tmp_path / "poster.pdf"
    with qtbot.waitSignal(dialog.exported, timeout=30_000):
        dialog.start_export(out)
        assert dialog.running and not dialog.options.isEnabled()
    assert dialog.result.page_name == "A2 landscape"
    page = PdfReader(out).pages[0]
    assert round(float(page.mediabox.width)) == 1684
    assert "Poster saved" in window.statusBar().currentMessage()
    assert window.settings.value("poster/size") == "A2"


def test_png_export_keeps_the_window_alive_and_cancels(qtbot, window: MainWindow,
                                                       tmp_path: Path) -> None:
    dialog = _dialog(window, "png")
    dialog.size_box.setCurrentText("A5")
    dialog.dpi_box.setValue(72)
    dialog.refresh()
    with qtbot.waitSignal(dialog.exported, timeout=30_000):
        dialog.start_export(tmp_path / "small.png")
    with Image.open(tmp_path / "small.png") as im:
        assert im.size == (595, 420)
    # A second export, cancelled from the event loop while bands are being written.
    dialog = _dialog(window, "png")
    dialog.size_box.setCurrentText("A2")
    dialog.dpi_box.setValue(300)
    dialog.refresh()
    QTimer.singleShot(0, dialog.cancel)  # runs inside the export's event processing
    dialog.start_export(tmp_path / "big.png")
    assert not (tmp_path / "big.png").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert "cancelled" in dialog.info.text() and not dialog.running
    assert dialog.isVisible()
    dialog.reject()


def test_tiles_export_cancelled_in_the_worker(qtbot, window: MainWindow,
                                              tmp_path: Path) -> None:
    dialog = _dialog(window, "tiles")
    dialog.size_box.setCurrentText("A1")
    dialog.refresh()
    out = tmp_path / "tiles.pdf"
    dialog.start_export(out)
    dialog.cancel()  # the worker stops at its next progress report
    qtbot.waitUntil(lambda: not dialog.running, timeout=30_000)
    assert not out.exists()
    with qtbot.waitSignal(dialog.exported, timeout=30_000):
        dialog.start_export(out)
    reader = PdfReader(out)
    assert len(reader.pages) == dialog.result.pages == 16


def test_errors_are_one_line(qtbot, window: MainWindow, tmp_path: Path) -> None:
    dialog = _dialog(window, "pdf")
    dialog.size_box.setCurrentText("B7-ish")
    dialog.refresh()
    assert not dialog.export_button.isEnabled() and "unknown page size" in dialog.info.text()
    dialog.size_box.setCurrentText("A3")
    dialog.refresh()
    dialog.start_export(tmp_path / "missing" / "x.pdf")
    qtbot.waitUntil(lambda: not dialog.running, timeout=30_000)
    assert window.last_error and window.last_error.startswith("cannot write")
    assert "\n" not in window.last_error
    window.error_box.close()
    dialog.reject()
