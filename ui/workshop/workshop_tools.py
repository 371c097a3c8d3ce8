"""The facilitation tools of the window: voting, timer, presentation, capture, parking.

`install(window)` makes a `WorkshopTools` (kept as `window.workshop`) that
owns one controller per tool, puts the voting bar above the canvas and the
quick-capture box under it, adds a Workshop menu (before Help), the
Projector Theme and Present entries to the View menu, and Vote / Timer /
Present buttons to the toolbar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu, QSizePolicy, QToolButton

from ..notes.quick_capture import QuickCapture
from ..presentation.presentation import Presentation
from ..voting.voting import Voting
from .parking_lot import ParkingLot
from .timer import WorkshopTimer

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add the workshop tools' actions, menus, bars and docks to the main window."""
    window.workshop = WorkshopTools(window)


class WorkshopTools:
    """One window's tools; each is also reachable on its own for tests."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.voting = Voting(window)
        self.timer = WorkshopTimer(window)
        self.presentation = Presentation(window)
        self.capture = QuickCapture(window)
        self.parking = ParkingLot(window)
        box = window.centralWidget().layout()
        box.insertWidget(box.indexOf(window.view), self.voting.bar)
        box.addWidget(self.capture)
        self._make_menu()
        self._make_toolbar()
        self.parking.refresh()

    def _make_menu(self) -> None:
        w = self.window
        v, p = self.voting, self.presentation
        menu = QMenu("&Workshop", w)
        for a in (v.start_action, v.rounds_action, v.reveal_action, v.vote_action,
                  v.retract_action, v.results_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addMenu(self.timer.menu)
        menu.addSeparator()
        self.capture_action = menu.addAction("&Quick Capture", self.focus_capture)
        self.capture_action.setShortcut("Ctrl+Shift+J")
        self.capture_action.setStatusTip("Type notes one after another (Enter adds each)")
        w.addAction(self.capture_action)
        menu.addAction(self.parking.toggle_action)
        menu.addAction(self.parking.park_action)
        menu.addSeparator()
        menu.addAction(p.present_action)
        bar = w.menuBar()
        help_menu = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
        if help_menu is not None:
            bar.insertMenu(help_menu, menu)
        else:
            bar.addMenu(menu)
        self.menu = menu
        w.view_menu.addSeparator()
        w.view_menu.addAction(p.projector_action)
        w.view_menu.addAction(p.present_action)

    def _make_toolbar(self) -> None:
        w = self.window
        tools = w.toolbar
        spacer = next((a for a in tools.actions() if (wid := tools.widgetForAction(a))
                       is not None and wid.sizePolicy().horizontalPolicy()
                       == QSizePolicy.Policy.Expanding), None)
        timer_button = QToolButton(tools)
        timer_button.setText("Timer")
        timer_button.setMenu(self.timer.menu)
        timer_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        timer_button.setToolTip("Start a countdown everyone can see")
        self.voting.start_action.setIconText("Vote")
        self.presentation.present_action.setIconText("Present")
        for item in (None, self.voting.start_action, timer_button,
                     self.presentation.present_action):
            if item is None:
                tools.insertSeparator(spacer) if spacer else tools.addSeparator()
            elif isinstance(item, QToolButton):
                tools.insertWidget(spacer, item) if spacer else tools.addWidget(item)
            else:
                tools.insertAction(spacer, item) if spacer else tools.addAction(item)
        self.timer_button = timer_button

    def focus_capture(self) -> None:
        self.capture.show()
        self.capture.box.setFocus()
        self.capture.box.selectAll()
