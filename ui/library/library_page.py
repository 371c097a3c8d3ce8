"""The session library: the start page for finding, starting and tidying sessions.

A strip of templates to start a new session from (the built-ins and the ones
saved with "Save Map as Template…"), then the sessions as cards — a thumbnail
of the first map, the title, the date and facilitator, notes and maps — with
search as you type and sorting by date or title. Sessions can be opened,
duplicated, renamed and moved to the trash; the trash view restores them or
deletes them for good. Every change is one library operation.

Thumbnails come from `export.thumbnail` (Pillow, cached on disk); the page
shows placeholders at once and fills them in one per event-loop turn, so a
library of many sessions opens without a pause.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from export.thumbnail import SIZE, ThumbnailCache, session_thumbnail, template_thumbnail
from journey import ops
from journey.errors import WaymarkError
from journey.queries import list_sessions
from journey.templates import TemplateSpec
from journey.wording import plural
from storage import Library

from ..fields import keep_typing_keys
from ..messages import show_one_line
from ..preferences import BLANK, Preferences
from .library_page_input import LibraryPageInput
from .new_session_dialog import NewSessionDialog
from .session_cards import (
    ID,
    INFO,
    INK,
    MUTED,
    PAGE_BG,
    THUMB,
    card_list,
    nice_date,
    pixmap_of,
    short_title,
)

FAILED = object()  # what `_run` returns when the operation was refused
SORTS = [("date", "Newest first"), ("date_asc", "Oldest first"), ("title", "Title A–Z")]

class LibraryPage(LibraryPageInput, QWidget):
    """The library as a page of the main window. It runs library operations itself
    and asks the window to open a session with `open_requested`."""

    open_requested = Signal(str)
    back_requested = Signal()
    trashed = Signal(str)  # a session went to the trash (the window may have it open)
    message = Signal(str)  # a status line for the window

    def __init__(self, library: Library, settings: QSettings,
                 cache: ThumbnailCache | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.library, self.settings = library, settings
        self.cache = cache or ThumbnailCache()
        self.current_id: str | None = None
        self.current_title = ""
        self.last_error: str | None = None
        self.dialog: QDialog | None = None  # the open rename/new/confirm dialog, if any
        self.confirm_box: QMessageBox | None = None
        self._rows: list[dict[str, Any]] = []
        self._pixmaps: dict[str, QPixmap] = {}
        self._pending: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next_thumbnail)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(PAGE_BG))
        self.setPalette(palette)
        self._build()  # filled when first shown: a window that opens a map reads nothing here

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    # -- building ------------------------------------------------------------------------
    def _build(self) -> None:
        self.heading = QLabel("Sessions", self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setStyleSheet(f"color: {INK};")
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search sessions")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.search.textChanged.connect(lambda _t: self._apply_filter())
        self.sort_box = QComboBox(self)
        for key, label in SORTS:
            self.sort_box.addItem(label, key)
        saved = self.settings.value("library/sort", "date")
        self.sort_box.setCurrentIndex(max(0, self.sort_box.findData(saved)))
        self.sort_box.currentIndexChanged.connect(self._sort_changed)
        self.trash_button = QToolButton(self)
        self.trash_button.setCheckable(True)
        self.trash_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.trash_button.toggled.connect(lambda _on: self.refresh())
        self.back_button = QPushButton(self)
        self.back_button.clicked.connect(self.back_requested)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.search)
        top.addWidget(self.sort_box)
        top.addWidget(self.trash_button)
        top.addWidget(self.back_button)

        self.templates_label = self._section("Start a new session")
        self.templates = card_list(QSize(188, 168), 104, self)
        self.templates.setWrapping(False)
        self.templates.setFlow(QListWidget.Flow.LeftToRight)
        self.templates.setFixedHeight(188)
        self.templates.itemActivated.connect(self._template_activated)
        self.templates.customContextMenuRequested.connect(self.show_template_menu)

        self.sessions_label = self._section("Your sessions")
        self.trash_note = QLabel("Sessions in the trash can be restored. Emptying the trash "
                                 "deletes them for good.", self)
        self.trash_note.setStyleSheet(f"color: {MUTED};")
        self.sessions = card_list(QSize(252, 268), 174, self)
        self.sessions.itemActivated.connect(lambda item: self.open_session(item.data(ID)))
        self.sessions.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.sessions.customContextMenuRequested.connect(self.show_session_menu)
        self.sessions.installEventFilter(self)
        self.templates.installEventFilter(self)
        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet(f"color: {MUTED}; font-size: 13pt; padding: 40px;")

        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        bar.addWidget(self.sessions_label)
        bar.addWidget(self.trash_note)
        bar.addStretch(1)
        for key, text, slot in (
                ("open", "Open", lambda: self.open_session(self.selected_id())),
                ("duplicate", "Duplicate", lambda: self.duplicate(self.selected_id())),
                ("rename", "Rename…", lambda: self.ask_rename(self.selected_id())),
                ("trash", "Move to Trash", lambda: self.trash(self.selected_id())),
                ("restore", "Restore", lambda: self.restore(self.selected_id())),
                ("purge", "Delete Forever…", lambda: self.ask_purge(self.selected_id())),
                ("empty", "Empty Trash…", self.ask_empty_trash)):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            self.buttons[key] = button
            bar.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 12)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.templates_label)
        layout.addWidget(self.templates)
        layout.addLayout(bar)
        layout.addWidget(self.sessions, 1)
        layout.addWidget(self.empty_label, 1)

    def _section(self, text: str) -> QLabel:
        label = QLabel(text, self)
        font = label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        label.setFont(font)
        label.setStyleSheet(f"color: {INK}; padding-top: 6px;")
        return label

    # -- reading the library -------------------------------------------------------------
    @property
    def in_trash(self) -> bool:
        return self.trash_button.isChecked()

    def prefs(self) -> Preferences:
        return Preferences.load(self.settings)

    def set_current(self, session_id: str | None, title: str = "") -> None:
        """The session open in the window (badged, and where "Back" returns to)."""
        self.current_id, self.current_title = session_id, title
        if not self.isHidden():
            self.refresh()

    def refresh(self) -> None:
        """Read the sessions and templates again and show them (keeping the selection)."""
        keep = self.selected_id()
        rows = self.library.read(list_sessions, include_trashed=True)
        self._rows = rows
        trashed = [r for r in rows if r["deleted"]]
        self.trash_button.setText(f"Trash ({len(trashed)})" if trashed else "Trash")
        live = {r["id"]: r for r in rows if not r["deleted"]}
        if self.current_id and self.current_id in live:
            self.current_title = live[self.current_id]["title"]
            self.back_button.setText(f"Back to “{short_title(self.current_title)}”")
            self.back_button.show()
        else:
            self.back_button.hide()
        self.heading.setText("Trash" if self.in_trash else "Sessions")
        for w in (self.templates_label, self.templates):
            w.setVisible(not self.in_trash)
        self.sessions_label.setText(
            "In the trash" if self.in_trash else f"Your sessions ({len(live)})")
        self.trash_note.setVisible(self.in_trash)
        if not self.in_trash:
            self._fill_templates()
        shown = [r for r in rows if r["deleted"] == self.in_trash]
        self.sessions.clear()
        for row in self._sorted(shown):
            item = QListWidgetItem(row["title"])
            item.setData(ID, row["id"])
            item.setData(INFO, self._info(row))
            item.setToolTip(row["title"])
            pix = self._pixmaps.get(row["id"])
            if pix is not None:
                item.setData(THUMB, pix)
            self.sessions.addItem(item)
        self._pending = [r["id"] for r in self._sorted(shown)]
        self._timer.start()
        if keep:
            self.select(keep)
        self._apply_filter()

    def _info(self, row: dict[str, Any]) -> dict[str, Any]:
        when = nice_date(row["date"])
        who = row["facilitator"]
        first = " · ".join(x for x in (when, who) if x) or "No date"
        second = f"{plural(row['notes'], 'note')} · {plural(row['maps'], 'map')}"
        info: dict[str, Any] = {"lines": [first, second],
                                "placeholder": "No map yet" if not row["maps"] else "…"}
        if row["id"] == self.current_id and not row["deleted"]:
            info["badge"] = "Open"
        return info

    def _sorted(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        key = self.sort_box.currentData()
        if key == "title":
            return sorted(rows, key=lambda r: (r["title"].casefold(), r["date"]))
        newest = sorted(rows, key=lambda r: (r["date"], r["updated_at"]), reverse=True)
        return list(reversed(newest)) if key == "date_asc" else newest

    def _fill_templates(self) -> None:
        self.templates.clear()
        blank = QListWidgetItem("Blank map")
        blank.setData(ID, BLANK)
        blank.setData(INFO, {"lines": ["Stages and lanes as you go"], "plus": True})
        self.templates.addItem(blank)
        default = self.prefs().default_template
        for spec in self.library.read(ops.list_templates):
            item = QListWidgetItem(spec.name)
            item.setData(ID, spec.name)
            lines = [f"{len(spec.stages)} stages · {len(spec.lanes)} lanes"
                     + ("" if spec.builtin else " · saved")]
            info: dict[str, Any] = {"lines": lines, "builtin": spec.builtin}
            if spec.name == default:
                info["badge"] = "Default"
            item.setData(INFO, info)
            item.setData(THUMB, self._template_pixmap(spec))
            item.setToolTip(spec.description or spec.name)
            self.templates.addItem(item)

    def _template_pixmap(self, spec: TemplateSpec) -> QPixmap:
        key = f"template:{spec.name}:{spec.stages}:{spec.lanes}"
        if key not in self._pixmaps:
            img = template_thumbnail(spec, (SIZE[0], round(SIZE[0] * 104 / 162)))
            self._pixmaps[key] = pixmap_of(img)
        return self._pixmaps[key]

    def _next_thumbnail(self) -> None:
        if self._pending:
            self._load_thumbnail(self._pending.pop(0))
        if self._pending:
            self._timer.start()

    def finish_thumbnails(self) -> None:
        """Draw every pending thumbnail now (tests, screenshots)."""
        while self._pending:
            self._load_thumbnail(self._pending.pop(0))

    def _load_thumbnail(self, session_id: str) -> None:
        try:
            path = self.library.read(session_thumbnail, session_id, self.cache)
        except WaymarkError:
            return  # gone meanwhile
        if path is None:
            return
        pix = QPixmap(str(path))
        if pix.isNull():
            return
        self._pixmaps[session_id] = pix
        item = self._item(session_id)
        if item is not None:
            item.setData(THUMB, pix)

    # -- finding ----------------------------------------------------------------------------
    def _apply_filter(self) -> None:
        words = self.search.text().casefold().split()
        rows = {r["id"]: r for r in self._rows}
        visible = 0
        for i in range(self.sessions.count()):
            item = self.sessions.item(i)
            row = rows.get(item.data(ID), {})
            hay = " ".join(str(row.get(k, "")) for k in ("title", "facilitator", "date"))
            hay = f"{hay} {nice_date(row.get('date', ''))}".casefold()
            hidden = any(w not in hay for w in words)
            item.setHidden(hidden)
            visible += not hidden
        current = self.sessions.currentItem()
        if current is None or current.isHidden():
            first = next((self.sessions.item(i) for i in range(self.sessions.count())
                          if not self.sessions.item(i).isHidden()), None)
            self.sessions.setCurrentItem(first)
        if visible:
            self.empty_label.hide()
            self.sessions.show()
        else:
            self.sessions.hide()
            self.empty_label.setText(self._empty_text())
            self.empty_label.show()
        self._update_buttons()

    def _empty_text(self) -> str:
        if self.search.text().strip():
            return f"No sessions match “{self.search.text().strip()}”"
        if self.in_trash:
            return "The trash is empty"
        return "No sessions yet — start one from a template above"

    def visible_titles(self) -> list[str]:
        return [self.sessions.item(i).text() for i in range(self.sessions.count())
                if not self.sessions.item(i).isHidden()]

    def visible_ids(self) -> list[str]:
        return [self.sessions.item(i).data(ID) for i in range(self.sessions.count())
                if not self.sessions.item(i).isHidden()]

    def template_names(self) -> list[str]:
        return [self.templates.item(i).text() for i in range(self.templates.count())]

    def _item(self, session_id: str) -> QListWidgetItem | None:
        for i in range(self.sessions.count()):
            if self.sessions.item(i).data(ID) == session_id:
                return self.sessions.item(i)
        return None

    def select(self, session_id: str) -> None:
        item = self._item(session_id)
        if item is not None and not item.isHidden():
            self.sessions.setCurrentItem(item)

    def selected_id(self) -> str | None:
        item = self.sessions.currentItem() if hasattr(self, "sessions") else None
        return None if item is None or item.isHidden() else item.data(ID)

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        for key in ("open", "duplicate", "rename", "trash"):
            self.buttons[key].setVisible(not self.in_trash)
            self.buttons[key].setEnabled(has)
        for key in ("restore", "purge"):
            self.buttons[key].setVisible(self.in_trash)
            self.buttons[key].setEnabled(has)
        self.buttons["empty"].setVisible(self.in_trash)
        self.buttons["empty"].setEnabled(self.sessions.count() > 0)

    def _sort_changed(self) -> None:
        self.settings.setValue("library/sort", self.sort_box.currentData())
        self.refresh()

    # -- operations ---------------------------------------------------------------------
    def _run(self, op: Any, *args: Any, **kwargs: Any) -> Any:
        """One library operation; FAILED (after one line to the user) on a user error."""
        try:
            return self.library.run(op, *args, **kwargs)
        except WaymarkError as exc:
            self.show_error(str(exc))
            return FAILED

    def show_error(self, message: str) -> None:
        line, self.error_box = show_one_line(self, message)
        self.last_error = line

    def open_session(self, session_id: str | None) -> None:
        if session_id is None:
            return
        if self.in_trash:
            self.restore(session_id)
            return
        self.open_requested.emit(session_id)

    def create_session(self, title: str, template: str | None, date: str = "",
                       facilitator: str = "") -> str | None:
        """A new session from a template (None = a blank map) on the preferred scale."""
        prefs = self.prefs()
        session = self._run(ops.start_session, title, template or None, prefs.scale,
                            date=date or None, facilitator=facilitator)
        if session is FAILED:
            return None
        self.settings.setValue("library/facilitator", facilitator)
        self.search.clear()
        self.refresh()
        self.message.emit(f"Created “{session.title}”")
        self.open_requested.emit(session.id)
        return session.id

    def ask_new_session(self, template: str | None = None) -> NewSessionDialog:
        """The New Session dialog (non-blocking); creates and opens the session on OK."""
        if template is None:
            template = self.prefs().default_template
        dialog = NewSessionDialog(self.library.read(ops.list_templates), template,
                                  str(self.settings.value("library/facilitator", "")),
                                  self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.create_session(**dialog.values()))
        dialog.open()
        dialog.title_edit.setFocus()
        self.dialog = dialog
        return dialog

    def _template_activated(self, item: QListWidgetItem) -> None:
        self.ask_new_session(item.data(ID))

    def duplicate(self, session_id: str | None) -> str | None:
        if session_id is None:
            return None
        from formats.session_copy import duplicate_session  # its JSON models: not at start-up

        copy = self._run(duplicate_session, session_id)
        if copy is FAILED:
            return None
        self.refresh()
        self.select(copy.id)
        self.message.emit(f"Duplicated as “{copy.title}”")
        return copy.id

    def ask_rename(self, session_id: str | None) -> QInputDialog | None:
        row = next((r for r in self._rows if r["id"] == session_id), None)
        if row is None:
            return None
        dialog = keep_typing_keys(QInputDialog(self.window()))
        dialog.setWindowTitle("Rename session")
        dialog.setLabelText("New title:")
        dialog.setTextValue(row["title"])
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.rename(row["id"], dialog.textValue()))
        dialog.open()
        self.dialog = dialog
        return dialog

    def rename(self, session_id: str, title: str) -> bool:
        if self._run(ops.update_session, session_id, title=title) is FAILED:
            return False
        self.refresh()
        return True

    def trash(self, session_id: str | None) -> None:
        if session_id is None:
            return
        title = next((r["title"] for r in self._rows if r["id"] == session_id), "")
        if self._run(ops.trash_session, session_id) is not FAILED:
            self.refresh()
            self.trashed.emit(session_id)
            self.message.emit(f"Moved “{title}” to the trash")

    def restore(self, session_id: str | None) -> None:
        if session_id is None:
            return
        title = next((r["title"] for r in self._rows if r["id"] == session_id), "")
        if self._run(ops.restore_session, session_id) is not FAILED:
            self.refresh()
            self.message.emit(f"Restored “{title}”")

    def purge(self, session_id: str) -> None:
        if self._run(ops.purge_session, session_id) is not FAILED:
            self.cache.forget(session_id)
            self._pixmaps.pop(session_id, None)
            self.refresh()

    def empty_trash(self) -> None:
        ids = [r["id"] for r in self._rows if r["deleted"]]
        if ids and self._run(ops.batch, [(ops.purge_session, (i,), {}) for i in ids]) \
                is not FAILED:
            for i in ids:
                self.cache.forget(i)
                self._pixmaps.pop(i, None)
            self.refresh()
            self.message.emit(f"Deleted {plural(len(ids), 'session')} for good")

    def ask_purge(self, session_id: str | None) -> QMessageBox | None:
        row = next((r for r in self._rows if r["id"] == session_id), None)
        if row is None:
            return None
        return self.confirm(f"Delete “{row['title']}” for good?",
                             "It cannot be restored afterwards.", "Delete Forever",
                             lambda: self.purge(row["id"]))

    def ask_empty_trash(self) -> QMessageBox | None:
        n = sum(1 for r in self._rows if r["deleted"])
        if not n:
            return None
        return self.confirm(f"Delete {plural(n, 'session')} in the trash for good?",
                             "They cannot be restored afterwards.", "Empty Trash",
                             self.empty_trash)

    def delete_template(self, name: str) -> bool:
        if self._run(ops.delete_template, name) is FAILED:
            return False
        self.refresh()
        self.message.emit(f"Deleted the template “{name}”")
        return True

    def confirm(self, text: str, info: str, verb: str, action: Any) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, "Waymark", text,
                          QMessageBox.StandardButton.Cancel, self.window())
        box.setInformativeText(info)
        box.confirm_button = box.addButton(verb, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda b: action() if b is box.confirm_button else None)
        box.open()
        self.confirm_box = box
        return box
