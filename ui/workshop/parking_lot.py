"""The parking lot: a dock of the session's notes not yet placed on a map.

Capture into it (the box at its top, `park:` in quick capture, or "Park
Selected Notes" from the map), edit in place (double-click), delete, and
drag: from the dock onto a cell of the map — dropped where the insertion bar
shows, one command (`PlaceParkedNote`) — and back, by dragging notes from the
map onto the dock (one `ParkNotes` command). The drag out of the dock is a
QDrag of `PARKED_MIME`; the view takes it through an event filter on its
viewport, so the canvas code needs no hook. A note dragged from the map is
the note editor's live drag: released over the dock, that drag is cancelled
and the notes are parked instead.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QDropEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from canvas.drop_indicator import DropIndicator
from canvas.note_drag import bar_rect, cell_at, slot_index
from canvas.note_item import NoteItem
from journey.changes import Committed
from journey.palette import note_fill
from journey.queries import parked_notes

from ..commands import map_commands as cmd

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow

PARKED_MIME = "application/x-waymark-parked"
_ITEMS = "QListWidget::item { padding: 6px; color: #1B1F23; }"
_LIT = "QListWidget { border: 3px dashed #0072B2; } " + _ITEMS  # a note dragged over it


def parked_mime(ids: list[str]) -> QMimeData:
    mime = QMimeData()
    mime.setData(PARKED_MIME, ",".join(ids).encode("ascii"))
    return mime


def ids_from_mime(mime: QMimeData | None) -> list[str]:
    if mime is None or not mime.hasFormat(PARKED_MIME):
        return []
    return [i for i in bytes(mime.data(PARKED_MIME)).decode("ascii", "ignore").split(",") if i]


class ParkedList(QListWidget):
    """The parked notes as little stickies; drags out as `PARKED_MIME`."""

    def __init__(self, lot: ParkingLot) -> None:
        super().__init__()
        self.lot = lot
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setWordWrap(True)
        self.setSpacing(3)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setStyleSheet(_ITEMS)

    def mimeTypes(self) -> list[str]:
        return [PARKED_MIME]

    def mimeData(self, items: Any) -> QMimeData:
        return parked_mime([i.data(Qt.ItemDataRole.UserRole) for i in items])

    def keyPressEvent(self, event: Any) -> None:
        if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
            self.lot.delete_selected()
            return
        super().keyPressEvent(event)


class ParkingLot(QObject):
    """The parking lot of the window's session (kept as `window.workshop.parking`)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.ids: list[str] = []
        self._filling = False
        self._lit = False
        self._texts: dict[str, str] = {}
        self._shown: list[tuple[str, ...]] | None = None
        self._press: tuple[QPoint, bool] | None = None  # a press on a map note: (pos, moved)
        self.entry = QLineEdit()
        self.entry.setPlaceholderText("Park an idea for later… (Enter)")
        self.entry.returnPressed.connect(self._park_entry)
        self.list = ParkedList(self)
        self.list.itemChanged.connect(self._edited)
        self.count = QLabel()
        self.count.setStyleSheet("color: #5A6673;")
        self.place_button = QPushButton("Place on map")
        self.place_button.setToolTip("Put the selected parked notes in the current cell "
                                     "(or drag them onto a cell)")
        self.place_button.clicked.connect(lambda: self.place_selected())
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        buttons = QHBoxLayout()
        buttons.addWidget(self.place_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        panel = QWidget()
        box = QVBoxLayout(panel)
        box.setContentsMargins(6, 6, 6, 6)
        box.addWidget(self.entry)
        box.addWidget(self.list, 1)
        box.addWidget(self.count)
        box.addLayout(buttons)
        self.dock = QDockWidget("Parking lot", window)
        self.dock.setObjectName("parking_dock")
        self.dock.setWidget(panel)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.dock.hide()
        self.toggle_action = self.dock.toggleViewAction()
        self.toggle_action.setText("&Parking Lot")
        self.toggle_action.setShortcut(QKeySequence("Ctrl+Shift+K"))
        window.addAction(self.toggle_action)
        self.park_action = QAction("Park Selected &Notes", window)
        self.park_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.park_action.setStatusTip("Move the selected notes off the map into the parking lot")
        self.park_action.triggered.connect(lambda _c=False: self.park_selected())
        window.addAction(self.park_action)
        self.indicator = DropIndicator(window.scene)
        viewport = window.view.viewport()
        viewport.setAcceptDrops(True)
        viewport.installEventFilter(self)
        window.windowTitleChanged.connect(self.refresh)  # another session, maybe without maps
        # Every commit (the window's, a dialog's, another program's) reaches us through
        # the library; only those that touched parked notes are read again.
        ref = weakref.ref(self)

        def committed(done: Committed) -> None:
            lot = ref()
            if lot is not None and isValid(lot) and isValid(lot.list) and \
                    done.changes.touches("parking", "sessions"):
                lot.refresh()

        unsubscribe = window.library.subscribe(committed)
        self.destroyed.connect(lambda *_: unsubscribe())

    # -- reading -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the session's parked notes again (after any commit or another session)."""
        if not isValid(self.list):
            return
        sid = self.window.session_id
        rows = self.window.library.read(parked_notes, sid) if sid else []
        key = [(p.id, p.text, p.colour, p.author) for p in rows]
        if key == self._shown:
            return
        self._shown = key
        selected = set(self.selected_ids())
        self._filling = True
        try:
            self.list.clear()
            for p in rows:
                item = QListWidgetItem(p.text or "(empty)")
                item.setData(Qt.ItemDataRole.UserRole, p.id)
                item.setBackground(QColor(note_fill(p.colour)))  # as the map draws it
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable
                              | Qt.ItemFlag.ItemIsDragEnabled)
                item.setToolTip(f"by {p.author}" if p.author else "Drag onto a cell of the map")
                self.list.addItem(item)
                item.setSelected(p.id in selected)
        finally:
            self._filling = False
        self.ids = [p.id for p in rows]
        self._texts = {p.id: p.text for p in rows}
        n = len(rows)
        self.count.setText("Nothing parked" if not n else
                           f"{n} parked note{'s' if n != 1 else ''} — drag onto the map")
        self.dock.setWindowTitle(f"Parking lot ({n})" if n else "Parking lot")

    def selected_ids(self) -> list[str]:
        return [i.data(Qt.ItemDataRole.UserRole) for i in self.list.selectedItems()]

    # -- edits --------------------------------------------------------------------------
    def _push(self, command: Any) -> bool:
        return self.window.push(command)

    def park(self, text: str, **fields: Any) -> str | None:
        w = self.window
        if w.session_id is None or not text.strip():
            return None
        command, parked_id = cmd.park_note(w.doc, w.library, w.session_id, text.strip(),
                                           **fields)
        return parked_id if self._push(command) else None

    def _park_entry(self) -> None:
        if self.park(self.entry.text()):
            self.entry.clear()

    def _edited(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        pid = item.data(Qt.ItemDataRole.UserRole)
        old = self._texts.get(pid, "")
        command = cmd.edit_parked_note(self.window.doc, self.window.library, pid,
                                       {"text": old}, text=item.text())
        if command is None or not self._push(command):
            self._shown = None
            self.refresh()

    def edit(self, parked_id: str, text: str) -> bool:
        command = cmd.edit_parked_note(self.window.doc, self.window.library, parked_id,
                                       {"text": self._texts.get(parked_id, "")}, text=text)
        return command is not None and self._push(command)

    def delete_selected(self) -> None:
        for pid in self.selected_ids():
            self.delete(pid)

    def delete(self, parked_id: str) -> bool:
        return self._push(cmd.DeleteParkedNote(self.window.doc, self.window.library, parked_id))

    def place(self, parked_ids: list[str], cell: tuple[str, str], index: int | None = None
              ) -> bool:
        """Parked notes onto a cell at `index` (None = the end): one step per note."""
        w = self.window
        if w.doc is None or not parked_ids:
            return False
        stack = w.undo_stack
        if len(parked_ids) > 1:
            stack.beginMacro(f"Place {len(parked_ids)} parked notes")
        ok = True
        try:
            for k, pid in enumerate(parked_ids):
                at = None if index is None else index + k
                if not w.push(cmd.PlaceParkedNote(w.doc, pid, cell, at)):
                    ok = False
                    break
        finally:
            if len(parked_ids) > 1:
                stack.endMacro()
        return ok

    def place_selected(self) -> bool:
        capture = getattr(getattr(self.window, "workshop", None), "capture", None)
        cell = capture.current_cell() if capture is not None else None
        if cell is None:
            self.window.show_error("Open a map with cells to place notes on")
            return False
        return self.place(self.selected_ids(), cell)

    def park_selected(self) -> bool:
        w = self.window
        ids = w.scene.selected_note_ids()
        if w.doc is None or not ids:
            w.statusBar().showMessage("Select the notes to park first", 4000)
            return False
        ok = w.push(cmd.ParkNotes(w.doc, ids))
        if ok:
            self.dock.show()
            w.statusBar().showMessage(f"Parked {len(ids)} note{'s' if len(ids) != 1 else ''}",
                                      4000)
        return ok

    # -- drops on the map; notes dragged onto the dock --------------------------------------
    def drop_target(self, pos: QPointF) -> tuple[tuple[str, str], int | None] | None:
        """The cell and insertion index under a viewport position, with the bar shown."""
        layout = self.window.layout
        if layout is None:
            return None
        scene_pos = self.window.view.mapToScene(pos.toPoint())
        cell = cell_at(layout, scene_pos.x(), scene_pos.y())
        if cell is None:
            self.indicator.hide()
            return None
        key = (cell.stage_id, cell.lane_id)
        rect = QRectF(cell.rect.x, cell.rect.y, cell.rect.w, cell.rect.h)
        if cell.hidden_notes:
            self.indicator.show_target(rect, None)
            return key, None
        count = sum(1 for n in layout.notes if (n.stage_id, n.lane_id) == key)
        at = slot_index(layout, cell, scene_pos.x(), scene_pos.y(), count)
        self.indicator.show_target(rect, bar_rect(layout, cell, at, count))
        return key, at

    def _over_dock(self, global_pos: QPoint) -> bool:
        if not self.dock.isVisible():
            return False
        return self.dock.rect().contains(self.dock.mapFromGlobal(global_pos))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            assert isinstance(event, QDropEvent)
            ids = ids_from_mime(event.mimeData())
            if not ids:
                return False
            target = self.drop_target(event.position())
            if target is None or self.window.doc is None:
                if kind == QEvent.Type.DragEnter:  # keep the moves coming
                    event.acceptProposedAction()
                else:
                    event.ignore()
                return True
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            if kind == QEvent.Type.Drop:
                self.indicator.hide()
                cell, index = target
                QTimer.singleShot(0, lambda: self.place(ids, cell, index))
            return True
        if kind == QEvent.Type.DragLeave:
            self.indicator.hide()
            return False
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                    QEvent.Type.MouseButtonRelease):
            assert isinstance(event, QMouseEvent)
            self._watch_note_drag(kind, event)
        return False

    def _highlight(self, on: bool) -> None:
        if on != self._lit:
            self._lit = on
            self.list.setStyleSheet(_LIT if on else _ITEMS)

    def _watch_note_drag(self, kind: QEvent.Type, event: QMouseEvent) -> None:
        """Notice a map note dragged onto the dock (never takes the event)."""
        if kind == QEvent.Type.MouseButtonPress:
            self._press = None
            if event.button() == Qt.MouseButton.LeftButton and self.dock.isVisible():
                pos = self.window.view.mapToScene(event.position().toPoint())
                top = next((i for i in self.window.scene.items(pos)
                            if i.acceptedMouseButtons() != Qt.MouseButton.NoButton), None)
                if isinstance(top, NoteItem):
                    self._press = (event.globalPosition().toPoint(), False)
            return
        if self._press is None:
            return
        start, moved = self._press
        here = event.globalPosition().toPoint()
        if not moved and (here - start).manhattanLength() >= QApplication.startDragDistance():
            self._press = (start, True)
        over = self._press[1] and self._over_dock(here)
        self._highlight(over and kind == QEvent.Type.MouseMove)
        if kind == QEvent.Type.MouseButtonRelease:
            self._press = None
            if over:
                note_input = getattr(getattr(self.window, "note_actions", None), "input", None)
                if note_input is not None and hasattr(note_input, "cancel_drag"):
                    note_input.cancel_drag()
                QTimer.singleShot(0, self.park_selected)
