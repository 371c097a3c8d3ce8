"""File › Session Details…: the workshop, who is in the room, personas and maps.

Four tabs over one session. Every change is its own named, undoable step on
the window's undo stack (Ctrl+Z works inside the dialog too): fields commit
when they are left (Tab, Enter, a click elsewhere, closing the dialog), people
and maps are added, removed and reordered with one click each. The dialog
never holds the truth: it re-reads the library after every committed change,
whoever made it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QEvent, QObject
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from journey.errors import WaymarkError
from journey.models import Session
from journey.queries import get

from ..commands import map_commands as cmd
from ..commands import session_commands as sc
from ..fields import FieldDateEdit
from ..messages import show_one_line
from .maps_tab import MapsTab
from .session_tabs import ParticipantsTab, PersonasTab

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow

NO_DATE = QDate(1900, 1, 1)


class SessionDetailsDialog(QDialog):
    """Details of one session; `window` is the MainWindow whose undo stack it uses."""

    def __init__(self, window: MainWindow, session_id: str, tab: str = "session") -> None:
        super().__init__(window)
        self.window_ = window
        self.library = window.library
        self.session_id = session_id
        self.last_error: str | None = None
        self.error_box: QMessageBox | None = None
        self.refreshing = True  # nothing commits until the fields show the session
        self.setWindowTitle("Session details")
        self.resize(760, 560)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._session_tab(), "&Session")
        self.participants = ParticipantsTab(self)
        self.personas = PersonasTab(self)
        self.maps = MapsTab(self)
        self.tabs.addTab(self.participants, "&Participants")
        self.tabs.addTab(self.personas, "Per&sonas")
        self.tabs.addTab(self.maps, "&Maps")
        self.tabs.currentChanged.connect(lambda _i: self.commit_all())
        names = ["session", "participants", "personas", "maps"]
        self.tabs.setCurrentIndex(names.index(tab) if tab in names else 0)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        # The window's undo and redo work here too (the dialog is modal).
        self.addActions([window.undo_action, window.redo_action])
        self._unsubscribe = self.library.subscribe(lambda _done: self.refresh())
        self.refreshing = False
        self.refresh()

    # -- the session tab -----------------------------------------------------------------
    def _session_tab(self) -> QWidget:
        page = QWidget(self)
        self.title_edit = QLineEdit(page)
        self.date_edit = FieldDateEdit(page)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMinimumDate(NO_DATE)
        self.date_edit.setSpecialValueText("No date")
        self.facilitator_edit = QLineEdit(page)
        self.goal_edit = QPlainTextEdit(page)
        self.goal_edit.setPlaceholderText("What should the room leave with?")
        self.goal_edit.setTabChangesFocus(True)
        self.goal_edit.setFixedHeight(72)
        self.notes_edit = QPlainTextEdit(page)
        self.notes_edit.setPlaceholderText("Agenda, room, materials, follow-ups…")
        self.notes_edit.setTabChangesFocus(True)
        for edit in (self.title_edit, self.facilitator_edit):
            edit.editingFinished.connect(self.commit_session)
        self.date_edit.editingFinished.connect(self.commit_session)
        self.date_edit.calendarWidget().clicked.connect(lambda _d: self.commit_session())
        self.goal_edit.installEventFilter(self)
        self.notes_edit.installEventFilter(self)
        form = QFormLayout(page)
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Date:", self.date_edit)
        form.addRow("&Facilitator:", self.facilitator_edit)
        form.addRow("&Goal:", self.goal_edit)
        form.addRow("&Notes:", self.notes_edit)
        return page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and watched in (self.goal_edit, self.notes_edit):
            self.commit_session()
        return super().eventFilter(watched, event)

    def session_values(self) -> dict[str, Any]:
        date = self.date_edit.date()
        return {"title": self.title_edit.text().strip(),
                "date": "" if date == NO_DATE else date.toString("yyyy-MM-dd"),
                "facilitator": self.facilitator_edit.text().strip(),
                "goal": self.goal_edit.toPlainText().strip(),
                "notes": self.notes_edit.toPlainText().rstrip()}

    def commit_session(self) -> None:
        if self.refreshing:
            return
        self.push(sc.update_session(self.library, self.session_id, **self.session_values()))

    # -- committing and refreshing -------------------------------------------------------
    def push(self, command: cmd.Command | None) -> bool:
        """Do a step on the window's undo stack; a user error is one line, nothing changes."""
        try:
            return cmd.push(self.window_.undo_stack, command)
        except WaymarkError as exc:
            self.show_error(str(exc))
            self.refresh()  # put the fields back to what is stored
            return False

    def show_error(self, message: str) -> None:
        line, self.error_box = show_one_line(self, message)
        self.last_error = self.window_.last_error = line

    def commit_all(self) -> None:
        """Commit whatever field is being edited (before closing or switching tabs)."""
        if self.refreshing:
            return
        self.commit_session()
        self.participants.commit()
        self.personas.commit()

    def refresh(self) -> None:
        """Show what the library holds now (after any change, from anywhere)."""
        if self.refreshing:
            return
        try:
            session: Session = self.library.read(get, Session, self.session_id)
        except WaymarkError:  # the session was deleted meanwhile
            self.reject()
            return
        self.refreshing = True
        try:
            self.setWindowTitle(f"Session details — {session.title}")
            _set_text(self.title_edit, session.title)
            _set_text(self.facilitator_edit, session.facilitator)
            date = QDate.fromString(session.date, "yyyy-MM-dd") if session.date else NO_DATE
            if self.date_edit.date() != date:
                self.date_edit.setDate(date if date.isValid() else NO_DATE)
            _set_plain(self.goal_edit, session.goal)
            _set_plain(self.notes_edit, session.notes)
            self.participants.refresh()
            self.personas.refresh()
            self.maps.refresh()
        finally:
            self.refreshing = False

    def done(self, result: int) -> None:
        self.commit_all()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        for action in (self.window_.undo_action, self.window_.redo_action):
            self.removeAction(action)
        super().done(result)


def _set_text(edit: QLineEdit, text: str) -> None:
    if edit.text() != text:
        edit.setText(text)


def _set_plain(edit: QPlainTextEdit, text: str) -> None:
    if edit.toPlainText() != text:
        edit.setPlainText(text)
