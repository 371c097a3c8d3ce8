"""The main window: one session's map on the canvas, menus, toolbar and status bar.

The window reads through `storage.Library` and `journey.queries` only and shows
the map through the scene's binder (`MapScene.apply_layout`). It listens to
the library: after any committed operation, from this window or elsewhere,
it reloads the map and re-applies the layout, so the canvas never holds the
truth. Window geometry, the last session and the last map of each session,
and the poster options are remembered with QSettings ("Waymark", "Waymark").
"""

from __future__ import annotations

import gc
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QTabBar,
    QToolBar,
    QUndoView,
    QVBoxLayout,
    QWidget,
)

from canvas.scene import MapScene
from canvas.view import MapView
from journey.errors import NotFound, WaymarkError
from journey.layout import MapLayout
from journey.models import JourneyMap
from journey.queries import MapData, find_session, list_sessions, maps_of
from journey.wording import plural
from storage import Library

from .commands import map_commands as cmd
from .document import MapDocument
from .library.session_dialog import SessionDialog
from .messages import show_one_line

if TYPE_CHECKING:  # the parts' modules import the window's package: types only
    from journey.changes import Committed
    from journey.layout import Style

    from .exchange.exchange_actions import ExchangeTools
    from .exchange.export_dialog import ExportDialog
    from .library.library_page import LibraryPage
    from .library.library_tools import LibraryTools
    from .library.library_watch import LibraryWatch
    from .notes.note_actions import NoteActions
    from .structure.structure_actions import StructureEditor
    from .view_tools import ViewTools
    from .workshop.workshop_tools import WorkshopTools

SETTINGS_ORG = "Waymark"
SETTINGS_APP = "Waymark"


def app_settings() -> QSettings:
    return QSettings(SETTINGS_ORG, SETTINGS_APP)


class MainWindow(QMainWindow):
    """Shows the most recent session's first map (or the remembered one)."""

    #: Emitted with the session's id whenever a session is opened (recent sessions).
    sessionOpened = Signal(str)

    # The parts each `install(window)` attaches in __init__ (declared only: an
    # annotation without a value makes no attribute, so hasattr/getattr still
    # tell whether a part, or a dialog below, is there).
    note_actions: NoteActions
    structure: StructureEditor
    view_tools: ViewTools
    exchange: ExchangeTools
    library_tools: LibraryTools
    library_page: LibraryPage
    library_watch: LibraryWatch
    workshop: WorkshopTools
    map_style: Style
    print_action: QAction
    print_preview_action: QAction
    export_png_action: QAction
    export_tiles_action: QAction
    read_only_banner: QLabel  # only when the library was opened read-only
    # the last dialog or question a part opened (kept alive; tests reach them here)
    export_dialog: ExportDialog
    exchange_question: QMessageBox | None
    confirm_box: QMessageBox
    print_dialog_: tuple[Any, Any]  # (dialog, printer)
    print_preview_: tuple[Any, Any]

    def __init__(self, library: Library, settings: QSettings | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.library = library
        self.settings = settings if settings is not None else app_settings()
        self.session_id: str | None = None
        self.map_id: str | None = None
        self.maps: list[JourneyMap] = []
        #: The open maps of the session (kept so undo can return to another map).
        self.docs: dict[str, MapDocument] = {}
        self.doc: MapDocument | None = None
        #: One undo stack per open session; cleared when another session opens.
        self.undo_stack = QUndoStack(self)
        self.last_error: str | None = None
        self._fit_pending = True

        self.scene = MapScene(self)
        self.view = MapView(self.scene)
        self.tabs = QTabBar()
        self.tabs.setDocumentMode(True)
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(True)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.tabs.hide()
        central = QWidget(self)
        box = QVBoxLayout(central)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.tabs)
        box.addWidget(self.view, 1)
        self.setCentralWidget(central)

        self._make_actions()
        self._make_history_dock()
        self._make_menus_and_toolbar()
        self.counts_label = QLabel()
        self.zoom_label = QLabel("100 %")
        self.zoom_label.setMinimumWidth(56)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.statusBar().addWidget(self.counts_label, 1)
        self.statusBar().addPermanentWidget(self.zoom_label)
        self.view.zoomChanged.connect(self._zoom_changed)

        # Each part of the editor installs its own actions, menus and docks.
        from . import view_tools
        from .exchange import exchange_actions, export_actions
        from .library import library_tools, library_watch
        from .notes import note_actions
        from .structure import structure_actions
        from .workshop import workshop_tools

        for part in (note_actions, structure_actions, view_tools, export_actions,
                     exchange_actions, library_tools, workshop_tools, library_watch):
            part.install(self)

        self._unsubscribe = library.subscribe(self._library_changed)
        self._restore_window()
        session = self._initial_session()
        if session:
            self.open_session(session)
        else:
            self.show_nothing()

    # -- actions, menus, toolbar ------------------------------------------------
    def _make_actions(self) -> None:
        def action(text: str, slot: Any, keys: Any = None, tip: str = "") -> QAction:
            a = QAction(text, self)
            if keys is not None:
                a.setShortcut(QKeySequence(keys))
            if tip:
                a.setStatusTip(tip)
            a.triggered.connect(slot)
            return a

        self.open_action = action("&Open Session…", self.open_session_dialog,
                                  QKeySequence.StandardKey.Open, "Open another session")
        self.quit_action = action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.export_poster_action = action("&Poster PDF…", self.export_poster_dialog,
                                           "Ctrl+Shift+E", "Export the map as a printable poster")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        redo_keys = list(QKeySequence.keyBindings(QKeySequence.StandardKey.Redo))
        for extra in ("Ctrl+Shift+Z", "Ctrl+Y"):
            if QKeySequence(extra) not in redo_keys:
                redo_keys.append(QKeySequence(extra))
        self.redo_action.setShortcuts(redo_keys)
        self.about_action = action("&About Waymark", self._about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.shortcuts_action = action("&Keyboard Shortcuts", self.show_shortcuts, "Ctrl+/",
                                       "Every action with its keys, searchable")
        self.guide_action = action("&User Guide", self.show_guide,
                                   QKeySequence.StandardKey.HelpContents,
                                   "Running a workshop with Waymark, step by step (offline)")

    def _make_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.edit_menu = edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        export_menu = bar.addMenu("&Export")
        export_menu.addAction(self.export_poster_action)
        # Shortcuts work wherever the focus is in the window, menus open or not.
        self.addActions([self.undo_action, self.redo_action, self.open_action, self.quit_action])
        self.view_menu = view_menu = bar.addMenu("&View")
        for a in (self.view.zoom_in_action, self.view.zoom_out_action,
                  self.view.actual_size_action, self.view.fit_action,
                  self.view.fit_width_action):
            view_menu.addAction(a)
        view_menu.addSeparator()
        view_menu.addAction(self.history_dock.toggleViewAction())
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.guide_action)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)
        self.addActions([self.guide_action, self.shortcuts_action])

        tools = QToolBar("Main toolbar", self)
        tools.setObjectName("main_toolbar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        tools.addAction(self.open_action)
        tools.addAction(self.export_poster_action)
        spacer = QWidget(tools)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        tools.addWidget(spacer)
        tools.addAction(self.view.zoom_out_action)
        tools.addAction(self.view.zoom_in_action)
        tools.addAction(self.view.fit_action)
        tools.addAction(self.view.fit_width_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, tools)
        self.toolbar = tools

    def _make_history_dock(self) -> None:
        self.history_view = QUndoView(self.undo_stack)
        self.history_view.setEmptyLabel("Opened")
        dock = QDockWidget("History", self)
        dock.setObjectName("history_dock")
        dock.setWidget(self.history_view)
        dock.toggleViewAction().setText("Undo &History")
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        dock.hide()
        self.history_dock = dock

    # -- the document and the edit path ---------------------------------------------
    @property
    def data(self) -> MapData | None:
        return self.doc.data if self.doc else None

    @property
    def layout(self) -> MapLayout | None:
        return self.doc.layout if self.doc else None

    def push(self, command: cmd.Command | None) -> bool:
        """Do an edit and put it on the undo stack; a user error shows one line."""
        try:
            return cmd.push(self.undo_stack, command)
        except WaymarkError as exc:
            self.show_error(str(exc))
            return False

    def _doc_changed(self, doc: MapDocument) -> None:
        if doc is not self.doc:  # undo/redo of an edit on another map of the session
            if any(m.id == doc.map_id for m in self.maps):
                self.show_map(doc.map_id)
            return
        self.show_layout()

    # -- opening sessions and maps -------------------------------------------------
    def _initial_session(self) -> str | None:
        rows = self.library.read(list_sessions)
        ids = [r["id"] for r in rows]
        last = self.settings.value("last_session")
        if isinstance(last, str) and last in ids:
            return last
        return ids[0] if ids else None

    def open_session(self, session_id: str, map_id: str | None = None) -> None:
        """Show a session (by id or unique title) and one of its maps."""
        session = self.library.read(find_session, session_id)
        if session.id != self.session_id:
            self.undo_stack.clear()
            self.docs.clear()
            self.doc = None
        self.session_id = session.id
        self.settings.setValue("last_session", session.id)
        self.maps = self.library.read(maps_of, session.id)
        self.sessionOpened.emit(session.id)
        if map_id is None:
            remembered = self.settings.value(f"maps/{session.id}")
            map_id = remembered if any(m.id == remembered for m in self.maps) else None
        if map_id is None and self.maps:
            map_id = self.maps[0].id
        self._fill_tabs()
        if map_id is None:
            self.map_id, self.doc = None, None
            self.scene.clear_map()
            self.setWindowTitle(f"{session.title} — Waymark")
            self.counts_label.setText("This session has no maps yet")
            return
        self.show_map(map_id)

    def show_map(self, map_id: str) -> None:
        self.map_id = map_id
        if self.session_id:
            self.settings.setValue(f"maps/{self.session_id}", map_id)
        index = next((i for i, m in enumerate(self.maps) if m.id == map_id), -1)
        if index >= 0 and self.tabs.currentIndex() != index:
            self.tabs.blockSignals(True)
            self.tabs.setCurrentIndex(index)
            self.tabs.blockSignals(False)
        self.scene.clear_map()  # another map: nothing to keep
        doc = self.docs.get(map_id)
        if doc is None:
            doc = MapDocument(self.library, map_id, style=getattr(self, "map_style", None),
                              parent=self)
            doc.changed.connect(lambda d=doc: self._doc_changed(d))
            self.docs[map_id] = doc
            self.doc = doc
            self.show_layout()
        else:
            self.doc = doc
            self.reload()
        self._fit_pending = True
        if self.isVisible():
            self._fit_if_pending()
        # The map's rows, boxes and items live as long as it is open: move them out of
        # the collector's sight, so a full collection during an edit scans only what
        # the edits made (at 5,000 notes one scanning everything took 300-450 ms).
        gc.freeze()

    def reload(self) -> None:
        """Read the current map again, lay it out, and update the items in place."""
        if self.doc is None:
            return
        self.doc.reload()  # emits changed → show_layout

    def show_layout(self) -> None:
        if self.doc is None:
            return
        self.scene.apply_layout(self.doc.layout)
        d = self.doc.data
        self.setWindowTitle(f"{d.session.title} — {d.map.name} — Waymark")
        n_notes = sum(len(v) for v in d.notes.values())
        self.counts_label.setText(
            f"{plural(len(d.stages), 'stage')} · {plural(len(d.lanes), 'lane')} · "
            f"{plural(n_notes, 'note')}")

    def _fill_tabs(self) -> None:
        self.tabs.blockSignals(True)
        while self.tabs.count():
            self.tabs.removeTab(0)
        for m in self.maps:
            self.tabs.addTab(m.name.replace("&", "&&"))
        self.tabs.blockSignals(False)
        self.tabs.setVisible(len(self.maps) > 1)

    def _tab_changed(self, index: int) -> None:
        if 0 <= index < len(self.maps) and self.maps[index].id != self.map_id:
            self.show_map(self.maps[index].id)

    def show_nothing(self) -> None:
        self.session_id = self.map_id = None
        self.maps, self.doc = [], None
        self.docs.clear()
        self.undo_stack.clear()
        self._fill_tabs()
        self.scene.clear_map()
        self.setWindowTitle("Waymark")
        self.counts_label.setText("The library has no sessions")

    def _library_changed(self, done: Committed) -> None:
        """Something was committed elsewhere (a dialog, another map): catch up."""
        if self.session_id is None or any(done.initiator is d for d in self.docs.values()):
            return
        try:
            maps = self.library.read(maps_of, self.session_id)
            self.library.read(find_session, self.session_id)
        except NotFound:
            session = self._initial_session()
            self.open_session(session) if session else self.show_nothing()
            return
        if [m.id for m in maps] != [m.id for m in self.maps] or \
                [m.name for m in maps] != [m.name for m in self.maps]:
            current = self.map_id if any(m.id == self.map_id for m in maps) else None
            self.open_session(self.session_id, current)
            return
        try:
            if self.doc is not None:
                self.doc.refresh(done.changes)  # only what the commit changed
        except NotFound:
            self.open_session(self.session_id)

    # -- dialogs ----------------------------------------------------------------------
    def make_session_dialog(self) -> SessionDialog:
        return SessionDialog(self.library.read(list_sessions), self.session_id, self)

    def open_session_dialog(self) -> None:
        dialog = self.make_session_dialog()
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.selected_id():
            self.open_session(dialog.selected_id())

    def show_shortcuts(self) -> QDialog:
        """Help › Keyboard Shortcuts: generated from this window's actions."""
        from .help_dialogs import show_shortcuts

        self.shortcuts_dialog = show_shortcuts(self)
        return self.shortcuts_dialog

    def show_guide(self) -> QDialog:
        """Help › User Guide: docs/USER_GUIDE.md rendered offline."""
        from .help_dialogs import show_guide

        self.guide_dialog = show_guide(self)
        if self.guide_dialog.missing:
            self.statusBar().showMessage(self.guide_dialog.missing, 8000)
        return self.guide_dialog

    def export_poster_dialog(self, kind: str | None = None) -> None:
        """The export dialog (poster PDF, PNG or tiles) with its live preview."""
        from .exchange.export_dialog import open_export_dialog

        open_export_dialog(self, kind if isinstance(kind, str) else "pdf")

    def export_poster_to(self, path: Path, size: str = "A0", orientation: str = "auto",
                         show_progress: bool = False) -> Any:
        """Write the current map as a poster PDF; returns the result, None on failure."""
        from .exchange.export_dialog import export_poster_to

        return export_poster_to(self, path, size, orientation, show_progress)

    def show_error(self, message: str) -> None:
        """One line to the user, in a window-modal box that does not block the caller."""
        line, self.error_box = show_one_line(self, message)
        self.last_error = line

    def _about(self) -> None:
        QMessageBox.about(self, "About Waymark",
                          "<b>Waymark</b><br>Customer journey mapping workshops: a live "
                          f"canvas, a local library and print-ready posters.<br><br>"
                          f"Library: {self.library.path}")

    def export_dir(self) -> Path:
        saved = self.settings.value("poster/dir")
        if isinstance(saved, str) and Path(saved).is_dir():
            return Path(saved)
        docs = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(docs) if docs and Path(docs).is_dir() else Path.home()

    # -- zoom and window state ---------------------------------------------------------
    def _zoom_changed(self, scale: float) -> None:
        self.zoom_label.setText(f"{scale * 100:.0f} %")

    def _fit_if_pending(self) -> None:
        if self._fit_pending and self.layout is not None:
            self._fit_pending = False
            self.view.fit_width()  # readable from the top; refitted until a hand zoom

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._fit_if_pending)

    def _restore_window(self) -> None:
        geometry = self.settings.value("window/geometry")
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            screen = self.screen().availableGeometry()  # a 1366x768 laptop included
            self.resize(min(1400, int(screen.width() * 0.9)),
                        min(900, int(screen.height() * 0.9)))
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def save_window_state(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_window_state()
        self.library_watch.stop()  # no polls of the file while the window goes away
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        super().closeEvent(event)
        if event.isAccepted():
            # The window is going away: its scene must not wake the tools that
            # listen to it (selection, find, voting) while Qt tears it down.
            self.scene.blockSignals(True)


def _safe_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|]+', "-", name).strip() or "poster.pdf"
