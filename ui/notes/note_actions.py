"""Notes in the main window: actions, menus, the selection and the current cell.

`install(window)` makes a `NoteActions` (kept as `window.note_actions`): the
Edit menu's Cut/Copy/Paste/Duplicate/Delete/Select All, a Note menu (New
Note, Edit Note, Colour ▸, Tags…, cell navigation) and the mouse and keyboard
glue of `canvas.note_input` (which calls back into it). Every change is one command pushed through
`window.push`; items only show the layout and never write.

Shortcut scopes: keys a text field also uses (Return, Tab, arrows, Esc, 1–6)
act only while the canvas has the focus, so the find bar or a dialog keeps
them; the others work anywhere in the window. While a note is edited inline,
the editor takes the keys it types with (Qt's ShortcutOverride).

The current cell is where Enter/Insert adds a note and Paste lands: the cell
of the last selected note, or the cell picked by a click, Tab or the arrows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRectF, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QGuiApplication, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QDialog, QMenu
from shiboken6 import isValid

from canvas.cell_cursor import CellCursor
from canvas.drop_indicator import DropIndicator
from canvas.note_drag import DropTarget, reading_order, slot_rect
from canvas.note_editor import NoteEditor
from canvas.note_input import NoteInput
from journey import navigation as nav
from journey.palette import PALETTE, note_colour_for_kind
from journey.search import tags_of
from journey.wording import plural

from ..commands import map_commands as cmd
from ..document import Cell, MapDocument
from .clipboard import FIELDS, notes_from_mime, notes_to_mime
from .tags_dialog import TagsDialog
from .typing_draft import TypingDraft

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow

Key = QKeySequence.StandardKey
WINDOW, VIEW = "window", "view"


def install(window: MainWindow) -> None:
    """Add the note actions, menus and canvas interaction to the main window."""
    window.note_actions = NoteActions(window)


def _swatch(colour: str) -> QIcon:
    pix = QPixmap(16, 16)
    pix.fill(QColor(colour))
    return QIcon(pix)


class NoteActions(QObject):
    """The note-editing part of the window (one per window)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.scene = window.scene
        self.view = window.view
        self.current_cell: Cell | None = None
        self.anchor: str | None = None  # the note arrows move from
        self.editor: NoteEditor | None = None
        self._edit: dict[str, Any] = {}
        self._bulk = False
        self._done_editors: list[NoteEditor] = []
        self.cell_cursor = CellCursor(self.scene)
        self.indicator = DropIndicator(self.scene)
        self._make_actions()
        self._make_menus()
        self.input = NoteInput(self, parent=self)
        self.scene.selectionChanged.connect(self.selection_changed)
        self.scene.layoutApplied.connect(self._layout_applied)
        window.tabs.tabBarClicked.connect(lambda _i: self.commit_editor())
        self.selection_changed()

    # -- the document ------------------------------------------------------------
    @property
    def doc(self) -> MapDocument | None:
        return self.window.doc

    @property
    def layout(self) -> Any:
        return self.window.layout

    def status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 4000)

    # -- actions and menus ---------------------------------------------------------
    def _action(self, text: str, slot: Any, keys: list | None = None, tip: str = "",
                scope: str = WINDOW) -> QAction:
        a = QAction(text, self.window)
        shortcuts: list[QKeySequence] = []
        for k in keys or []:
            for seq in (QKeySequence.keyBindings(k) if isinstance(k, Key) else [QKeySequence(k)]):
                if seq not in shortcuts:
                    shortcuts.append(seq)
        a.setShortcuts(shortcuts)
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        a.triggered.connect(lambda _checked=False: slot())
        if scope == VIEW:
            a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            self.view.addAction(a)
        else:
            self.window.addAction(a)
        return a

    def _make_actions(self) -> None:
        A = self._action
        self.new_action = A("&New Note", self.new_note, ["Return", "Insert", "Enter"],
                            "Add a note to the current cell and type its text", VIEW)
        self.edit_action = A("&Edit Note", self.edit_note, ["F2"],
                             "Edit the text of the selected note")
        self.tags_action = A("&Tags…", self.edit_tags, ["Ctrl+T"],
                             "Set the tags of the selected notes")
        self.colour_actions = []
        for i, (name, fill, _strong) in enumerate(PALETTE):
            a = A(f"&{i + 1}  {name}", lambda i=i: self.set_colour(i), [str(i + 1)],
                  f"Colour the selected notes {name.lower()}", VIEW)
            a.setIcon(_swatch(fill))
            self.colour_actions.append(a)
        self.cut_action = A("Cu&t", self.cut, [Key.Cut], "Cut the selected notes")
        self.copy_action = A("&Copy", self.copy, [Key.Copy], "Copy the selected notes")
        self.paste_action = A("&Paste", self.paste, [Key.Paste],
                              "Paste notes (or lines of text) into the current cell")
        self.duplicate_action = A("D&uplicate", self.duplicate, ["Ctrl+D"],
                                  "Duplicate the selected notes next to the originals")
        # StandardKey.Delete is Del and Ctrl+D on X11; Ctrl+D is Duplicate's, and two
        # actions on one key make Qt ignore both ("Ambiguous shortcut overload").
        delete_keys = [k for k in QKeySequence.keyBindings(Key.Delete)
                       if k not in self.duplicate_action.shortcuts()]
        self.delete_action = A("&Delete", self.delete, [*delete_keys, "Del", "Backspace"],
                               "Delete the selected notes")
        self.select_all_action = A("Select &All", self.select_all, [Key.SelectAll],
                                   "Select every note of the map")
        self.select_none_action = A("Select &None", self.escape, [Key.Deselect],
                                    "Clear the selection")
        self.escape_action = A("Clear Selection", self.escape, ["Esc"],
                               "Clear the selection, then the current cell", VIEW)
        self.next_cell_action = A("Ne&xt Cell", lambda: self.step(True), ["Tab"],
                                  "Make the next cell current", VIEW)
        self.prev_cell_action = A("Pre&vious Cell", lambda: self.step(False),
                                  ["Shift+Tab"], "Make the previous cell current", VIEW)
        # Shift+Tab alone: X11 delivers it as Backtab+Shift, which Qt matches to Shift+Tab
        # itself; a second "Backtab" entry matched the same press and made Qt call it
        # ambiguous and do nothing (found by tests/realwin/test_monkey.py).
        self.move_actions = {}
        for direction, key, label in (("left", "Left", "Left"), ("right", "Right", "Right"),
                                      ("up", "Up", "Up"), ("down", "Down", "Down")):
            self.move_actions[direction] = A(
                f"Select Note {label}", lambda d=direction: self.navigate(d), [key],
                f"Select the next note {label.lower()}, or the cell there", VIEW)
            self.move_actions["extend-" + direction] = A(
                f"Extend Selection {label}", lambda d=direction: self.navigate(d, True),
                [f"Shift+{key}"], f"Add the next note {label.lower()} to the selection", VIEW)
        self.first_note_action = A("&First Note in Cell", lambda: self.cell_note(0), ["Home"],
                                   "Select the first note of the current cell", VIEW)
        self.last_note_action = A("&Last Note in Cell", lambda: self.cell_note(-1), ["End"],
                                  "Select the last note of the current cell", VIEW)
        self._selection_actions = [self.edit_action, self.tags_action, self.cut_action,
                                   self.copy_action, self.duplicate_action, self.delete_action,
                                   *self.colour_actions]

    def _make_menus(self) -> None:
        edit = self.window.edit_menu
        for a in (self.cut_action, self.copy_action, self.paste_action, None,
                  self.duplicate_action, self.delete_action, None, self.select_all_action,
                  self.select_none_action):
            edit.addSeparator() if a is None else edit.addAction(a)
        menu = QMenu("&Note", self.window)
        menu.addAction(self.new_action)
        menu.addAction(self.edit_action)
        self.colour_menu = menu.addMenu("&Colour")
        for a in self.colour_actions:
            self.colour_menu.addAction(a)
        menu.addAction(self.tags_action)
        menu.addSeparator()
        go = menu.addMenu("&Go To")
        for a in (self.next_cell_action, self.prev_cell_action, None, self.first_note_action,
                  self.last_note_action, None, *self.move_actions.values()):
            go.addSeparator() if a is None else go.addAction(a)
        self.note_menu = menu
        bar = self.window.menuBar()
        help_menu = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
        if help_menu is not None:
            bar.insertMenu(help_menu, menu)
        else:
            bar.addMenu(menu)

    def context_menu(self, on_note: bool) -> QMenu:
        """The canvas's right-click menu for the selected notes or the current cell."""
        menu = QMenu(self.view)
        if on_note:
            menu.addAction(self.edit_action)
            colours = menu.addMenu("&Colour")
            for a in self.colour_actions:
                colours.addAction(a)
            menu.addAction(self.tags_action)
            menu.addAction(self.duplicate_action)
            menu.addSeparator()
            for a in (self.cut_action, self.copy_action, self.delete_action):
                menu.addAction(a)
        else:
            menu.addAction(self.new_action)
            menu.addAction(self.paste_action)
        return menu

    # -- selection and the current cell ----------------------------------------------
    def selected_ids(self) -> list[str]:
        """The selected notes in reading order (stage by stage, lane by lane)."""
        ids = self.scene.selected_note_ids()
        return reading_order(self.layout, ids) if self.layout is not None else ids

    def select(self, ids: list[str], anchor: str | None = None, scroll: bool = False) -> None:
        """Select exactly these notes (one selectionChanged for many)."""
        # One selectionChanged for the lot, not one per note (Select All on 5,000 notes).
        self.scene.blockSignals(True)
        try:
            for item in self.scene.selectedItems():
                item.setSelected(False)
            for note_id in ids:
                item = self.scene.note_item(note_id)
                if item is not None:
                    item.setSelected(True)
        finally:
            self.scene.blockSignals(False)
        self._bulk = True
        try:
            self.scene.selectionChanged.emit()
        finally:
            self._bulk = False
        if anchor is None and ids:
            anchor = ids[-1]
        self.anchor = anchor if anchor in ids else None
        self.selection_changed()
        if scroll and self.anchor:
            item = self.scene.note_item(self.anchor)
            if item is not None:
                self.view.ensureVisible(item.sceneBoundingRect(), 40, 40)

    def select_all(self) -> None:
        self.commit_editor()
        self.select(list(self.scene.notes), self.anchor)
        self.status(f"{plural(len(self.scene.notes), 'note')} selected")

    def escape(self) -> None:
        """Esc: end a drag, else clear the selection, else the current cell."""
        if self.input.cancel_drag():
            return
        if self.editor is not None:
            self.commit_editor()
        elif self.scene.selected_note_ids():
            self.scene.clearSelection()
        else:
            self.set_current_cell(None)

    def set_current_cell(self, cell: Cell | None, scroll: bool = False) -> None:
        layout = self.layout
        box = layout.cell(*cell) if (cell is not None and layout is not None) else None
        self.current_cell = cell if box is not None else None
        if box is None:
            self.cell_cursor.show_cell(None)
            return
        rect = QRectF(box.rect.x, box.rect.y, box.rect.w, box.rect.h)
        self.cell_cursor.show_cell(rect)
        if scroll:
            self._scroll_to(rect)

    def _scroll_to(self, rect: QRectF) -> None:
        # A tall cell: show its top part rather than jumping to its middle.
        vp = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        if rect.height() > vp.height() * 0.8:
            rect = QRectF(rect.x(), rect.y(), rect.width(), vp.height() * 0.6)
        self.view.ensureVisible(rect, 30, 30)

    def target_cell(self) -> Cell | None:
        """Where new and pasted notes go: the current cell, else the first cell."""
        if self.current_cell is not None:
            return self.current_cell
        if self.layout is None:
            return None
        return nav.step_cell(self.layout, None)

    def _cell_of(self, note_id: str) -> Cell | None:
        box = self.layout.note_by_id.get(note_id) if self.layout is not None else None
        return (box.stage_id, box.lane_id) if box is not None else None

    def selection_changed(self) -> None:
        if self._bulk or not isValid(self.scene):  # (the window is being torn down)
            return
        ids = self.scene.selected_note_ids()
        for a in self._selection_actions:
            a.setEnabled(bool(ids))
        if not ids:
            self.anchor = None
            return
        if self.anchor not in ids:
            self.anchor = ids[-1]
        cell = self._cell_of(self.anchor)
        if cell is not None and cell != self.current_cell:
            self.set_current_cell(cell)

    def _layout_applied(self) -> None:
        self.input.cancel_drag(quiet=True)  # the drag's geometry is stale
        self.set_current_cell(self.current_cell)
        if self.editor is None:
            return
        if self._edit.get("doc") is not self.doc:
            self.commit_editor()  # another map is shown: the text goes where it belongs
        elif self._edit.get("note_id") and self.layout.note_by_id.get(
                self._edit["note_id"]) is None:
            self.cancel_editor()  # the note went away under the editor (undo from a menu)
        elif self._edit.get("cell") and self.layout.cell(*self._edit["cell"]) is None:
            self.cancel_editor()  # so did the cell of a new note

    # -- creating and editing ----------------------------------------------------------
    def new_note(self, cell: Cell | None = None) -> bool:
        """Open the inline editor for a new note at the end of the cell."""
        self.commit_editor()
        cell = cell or self.target_cell()
        doc, layout = self.doc, self.layout
        box = layout.cell(*cell) if (cell and layout is not None) else None
        if doc is None or box is None:
            self.status("There is no cell to add a note to")
            return False
        if box.hidden_notes or any(ln.id == cell[1] and ln.collapsed for ln in doc.data.lanes):
            self.status("This lane is collapsed: expand it to add notes")
            return False
        self.scene.clearSelection()
        self.set_current_cell(cell)
        slot = slot_rect(layout, box, len(doc.data.notes.get(cell, [])))
        self._open_editor(QRectF(slot.x, slot.y, slot.w, slot.h), note_colour_for_kind(box.kind),
                          "", layout.style.note_size, {"doc": doc, "note_id": None, "cell": cell})
        return True

    def edit_note(self, note_id: str | None = None) -> bool:
        """Open the inline editor on a note (the anchor of the selection by default)."""
        if self.editor is not None:
            return False
        note_id = note_id or self.anchor or next(iter(self.selected_ids()), None)
        if note_id is None and self.current_cell and self.doc is not None:
            notes = self.doc.data.notes.get(self.current_cell)  # F2 on a cell: its first note
            note_id = notes[0].id if notes else None
        box = self.layout.note_by_id.get(note_id) if (note_id and self.layout) else None
        note = self.doc.note(note_id) if (box is not None and self.doc) else None
        if note is None:
            return False
        self.select([note_id], note_id)
        r = box.rect
        self._open_editor(QRectF(r.x, r.y, r.w, r.h), box.colour, note.text, box.font_size,
                          {"doc": self.doc, "note_id": note_id, "text": note.text})
        return True

    def _open_editor(self, rect: QRectF, colour: str, text: str, size: float,
                     context: dict[str, Any]) -> None:
        self._edit = context
        self.editor = NoteEditor(rect, colour, text, size, self.layout.style.note_pad,
                                 self._editor_done)
        editor = self.editor
        draft = TypingDraft(context["doc"], editor.text, note_id=context.get("note_id"),
                            cell=context.get("cell"), original=text, parent=self)
        context["draft"] = draft
        editor.text_item.document().contentsChanged.connect(draft.changed)
        self.scene.addItem(self.editor)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.editor.start()
        self._scroll_to(rect.adjusted(0, 0, 0, 40))

    def commit_editor(self) -> None:
        if self.editor is not None:
            self.editor.finish("end")

    def cancel_editor(self) -> None:
        """Close the editor without a command (its note is gone)."""
        if self.editor is not None:
            draft = self._edit.get("draft")
            if draft is not None:
                draft.abandon()
            self._edit = {}
            self.editor.finish("cancel")

    def _editor_done(self, text: str, how: str) -> None:
        editor, context = self.editor, self._edit
        self.editor, self._edit = None, {}
        if editor is not None:  # removed mid-event: keep it alive until the loop turns
            self._done_editors.append(editor)
            QTimer.singleShot(0, self._done_editors.clear)
        doc, draft = context.get("doc"), context.get("draft")
        if doc is not None and draft is not None:
            command, note_id = draft.finish(text)
            draft.deleteLater()
            if self.window.push(command) and draft.is_new and note_id and doc is self.doc:
                self.select([note_id], note_id)
        if self.window.isActiveWindow() and how != "focus":
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if how in ("tab", "backtab"):
            self.step(how == "tab")

    # -- commands on the selection ---------------------------------------------------------
    def _selection_or_say(self, what: str) -> list[str]:
        self.commit_editor()
        ids = self.selected_ids() if self.doc is not None else []
        if not ids:
            self.status(f"Select notes to {what}")
        return ids

    def delete(self) -> None:
        ids = self._selection_or_say("delete")
        if ids:
            self.window.push(cmd.DeleteNotes(self.doc, ids))

    def duplicate(self) -> None:
        ids = self._selection_or_say("duplicate")
        if not ids:
            return
        specs, inserted = [], {}
        located = sorted((self.doc.cell_of(i), i) for i in ids if self.doc.cell_of(i))
        for (cell, index), note_id in located:
            note = self.doc.note(note_id)
            offset = inserted.get(cell, 0)
            specs.append({"stage_id": cell[0], "lane_id": cell[1], "index": index + 1 + offset,
                          **{k: getattr(note, k) for k in FIELDS}})
            inserted[cell] = offset + 1
        text = "Duplicate note" if len(specs) == 1 else f"Duplicate {len(specs)} notes"
        command, new_ids = cmd.add_notes(self.doc, specs, text)
        if self.window.push(command):
            self.select(new_ids)

    def set_colour(self, index: int) -> None:
        ids = self._selection_or_say("colour")
        if not ids:
            return
        name, fill, _ = PALETTE[index]
        self.window.push(cmd.edit_notes(self.doc, ids, f"Colour {name.lower()}", colour=fill))

    def edit_tags(self) -> None:
        ids = self._selection_or_say("tag")
        if not ids:
            return
        dialog = self.make_tags_dialog(ids)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_tags(ids, dialog.tags())

    def make_tags_dialog(self, ids: list[str]) -> TagsDialog:
        tags = {self.doc.note(i).tags for i in ids}
        current = tags.pop() if len(tags) == 1 else ""
        return TagsDialog(current, tags_of(self.doc.data), len(ids), bool(tags), self.window)

    def set_tags(self, ids: list[str], tags: str) -> bool:
        return self.window.push(cmd.edit_notes(self.doc, ids, "Set tags", tags=tags))

    # -- the clipboard ------------------------------------------------------------------
    def copy(self) -> list[str]:
        ids = self._selection_or_say("copy")
        if ids:
            QGuiApplication.clipboard().setMimeData(
                notes_to_mime([self.doc.note(i) for i in ids]))
            self.status(f"Copied {plural(len(ids), 'note')}")
        return ids

    def cut(self) -> None:
        ids = self.copy()
        if ids:
            command = cmd.DeleteNotes(self.doc, ids)
            command.setText("Cut note" if len(ids) == 1 else f"Cut {len(ids)} notes")
            self.window.push(command)

    def paste(self) -> list[str]:
        """Notes from the clipboard into the current cell (one command); their ids."""
        self.commit_editor()
        cell = self.target_cell()
        if self.doc is None or cell is None:
            self.status("There is no cell to paste into")
            return []
        notes = notes_from_mime(QGuiApplication.clipboard().mimeData())
        if not notes:
            self.status("The clipboard holds no notes or text")
            return []
        specs = [{"stage_id": cell[0], "lane_id": cell[1], **n} for n in notes]
        text = "Paste note" if len(specs) == 1 else f"Paste {len(specs)} notes"
        command, ids = cmd.add_notes(self.doc, specs, text)
        if not self.window.push(command):
            return []
        self.set_current_cell(cell)
        self.select(ids, scroll=True)
        return ids

    # -- moving (the drop of a drag) ------------------------------------------------------------
    def drop(self, ids: list[str], target: DropTarget) -> bool:
        """One command placing `ids`, in order, at the target; False when nothing moves."""
        text = "Move note" if len(ids) == 1 else f"Move {len(ids)} notes"
        pushed = self.window.push(cmd.move_notes(self.doc, ids, target.cell, target.index, text))
        self.set_current_cell(target.cell)
        return pushed

    # -- keyboard navigation -----------------------------------------------------------
    def step(self, forward: bool = True) -> None:
        """Tab / Shift+Tab: the next or previous cell, in reading order."""
        self.commit_editor()
        if self.layout is None:
            return
        start = self.current_cell or (self._cell_of(self.anchor) if self.anchor else None)
        cell = nav.step_cell(self.layout, start, forward)
        self.scene.clearSelection()
        self.set_current_cell(cell, scroll=True)

    def navigate(self, direction: str, extend: bool = False) -> None:
        """Arrows: to the next note that way, else into the neighbouring cell."""
        self.commit_editor()
        layout = self.layout
        if layout is None:
            return
        selected = self.scene.selected_note_ids()
        if selected and self.anchor in layout.note_by_id:
            cell = self._cell_of(self.anchor)
            nxt = nav.neighbour_note(layout, self.anchor, direction)
            beside = nav.neighbour_cell(layout, cell, direction)
            if nxt is not None and self._cell_of(nxt) in (cell, beside):
                self.select((selected if extend else []) + [nxt], nxt, scroll=True)
            elif beside is not None:
                self._enter_cell(beside, extend)
            return
        if self.current_cell is None:
            self.set_current_cell(nav.step_cell(layout, None), scroll=True)
            return
        beside = nav.neighbour_cell(layout, self.current_cell, direction)
        if beside is not None:
            self._enter_cell(beside, extend)

    def _enter_cell(self, cell: Cell, extend: bool = False) -> None:
        """Make a cell current; pick its first note when it has one."""
        first = nav.first_note_in(self.layout, cell)
        if first is None:
            if not extend:
                self.scene.clearSelection()
            self.set_current_cell(cell, scroll=True)
            return
        self.set_current_cell(cell)
        self.select((self.scene.selected_note_ids() if extend else []) + [first], first,
                    scroll=True)

    def cell_note(self, which: int) -> None:
        """Home / End: the first or last note of the current cell."""
        self.commit_editor()
        cell = self.current_cell
        if cell is None or self.doc is None or not self.doc.data.notes.get(cell):
            return
        note_id = self.doc.data.notes[cell][which].id
        if self.scene.note_item(note_id) is not None:
            self.select([note_id], note_id, scroll=True)


__all__ = ["NoteActions", "install"]
