"""The small dialogs of data exchange, kept apart from the actions that use them.

Native file choosers that start in the folder used last time (one folder for
exports, one for imports, in QSettings), the report's paper offered as the
save dialog's file type (so choosing A4 or Letter costs no extra dialog), the
"create the missing stages and lanes?" question of a CSV import, and the list
of what a Mermaid import had to adjust.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow

EXPORT_DIR_KEY = "exchange/export_dir"
IMPORT_DIR_KEY = "exchange/import_dir"
PAPER_KEY = "report/paper"

#: Where offices print on US Letter rather than A4.
LETTER_TERRITORIES = frozenset({QLocale.Country.UnitedStates, QLocale.Country.Canada})
REPORT_FILTERS = {"A4": "PDF report, A4 (*.pdf)", "Letter": "PDF report, US Letter (*.pdf)"}


def default_paper(settings: Any = None, locale: QLocale | None = None) -> str:
    """The paper chosen last time, else Letter in the US and Canada, else A4."""
    saved = settings.value(PAPER_KEY) if settings is not None else None
    if saved in REPORT_FILTERS:
        return str(saved)
    territory = (locale or QLocale()).territory()
    return "Letter" if territory in LETTER_TERRITORIES else "A4"


def safe_file_name(name: str) -> str:
    """A file name from a session or map title (no characters a file system refuses)."""
    cleaned = "".join("-" if c in '\\/:*?"<>|' or ord(c) < 32 else c for c in name)
    return cleaned.strip(" .") or "Waymark"


def _documents() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def remembered_dir(window: MainWindow, key: str) -> Path:
    """The folder used last time for `key`, else the poster folder, else Documents."""
    saved = window.settings.value(key)
    if isinstance(saved, str) and Path(saved).is_dir():
        return Path(saved)
    poster_dir = getattr(window, "export_dir", None)
    return poster_dir() if callable(poster_dir) else _documents()


def remember_dir(window: MainWindow, key: str, path: Path) -> None:
    window.settings.setValue(key, str(Path(path).parent))


def _with_suffix(path: str, pattern_filter: str) -> Path:
    """Add the filter's extension when the user typed a name without one."""
    ext = ""
    if "(*." in pattern_filter:
        ext = "." + pattern_filter.split("(*.", 1)[1].split(")")[0].split()[0]
    p = Path(path)
    return p if not ext or p.suffix.lower() == ext.lower() else p.with_name(p.name + ext)


def ask_save_path(window: MainWindow, caption: str, name: str, filters: list[str],
                  selected: str | None = None) -> tuple[Path | None, str]:
    """A native save dialog in the remembered export folder; (path or None, filter)."""
    start = remembered_dir(window, EXPORT_DIR_KEY) / safe_file_name(name)
    path, chosen = QFileDialog.getSaveFileName(window, caption, str(start), ";;".join(filters),
                                               selected or filters[0])
    if not path:
        return None, ""
    chosen = chosen or selected or filters[0]
    return _with_suffix(path, chosen), chosen


def ask_open_path(window: MainWindow, caption: str, filters: list[str]) -> Path | None:
    """A native open dialog in the remembered import folder."""
    start = remembered_dir(window, IMPORT_DIR_KEY)
    path, _ = QFileDialog.getOpenFileName(window, caption, str(start), ";;".join(filters))
    return Path(path) if path else None


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def missing_question(stages: list[str], lanes: list[str]) -> str:
    """"Create 2 missing stages and 1 lane?" — the words follow the counts."""
    parts = [_count(len(stages), "stage")] if stages else []
    if lanes:
        parts.append(_count(len(lanes), "lane"))
    return f"Create {' and '.join(parts).replace(' ', ' missing ', 1)}?"


def ask_create_missing(window: MainWindow, file_name: str, stages: list[str], lanes: list[str]) -> bool:
    """Ask before a CSV import adds stages or lanes to the map; True to create them."""
    box = QMessageBox(QMessageBox.Icon.Question, "Import notes", missing_question(stages, lanes),
                      QMessageBox.StandardButton.Cancel, window)
    create = box.addButton("Create and Import", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(create)
    lines = [f"{file_name} names rows this map does not have yet."]
    if stages:
        lines.append("Stages: " + ", ".join(stages))
    if lanes:
        lines.append("Lanes: " + ", ".join(lanes))
    lines.append("\nThey are added at the end of the map; Undo removes them again.")
    box.setInformativeText("\n".join(lines))
    box.setWindowModality(Qt.WindowModality.WindowModal)
    window.exchange_question = box
    box.exec()
    window.exchange_question = None
    return box.clickedButton() is create


def show_warnings(window: MainWindow, title: str, warnings: list[str]) -> QMessageBox:
    """What an import adjusted (clamped scores, cut names): a window-modal box that
    does not block, the first few lines shown, all of them under Show Details."""
    head = f"{title}: {_count(len(warnings), 'thing')} adjusted"
    box = QMessageBox(QMessageBox.Icon.Information, "Import", head,
                      QMessageBox.StandardButton.Ok, window)
    shown = warnings[:8]
    more = len(warnings) - len(shown)
    box.setInformativeText("\n".join(shown) + (f"\n… and {more} more" if more else ""))
    if more:
        box.setDetailedText("\n".join(warnings))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box
