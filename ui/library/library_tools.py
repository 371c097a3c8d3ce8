"""The library part of the main window: the start page, sessions, templates, preferences.

`install(window)` adds:

- the library page (`ui.library.library_page`) over the map area, shown by File ›
  Library… (Ctrl+O, the toolbar's "Library" button) and when there is no
  session to open; the app otherwise opens the last session directly;
- File › New Session… (Ctrl+N), Open Recent (the last 8 sessions), Session
  Details…, Save Map as Template…; Edit › Preferences…;
- the preferences' effects: the map text size on every open map, the palette
  and defaults used by the dialogs.

While the page is shown the window's docks and toolbars are put away and the
map's shortcuts are held back (Delete on the page trashes a session, it must
not delete a note of the hidden map); everything comes back as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QMenu,
    QMessageBox,
    QToolBar,
    QWidget,
)

from export.thumbnail import ThumbnailCache
from journey import ops
from journey.errors import WaymarkError
from journey.queries import list_sessions

from ..fields import keep_typing_keys
from ..preferences import Preferences, PreferencesDialog
from .library_page import LibraryPage
from .session_details import SessionDetailsDialog

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow

MAX_RECENT = 8


class LibraryTools(QObject):
    """The library page and its actions, attached to one MainWindow."""

    def __init__(self, window: MainWindow, cache: ThumbnailCache | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.settings = window.settings
        self.preferences = Preferences.load(self.settings)
        self._hidden: list[QWidget] = []
        self._saved_title = ""
        self._saved_counts = ""
        self.details_dialog: SessionDetailsDialog | None = None
        self.preferences_dialog: PreferencesDialog | None = None
        self.template_dialog: QInputDialog | None = None

        self.area = window.centralWidget()
        self.page = LibraryPage(window.library, self.settings, cache, self.area)
        self.page.hide()
        self.area.installEventFilter(self)
        window.installEventFilter(self)
        self.page.open_requested.connect(self.open_session)
        self.page.back_requested.connect(self.show_editor)
        self.page.trashed.connect(self._session_trashed)
        self.page.message.connect(lambda text: window.statusBar().showMessage(text, 8000))
        self._make_actions()
        self.page.passthrough = [k for a in (window.open_action, window.quit_action,
                                             self.new_action, self.preferences_action)
                                 for k in a.shortcuts()]
        window.map_style = self.preferences.style()
        if hasattr(window, "sessionOpened"):
            window.sessionOpened.connect(self._session_opened)

    # -- actions and menus -----------------------------------------------------------------
    def _make_actions(self) -> None:
        w = self.window

        def action(text: str, slot: Any, keys: Any = None, tip: str = "") -> QAction:
            a = QAction(text, w)
            if keys is not None:
                a.setShortcuts(keys if isinstance(keys, list) else [QKeySequence(keys)])
            if tip:
                a.setStatusTip(tip)
            a.triggered.connect(slot)
            w.addAction(a)
            return a

        # File › Open… becomes the library (same action, same Ctrl+O, same toolbar place).
        w.open_action.triggered.disconnect()
        w.open_action.triggered.connect(self.toggle_library)
        w.open_action.setText("&Library…")
        w.open_action.setIconText("Library")
        w.open_action.setStatusTip("All sessions: open, start, duplicate, rename, trash")
        w.open_action.setToolTip("Library (Ctrl+O): all sessions")
        self.new_action = action("&New Session…", lambda: self.page.ask_new_session(),
                                 QKeySequence.StandardKey.New, "Start a session from a template")
        self.details_action = action("Session &Details…", lambda: self.show_details(),
                                     "Ctrl+Shift+D",
                                     "Facilitator, goal, participants, personas and maps")
        self.template_action = action("Save Map as &Template…", self.ask_save_template,
                                      tip="Keep this map's stages and lanes to start from")
        prefs_keys = list(QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences))
        if not prefs_keys:
            prefs_keys = [QKeySequence("Ctrl+,")]
        self.preferences_action = action("&Preferences…", self.show_preferences, prefs_keys)
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)

        file_menu = _menu(w, "&File")
        self.recent_menu = QMenu("Open &Recent", w)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        if file_menu is not None:
            # New, Library, Open Recent, ---, Session Details, Save Map as Template, then
            # whatever the menu held after Library (other parts' items, Quit).
            items = file_menu.actions()
            at = items.index(w.open_action) if w.open_action in items else -1
            after = items[at + 1] if 0 <= at < len(items) - 1 else None
            file_menu.insertAction(w.open_action if at >= 0 else after, self.new_action)
            file_menu.insertMenu(after, self.recent_menu)
            file_menu.insertSeparator(after)
            file_menu.insertAction(after, self.details_action)
            file_menu.insertAction(after, self.template_action)
        edit_menu = getattr(w, "edit_menu", None)
        if edit_menu is not None:
            edit_menu.addSeparator()
            edit_menu.addAction(self.preferences_action)
        self._fill_recent()

    # -- pages ---------------------------------------------------------------------------
    @property
    def library_visible(self) -> bool:
        return not self.page.isHidden()

    def toggle_library(self) -> None:
        if self.library_visible and self.window.session_id is not None:
            self.show_editor()
        else:
            self.show_library()

    def show_library(self) -> None:
        w = self.window
        if not self.library_visible:
            self._hidden = [d for d in w.findChildren(QDockWidget) + w.findChildren(QToolBar)
                            if d.parent() is w and not d.isHidden()]
            for widget in self._hidden:
                widget.hide()
            self._saved_title = w.windowTitle()
            self._saved_counts = w.counts_label.text()
            w.zoom_label.hide()  # the zoom of a map that is not shown
        title = w.data.session.title if getattr(w, "doc", None) is not None else ""
        self.page.set_current(w.session_id, title)
        self.page.setGeometry(self.area.rect())
        self.page.show()
        self.page.raise_()
        if w.session_id is not None:
            self.page.select(w.session_id)  # Enter goes back to it; arrows move from it
        self.page.search.setFocus()
        w.setWindowTitle("Library — Waymark")
        self.update_counts()

    def show_library_if_nothing_open(self) -> None:
        if self.window.session_id is None:
            self.show_library()

    def show_editor(self) -> None:
        w = self.window
        if w.session_id is None:
            return
        if self.library_visible:
            self.page.hide()
            self._restore_chrome()
            w.zoom_label.show()
            if self._saved_title:
                w.setWindowTitle(self._saved_title)
                w.counts_label.setText(self._saved_counts)
            w.view.setFocus()
        if getattr(w, "doc", None) is not None:
            w.show_layout()  # the title and counts of the map shown

    def _restore_chrome(self) -> None:
        for widget in self._hidden:
            widget.show()
        self._hidden = []

    def update_counts(self) -> None:
        rows = self.window.library.read(list_sessions, include_trashed=True)
        live = sum(not r["deleted"] for r in rows)
        trashed = len(rows) - live
        text = f"{live} session{'s' if live != 1 else ''}"
        if trashed:
            text += f" · {trashed} in the trash"
        self.window.counts_label.setText(text)

    def open_session(self, session_id: str) -> None:
        try:
            self.window.open_session(session_id)
        except WaymarkError as exc:
            self.window.show_error(str(exc))
            return
        self._remember(session_id)
        self.show_editor()

    def _session_opened(self, session_id: str) -> None:
        self._remember(session_id)

    def _session_trashed(self, session_id: str) -> None:
        self.update_counts()
        if session_id == self.window.session_id:
            self.window.show_nothing()  # nothing to go back to; stay on the library
            self.window.setWindowTitle("Library — Waymark")
            self.update_counts()
            self.page.set_current(None)

    # -- recent sessions -------------------------------------------------------------------
    def recent_ids(self) -> list[str]:
        value = self.settings.value("recent_sessions", [])
        if isinstance(value, str):
            value = [value] if value else []
        return [str(v) for v in (value or [])][:MAX_RECENT]

    def _remember(self, session_id: str) -> None:
        ids = [session_id] + [i for i in self.recent_ids() if i != session_id]
        self.settings.setValue("recent_sessions", ids[:MAX_RECENT])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        live = {r["id"]: r["title"] for r in self.window.library.read(list_sessions)}
        ids = [i for i in self.recent_ids() if i in live]
        for n, sid in enumerate(ids, start=1):
            title = live[sid].replace("&", "&&")
            a = self.recent_menu.addAction(f"&{n} {title}")
            a.setData(sid)
            a.triggered.connect(lambda _c=False, s=sid: self.open_session(s))
        if not ids:
            none = self.recent_menu.addAction("No recent sessions")
            none.setEnabled(False)
        self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction("Clear Menu", self._clear_recent)
        clear.setEnabled(bool(ids))

    def _clear_recent(self) -> None:
        self.settings.setValue("recent_sessions", [])

    def recent_actions(self) -> list[QAction]:
        self._fill_recent()
        return [a for a in self.recent_menu.actions() if a.data()]

    # -- dialogs -------------------------------------------------------------------------
    def show_details(self, tab: str = "session") -> SessionDetailsDialog | None:
        w = self.window
        if w.session_id is None:
            w.show_error("Open a session first")
            return None
        dialog = keep_typing_keys(SessionDetailsDialog(w, w.session_id, tab))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.details_dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "details_dialog", None))
        return dialog

    def ask_save_template(self) -> QInputDialog | None:
        w = self.window
        if w.map_id is None or w.data is None:
            w.show_error("There is no map to save as a template")
            return None
        dialog = keep_typing_keys(QInputDialog(w))
        dialog.setWindowTitle("Save map as template")
        dialog.setLabelText("Template name (keeps the stages and lanes, not the notes):")
        dialog.setTextValue(w.data.map.name if w.data.map.name != "Current state"
                            else w.data.session.title)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.save_template(dialog.textValue()))
        dialog.open()
        self.template_dialog = dialog
        return dialog

    def save_template(self, name: str, replace: bool = False) -> bool:
        w = self.window
        if w.map_id is None:
            return False
        try:
            row = w.library.run(ops.save_map_as_template, w.map_id, name, replace)
        except WaymarkError as exc:
            if "already exists" in str(exc) and not replace:
                self._ask_replace_template(name)
            else:
                w.show_error(str(exc))
            return False
        w.statusBar().showMessage(f"Saved the template “{row.name}”", 8000)
        self.page.refresh()
        return True

    def _ask_replace_template(self, name: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Waymark",
                          f"A template named “{name.strip()}” already exists. Replace it?",
                          QMessageBox.StandardButton.Cancel, self.window)
        replace = box.addButton("Replace", QMessageBox.ButtonRole.AcceptRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda b: self.save_template(name, replace=True) if b is replace else None)
        box.open()
        self.window.confirm_box = box

    def show_preferences(self) -> PreferencesDialog:
        dialog = PreferencesDialog(Preferences.load(self.settings),
                                   self.window.library.read(ops.list_templates), self.window)
        keep_typing_keys(dialog)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_preferences(dialog.values()))
        dialog.open()
        self.preferences_dialog = dialog
        return dialog

    def apply_preferences(self, prefs: Preferences) -> None:
        """Remember the preferences and show their effect at once."""
        prefs.save(self.settings)
        self.preferences = prefs
        style = prefs.style()
        self.window.map_style = style
        for doc in list(self.window.docs.values()):
            doc.set_style(style)  # the base: the modes' layers (voting dots) stay on top
        self.page.refresh()

    # -- events --------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.area and event.type() == QEvent.Type.Resize:
            self.page.setGeometry(self.area.rect())
        elif watched is self.window and event.type() == QEvent.Type.Close \
                and self.library_visible:
            self._restore_chrome()  # so the saved window state keeps the docks
        return super().eventFilter(watched, event)


def _menu(window: MainWindow, title: str) -> QMenu | None:
    for a in window.menuBar().actions():
        if a.text() == title and a.menu() is not None:
            return a.menu()
    return None


def install(window: MainWindow) -> None:
    """Add the library page, its actions and the preferences to the main window."""
    tools = LibraryTools(window)
    window.library_tools = tools
    window.library_page = tools.page
    if not window.library.read(list_sessions):
        # Nothing to open: start on the library once the window is set up.
        QTimer.singleShot(0, tools, tools.show_library_if_nothing_open)

