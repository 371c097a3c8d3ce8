"""The library page's context menus and keys: Delete, F2, Ctrl+D, Escape, Ctrl+F,
type-to-search, and which window shortcuts stay active on the page. A mixin of
`LibraryPage` (ui.library.library_page), whose widgets and actions it uses."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QListWidget, QMenu, QToolButton

from ..preferences import BLANK
from .session_cards import ID, INFO


class LibraryPageInput:
    """The menus and key handling of `LibraryPage`; listed before QWidget in its bases."""

    search: QLineEdit
    sessions: QListWidget
    templates: QListWidget
    trash_button: QToolButton

    def show_session_menu(self, pos: Any) -> None:
        item = self.sessions.itemAt(pos)
        if item is None:
            return
        self.sessions.setCurrentItem(item)
        sid = item.data(ID)
        menu = QMenu(self)
        if self.in_trash:
            menu.addAction("Restore", lambda: self.restore(sid))
            menu.addAction("Delete Forever…", lambda: self.ask_purge(sid))
        else:
            menu.addAction("Open", lambda: self.open_session(sid))
            menu.addAction("Duplicate", lambda: self.duplicate(sid))
            menu.addAction("Rename…", lambda: self.ask_rename(sid))
            menu.addSeparator()
            menu.addAction("Move to Trash", lambda: self.trash(sid))
        menu.exec(self.sessions.viewport().mapToGlobal(pos))

    def show_template_menu(self, pos: Any) -> None:
        item = self.templates.itemAt(pos)
        if item is None:
            return
        name = item.data(ID)
        menu = QMenu(self)
        menu.addAction("New Session from This Template…", lambda: self.ask_new_session(name))
        info = item.data(INFO) or {}
        if name != BLANK and not info.get("builtin", True):
            menu.addAction("Delete Template…", lambda: self.confirm(
                f"Delete the template “{name}”?", "Sessions made from it keep their maps.",
                "Delete", lambda: self.delete_template(name)))
        menu.exec(self.templates.viewport().mapToGlobal(pos))

    #: Shortcuts of the window that stay active on this page (the rest would act on the
    #: hidden map: Delete, Ctrl+Z, V …); set by the window.
    passthrough: list[QKeySequence] = []

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            if not any(pressed.matches(k) == QKeySequence.SequenceMatch.ExactMatch
                       for k in self.passthrough):
                event.accept()  # deliver it to the page as a key press instead
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        sid = self.selected_id()
        if event.matches(QKeySequence.StandardKey.Find):
            self.search.setFocus()
            self.search.selectAll()
        elif key == Qt.Key.Key_Escape:
            if self.search.text():
                self.search.clear()
            elif self.in_trash:
                self.trash_button.setChecked(False)
            else:
                self.back_requested.emit()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and sid and \
                not self.search.hasFocus():
            self.ask_purge(sid) if self.in_trash else self.trash(sid)
        elif key == Qt.Key.Key_F2 and sid and not self.in_trash:
            self.ask_rename(sid)
        elif ctrl and key == Qt.Key.Key_D and sid and not self.in_trash:
            self.duplicate(sid)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and sid and self.search.hasFocus():
            self.open_session(sid)  # (in the list, Enter activates the item itself)
        elif key == Qt.Key.Key_Down and self.search.hasFocus():
            self.sessions.setFocus()
        elif self._type_to_search(event):
            pass
        else:
            super().keyPressEvent(event)

    def _type_to_search(self, event: QKeyEvent) -> bool:
        """Typing a letter anywhere on the page starts a search."""
        text = event.text()
        mods = event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        if not text or not text.isprintable() or text == " " or mods:
            return False
        self.search.setFocus()
        self.search.insert(text)
        return True

    def eventFilter(self, watched: Any, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and watched in (self.sessions, self.templates):
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_F2,
                               Qt.Key.Key_Escape):
                self.keyPressEvent(event)
                return True
            if self._type_to_search(event):
                return True
        return super().eventFilter(watched, event)
