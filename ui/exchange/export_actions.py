"""Export and print in the main window: File › Print…, Print Preview…, and the
Export menu's Poster PDF…, Poster PNG… and Tiles PDF….

The export actions open `ui.exchange.export_dialog` (live preview, sizes, tiling,
legibility, progress and Cancel); the print actions open the system print
dialog or print preview (`ui.printing.printing`). Kept apart from the main window so
the window only calls `install(window)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow


def _menu(window: MainWindow, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        if action.text() == title and action.menu() is not None:
            return action.menu()
    return None


def install(window: MainWindow) -> None:
    """Add the print and export actions to the File and Export menus."""
    from ..printing.printing import print_dialog, print_preview
    from .export_dialog import open_export_dialog

    def action(text: str, slot: Any, keys: Any = None, tip: str = "") -> QAction:
        a = QAction(text, window)
        if keys is not None:
            a.setShortcut(QKeySequence(keys))
        if tip:
            a.setStatusTip(tip)
        a.triggered.connect(lambda _checked=False: slot())
        window.addAction(a)  # the keys work wherever the focus is
        return a

    window.print_action = action("&Print…", lambda: print_dialog(window),
                                 QKeySequence.StandardKey.Print,
                                 "Print the poster on one sheet, or as tiles")
    window.print_preview_action = action("Print Pre&view…", lambda: print_preview(window),
                                         None, "See the pages before printing")
    window.export_png_action = action("Poster P&NG…", lambda: open_export_dialog(window, "png"),
                                      None, "Export the map as a poster image (72–600 dpi)")
    window.export_tiles_action = action(
        "&Tiles PDF…", lambda: open_export_dialog(window, "tiles"), None,
        "Split the poster over A4, Letter or A3 sheets to tape together")
    file_menu = _menu(window, "&File")
    if file_menu is not None:
        quit_action = getattr(window, "quit_action", None)
        before = quit_action if quit_action in file_menu.actions() else None
        if before is not None:
            file_menu.insertAction(before, window.print_preview_action)
            file_menu.insertAction(window.print_preview_action, window.print_action)
            file_menu.insertSeparator(before)
        else:
            file_menu.addActions([window.print_action, window.print_preview_action])
    export_menu = _menu(window, "&Export")
    if export_menu is not None:
        poster = getattr(window, "export_poster_action", None)
        actions = export_menu.actions()
        after = actions[actions.index(poster) + 1] if poster in actions and \
            actions.index(poster) + 1 < len(actions) else None
        for a in (window.export_png_action, window.export_tiles_action):
            if after is not None:
                export_menu.insertAction(after, a)
            else:
                export_menu.addAction(a)
