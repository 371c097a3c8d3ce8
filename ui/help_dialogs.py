"""Help › Keyboard Shortcuts and Help › User Guide.

The shortcuts dialog is generated from the window's own actions every time it
opens — the menu bar walked menu by menu, then the keys that live only on the
canvas or the window — so it cannot go stale. Some entries only *show* a key
(`show_keys`): the key is handled by the part that owns it (the Map menu's
Rename, Delete and Move, which share keys with the notes), so it is written
into the entry's text after a tab, the way a QMenu shows a shortcut, and kept
in the `shown_keys` property for this dialog; it is never registered twice.

The user guide is docs/USER_GUIDE.md rendered offline in a QTextBrowser, its
images resolved from the guide's own folder.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:  # types only: the window imports this module
    from .main_window import MainWindow

SHOWN_KEYS = "shown_keys"
GUIDE_NAME = "USER_GUIDE.md"
NATIVE = QKeySequence.SequenceFormat.NativeText


def native(keys: str) -> str:
    """A portable key name ("Ctrl+Shift+Up") as this platform writes it."""
    return QKeySequence(keys).toString(NATIVE)


def show_keys(action: QAction, keys: list[str], current: str | None = None) -> None:
    """Show `current` (else the first of `keys`) in the action's menu entry without
    registering a shortcut; `keys` ("Ctrl+Shift+Up (lane)") go to the dialog."""
    label = action.text().split("\t", 1)[0]
    shown = current if current is not None else (keys[0] if keys else "")
    shown = shown.split(" (", 1)[0]
    action.setText(f"{label}\t{native(shown)}" if shown else label)
    action.setProperty(SHOWN_KEYS, list(keys))


def _dedicated(seq: QKeySequence) -> bool:
    """A key only some keyboards have (F13–F35, Copy, Undo, Zoom In…): the platform's
    extra binding of a standard key, noise in a list people read."""
    if seq.count() != 1:
        return False
    combo = seq[0]
    return combo.keyboardModifiers() == Qt.KeyboardModifier.NoModifier and \
        combo.key().value >= Qt.Key.Key_F13.value


def action_keys(action: QAction) -> list[str]:
    """Every key an action answers to or shows, as the platform writes it."""
    seqs = [k for k in action.shortcuts() if not k.isEmpty()]
    keys = [k.toString(NATIVE) for k in seqs if not _dedicated(k)] or \
        [k.toString(NATIVE) for k in seqs]
    for k in action.property(SHOWN_KEYS) or []:
        name, _, note = str(k).partition(" (")
        text = native(name) + (f" ({note}" if note else "")
        if text not in keys:
            keys.append(text)
    return keys


def _label(action: QAction) -> str:
    return action.text().split("\t", 1)[0].replace("&&", "\0").replace("&", "").replace(
        "\0", "&")


@dataclass
class ShortcutRow:
    group: str  # "Edit", "Note › Go To", "On the map"
    name: str
    keys: list[str]
    tip: str
    action: QAction


def _window_actions(window: QWidget) -> list[QAction]:
    found: dict[int, QAction] = {}
    for a in window.findChildren(QAction):
        found.setdefault(id(a), a)
    for widget in [window, *window.findChildren(QWidget)]:
        for a in widget.actions():
            found.setdefault(id(a), a)
    return list(found.values())


def shortcut_rows(window: MainWindow) -> list[ShortcutRow]:
    """Every action of the window that has a key, grouped by the menu it is in."""
    rows: list[ShortcutRow] = []
    seen: set[int] = set()

    def add(action: QAction, group: str) -> None:
        if id(action) in seen or action.isSeparator():
            return
        keys = action_keys(action)
        if keys:
            seen.add(id(action))
            rows.append(ShortcutRow(group, _label(action), keys,
                                    action.statusTip() or action.toolTip(), action))

    def walk(menu: QMenu, group: str) -> None:
        for a in menu.actions():
            sub = a.menu()
            if isinstance(sub, QMenu):
                walk(sub, f"{group} › {_label(a)}")
            else:
                add(a, group)

    for top in window.menuBar().actions():
        if isinstance(top.menu(), QMenu):
            walk(top.menu(), _label(top))
    view = getattr(window, "view", None)
    for a in _window_actions(window):
        if id(a) in seen or not action_keys(a):
            continue
        on_map = view is not None and view in a.associatedObjects()
        add(a, "On the map" if on_map else "Anywhere in the window")
    return rows


class ShortcutsDialog(QDialog):
    """Every shortcut of the window, by menu, with a search box."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard Shortcuts")
        self.resize(720, 640)
        box = QVBoxLayout(self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search actions or keys…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_filter)
        box.addWidget(self.search)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Shortcut"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        box.addWidget(self.tree, 1)
        self.empty = QLabel("No shortcut matches.", self)
        self.empty.hide()
        box.addWidget(self.empty)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.rows = shortcut_rows(window)
        self.items: list[tuple[QTreeWidgetItem, ShortcutRow]] = []
        groups: dict[str, QTreeWidgetItem] = {}
        for row in self.rows:
            group = groups.get(row.group)
            if group is None:
                group = groups[row.group] = QTreeWidgetItem(self.tree, [row.group])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFirstColumnSpanned(True)
            item = QTreeWidgetItem(group, [row.name, ",  ".join(row.keys)])
            if row.tip:
                item.setToolTip(0, row.tip)
            self.items.append((item, row))
        self.tree.expandAll()
        self.search.setFocus()

    def apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        shown = 0
        for item, row in self.items:
            hay = " ".join([row.name, row.group, row.tip, *row.keys]).lower()
            item.setHidden(bool(needle) and needle not in hay)
            shown += not item.isHidden()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            group.setHidden(all(group.child(j).isHidden() for j in range(group.childCount())))
        self.empty.setVisible(shown == 0)

    def visible_rows(self) -> list[ShortcutRow]:
        return [row for item, row in self.items if not item.isHidden()]


# -- the user guide ----------------------------------------------------------------------------
def guide_candidates() -> list[Path]:
    """Where the guide may be: $WAYMARK_DOCS, the source tree, an installed copy."""
    here = Path(__file__).resolve().parent
    out = []
    if os.environ.get("WAYMARK_DOCS"):
        out.append(Path(os.environ["WAYMARK_DOCS"]) / GUIDE_NAME)
    out += [here.parent / "docs" / GUIDE_NAME,  # a checkout (or an editable install)
            here.parent / "assets" / "docs" / GUIDE_NAME,  # shipped as package data
            Path(sys.prefix) / "share" / "waymark" / "docs" / GUIDE_NAME]
    return out


def find_guide() -> Path | None:
    return next((p for p in guide_candidates() if p.is_file()), None)


class GuideDialog(QDialog):
    """docs/USER_GUIDE.md, offline, with its screenshots."""

    def __init__(self, parent: Any = None, path: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Waymark User Guide")
        self.resize(900, 760)
        box = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        box.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.path = path if path is not None else find_guide()
        self.missing: str | None = None
        text = None
        if self.path is not None:
            try:
                text = self.path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                self.missing = f"Cannot read the user guide at {self.path}: {exc}"
        else:
            self.missing = ("The user guide is not installed with this copy of Waymark "
                            "(docs/USER_GUIDE.md in the source).")
        if text is None:
            self.browser.setPlainText(self.missing or "")
            return
        # Relative image paths (guide/01-library.png) resolve from the guide's folder.
        folder = str(self.path.parent)
        self.browser.setSearchPaths([folder])
        self.browser.document().setBaseUrl(QUrl.fromLocalFile(folder + os.sep))
        self.browser.setMarkdown(text)


def show_shortcuts(window: MainWindow) -> ShortcutsDialog:
    dialog = ShortcutsDialog(window)  # built afresh: the keys as they are now
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def show_guide(window: MainWindow) -> GuideDialog:
    dialog = GuideDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
