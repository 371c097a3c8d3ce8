"""Data exchange in the main window: the report, CSV, Markdown, Mermaid and session files.

`install(window)` adds, after the poster entries of the Export menu: Report
PDF…, Notes as CSV (this map / all maps), Markdown Report…, Mermaid Journey…
and Session File (JSON)…; and File › Import ▸ with Notes from CSV…, Mermaid
Journey… and Session File…. Import sits in the File menu, where desktop
programs keep it (Inkscape, LibreOffice, Keynote), and keeps the menu bar as
it was. Files dropped on the window take the same paths: .csv into the map,
.mmd/.mermaid/.md and .json as a new session, which then opens.

Every action has a dialog-free twin taking the path (`export_report_to`,
`import_file`, …) for scripts and tests. The report runs in a worker thread
with progress and Cancel (`ui.exchange.exchange_worker`); the rest is quick and runs
at once. A CSV import is one undo step that deletes exactly the notes, and
the stages and lanes, it added. A user's mistake is one line in a message
box (CSV and Mermaid errors name the file and line); a failed import changes
nothing, because each import is a single transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QDropEvent
from PySide6.QtWidgets import QMenu

from journey import ops
from journey.errors import WaymarkError
from journey.queries import MapData, find_session
from journey.wording import plural

from ..commands import map_commands as cmd
from ..document import MapDocument
from .exchange_dialogs import (
    EXPORT_DIR_KEY,
    IMPORT_DIR_KEY,
    PAPER_KEY,
    REPORT_FILTERS,
    ask_create_missing,
    ask_open_path,
    ask_save_path,
    default_paper,
    remember_dir,
    show_warnings,
)
from .exchange_worker import ReportExport

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow

CSV_SUFFIXES = frozenset({".csv"})
MERMAID_SUFFIXES = frozenset({".mmd", ".mermaid", ".md"})
JSON_SUFFIXES = frozenset({".json"})
DROP_SUFFIXES = CSV_SUFFIXES | MERMAID_SUFFIXES | JSON_SUFFIXES
MERMAID_FILTERS = ["Mermaid diagrams (*.mmd *.mermaid *.md)", "All files (*)"]
STATUS_MS = 12000


def _find_menu(window: MainWindow, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        if action.text() == title and action.menu() is not None:
            return action.menu()
    return None


def missing_rows(data: MapData, rows: list[Any]) -> tuple[list[str], list[str]]:
    """The stage and lane names of CSV rows that the map lacks (as written, first
    spelling wins, matched ignoring case the way `import_csv` matches them)."""
    stages = {s.name.casefold() for s in data.stages}
    lanes = {lane.name.casefold() for lane in data.lanes}
    new_stages: dict[str, str] = {}
    new_lanes: dict[str, str] = {}
    for row in rows:
        if row.stage.casefold() not in stages:
            new_stages.setdefault(row.stage.casefold(), row.stage)
        if row.lane.casefold() not in lanes:
            new_lanes.setdefault(row.lane.casefold(), row.lane)
    return list(new_stages.values()), list(new_lanes.values())


class ImportCsvCommand(cmd.Command):
    """Import a CSV file's notes into a map. The first redo runs the import (one
    transaction); undo deletes exactly the rows it created, keeping their
    snapshot, and a later redo restores that snapshot — the same ids again."""

    def __init__(self, doc: MapDocument, path: Path, session_id: str,
                 create_missing: bool) -> None:
        super().__init__(f"Import notes from {path.name}")
        self.doc, self.path, self.session_id = doc, path, session_id
        self.create_missing = create_missing
        self.result: Any = None
        self.snapshot: list | None = None

    def do(self) -> None:
        if self.snapshot is not None:
            self.doc.run(ops.restore, self.snapshot)
            return
        from formats.csv_notes import import_csv

        self.result = self.doc.run(import_csv, self.path, self.session_id, self.doc.map_id,
                                   create_missing=self.create_missing)
        self.setText(f"Import {plural(self.result.notes_added, 'note')} from {self.path.name}")

    def undo_it(self) -> None:
        r = self.result
        calls = ([cmd.call(ops.delete_note, i) for i in reversed(r.note_ids)]
                 + [cmd.call(ops.delete_stage, i) for i in reversed(r.stage_ids)]
                 + [cmd.call(ops.delete_lane, i) for i in reversed(r.lane_ids)])
        snaps = self.doc.run(ops.batch, calls)
        self.snapshot = [row for snap in snaps for row in snap]


class ExchangeTools(QObject):
    """The exchange actions of one MainWindow (`window.exchange`)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.report: ReportExport | None = None
        self.report_result: Any = None
        self._make_actions()
        window.setAcceptDrops(True)
        window.installEventFilter(self)
        window.view.viewport().setAcceptDrops(True)
        window.view.viewport().installEventFilter(self)

    # -- actions and menus -------------------------------------------------------------
    def _make_actions(self) -> None:
        w = self.window

        def action(text: str, slot: Callable[[], Any], tip: str) -> QAction:
            a = QAction(text, w)
            a.setStatusTip(tip)
            a.triggered.connect(lambda _checked=False: slot())
            return a

        self.report_action = action("&Report PDF…", self.export_report,
                                    "The workshop report: summary, maps, action plan, appendix")
        self.csv_map_action = action("Notes of This Map as &CSV…",
                                     lambda: self.export_csv(all_maps=False),
                                     "One row per note of this map, for spreadsheets")
        self.csv_all_action = action("Notes of All Maps as CS&V…",
                                     lambda: self.export_csv(all_maps=True),
                                     "One row per note of every map of the session")
        self.markdown_action = action("&Markdown Report…", self.export_markdown,
                                      "The report's content as Markdown, for wikis")
        self.mermaid_action = action("Mermaid &Journey…", self.export_mermaid,
                                     "This map as a Mermaid journey diagram")
        self.json_action = action("&Session File (JSON)…", self.export_json,
                                  "The whole session, to open in another Waymark")
        self.import_csv_action = action("Notes from &CSV…", self.import_csv,
                                        "Add the notes of a spreadsheet to this map")
        self.import_mermaid_action = action("&Mermaid Journey…", self.import_mermaid,
                                            "A new session from a Mermaid journey diagram")
        self.import_json_action = action("&Session File (JSON)…", self.import_json,
                                         "A session exported from Waymark")

        export_menu = _find_menu(w, "&Export")
        if export_menu is not None:
            export_menu.addSeparator()
            export_menu.addActions([self.report_action, self.markdown_action])
            export_menu.addSeparator()
            export_menu.addActions([self.csv_map_action, self.csv_all_action,
                                    self.mermaid_action, self.json_action])
        self.import_menu = QMenu("&Import", w)
        self.import_menu.addActions([self.import_csv_action, self.import_mermaid_action,
                                     self.import_json_action])
        file_menu = _find_menu(w, "&File")
        if file_menu is not None:
            items = file_menu.actions()
            before = next((a for a in items if a is getattr(w, "print_action", None)),
                          getattr(w, "quit_action", None))
            before = before if before in items else None
            file_menu.insertMenu(before, self.import_menu)
            file_menu.insertSeparator(before)

    # -- helpers ---------------------------------------------------------------------------
    def _session_title(self) -> str | None:
        w = self.window
        if w.session_id is None:
            w.show_error("Open a session first")
            return None
        if w.data is not None and w.data.session.id == w.session_id:
            return w.data.session.title
        return w.library.read(find_session, w.session_id).title

    def _map_ready(self) -> bool:
        w = self.window
        tools = getattr(w, "library_tools", None)
        if w.doc is None or (tools is not None and tools.library_visible):
            w.show_error("Open a map first")
            return False
        return True

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, STATUS_MS)

    def _fail(self, exc: BaseException, path: Path | None = None) -> None:
        """One line: CSV and Mermaid errors ("line 4: …") get the file's name in front."""
        if isinstance(exc, WaymarkError):
            message = str(exc)
            if path is not None and message.startswith("line "):
                message = f"{path.name}, {message}"
        else:  # a bug: one line rather than a traceback; the transaction rolled back
            message = f"{path.name if path else 'export'} failed: {type(exc).__name__}: {exc}"
        self.window.show_error(message)

    def _exported(self, path: Path, what: str) -> None:
        remember_dir(self.window, EXPORT_DIR_KEY, path)
        self._status(f"{what} saved: {path}")

    # -- exports with a dialog --------------------------------------------------------------
    def export_report(self) -> None:
        title = self._session_title()
        if title is None:
            return
        paper = default_paper(self.window.settings)
        filters = list(REPORT_FILTERS.values())
        path, chosen = ask_save_path(self.window, "Export report", f"{title} - report.pdf",
                                     filters, REPORT_FILTERS[paper])
        if path is not None:
            paper = next((p for p, f in REPORT_FILTERS.items() if f == chosen), paper)
            self.export_report_to(path, paper)

    def export_csv(self, all_maps: bool) -> None:
        title = self._session_title()
        if title is None or (not all_maps and not self._map_ready()):
            return
        name = f"{title} - notes.csv" if all_maps else \
            f"{title} - {self.window.data.map.name} - notes.csv"
        path, _ = ask_save_path(self.window, "Export notes as CSV", name,
                                ["CSV files (*.csv)"])
        if path is not None:
            self.export_csv_to(path, all_maps)

    def export_markdown(self) -> None:
        title = self._session_title()
        if title is not None:
            path, _ = ask_save_path(self.window, "Export Markdown report",
                                    f"{title} - report.md", ["Markdown (*.md)"])
            if path is not None:
                self.export_markdown_to(path)

    def export_mermaid(self) -> None:
        title = self._session_title()
        if title is not None and self._map_ready():
            path, _ = ask_save_path(self.window, "Export Mermaid journey",
                                    f"{title} - {self.window.data.map.name}.mmd",
                                    ["Mermaid diagrams (*.mmd)"])
            if path is not None:
                self.export_mermaid_to(path)

    def export_json(self) -> None:
        title = self._session_title()
        if title is not None:
            path, _ = ask_save_path(self.window, "Export session file", f"{title}.json",
                                    ["Waymark session files (*.json)"])
            if path is not None:
                self.export_json_to(path)

    # -- exports, given the path ----------------------------------------------------------
    def export_report_to(self, path: Path, paper: str = "A4") -> ReportExport | None:
        """Start writing the session's report; returns the running export (progress
        dialog, Cancel) or None. `report_result` holds the result when it is done."""
        if self.report is not None and self.report.running:
            self.window.show_error("A report is already being written")
            return None
        if self._session_title() is None:
            return None
        self.window.settings.setValue(PAPER_KEY, "Letter" if paper.casefold() == "letter"
                                      else "A4")
        self.report_result = None
        self.report = ReportExport(self.window, self.window.session_id, Path(path), paper)
        self.report.done.connect(self._report_done)
        self.report.start()
        return self.report

    def cancel_report(self) -> None:
        if self.report is not None:
            self.report.cancel()

    @property
    def report_running(self) -> bool:
        return self.report is not None and self.report.running

    def _report_done(self, result: Any, message: str) -> None:
        report, self.report = self.report, None
        if report is not None:
            report.deleteLater()
        if result is not None:
            self.report_result = result
            remember_dir(self.window, EXPORT_DIR_KEY, result.path)
            line = f"Report saved: {result.path} ({plural(result.pages, 'page')}, {result.paper})"
            if result.missing_chars:
                line += (f" — {len(result.missing_chars)} character(s) no bundled font has: "
                         f"{''.join(result.missing_chars[:8])}")
            self._status(line)
        elif message:
            self.window.show_error(message)
        else:
            self._status("Report cancelled; nothing was written")

    def _read_export(self, what: str, path: Path, fn: Callable[..., Any], *args: Any
                     ) -> tuple[bool, Any]:
        """(done, fn's result): a quick export run on the GUI thread."""
        try:
            result = self.window.library.read(fn, *args)
        except Exception as exc:  # WaymarkError: an unwritable folder; else a bug, one line
            self._fail(exc)
            return False, None
        self._exported(path, what)
        return True, result

    def export_csv_to(self, path: Path, all_maps: bool = False) -> int | None:
        """Write the notes of this map (or all maps) as CSV; returns the rows written."""
        from formats.csv_notes import export_csv

        w = self.window
        if self._session_title() is None or (not all_maps and not self._map_ready()):
            return None
        done, rows = self._read_export("CSV", Path(path), export_csv, w.session_id, Path(path),
                                       None if all_maps else w.map_id)
        if done:
            self._status(f"Saved {plural(rows, 'note')} to {path}")
        return rows if done else None

    def export_markdown_to(self, path: Path) -> bool:
        from export.markdown import export_markdown

        if self._session_title() is None:
            return False
        return self._read_export("Markdown report", Path(path), export_markdown,
                                 self.window.session_id, Path(path))[0]

    def export_mermaid_to(self, path: Path) -> str | None:
        from formats.mermaid import export_mermaid_file

        if self._session_title() is None or not self._map_ready():
            return None
        return self._read_export("Mermaid journey", Path(path), export_mermaid_file,
                                 self.window.map_id, Path(path))[1]

    def export_json_to(self, path: Path) -> Path | None:
        from formats.session_json import write_session_json

        if self._session_title() is None:
            return None
        return self._read_export("Session file", Path(path), write_session_json,
                                 self.window.session_id, Path(path))[1]

    # -- imports with a dialog ------------------------------------------------------------
    def import_csv(self) -> None:
        if self._map_ready():
            path = ask_open_path(self.window, "Import notes from CSV",
                                 ["CSV files (*.csv *.txt)", "All files (*)"])
            if path is not None:
                self.import_csv_from(path)

    def import_mermaid(self) -> None:
        path = ask_open_path(self.window, "Import Mermaid journey", MERMAID_FILTERS)
        if path is not None:
            self.import_mermaid_from(path)

    def import_json(self) -> None:
        path = ask_open_path(self.window, "Import session file",
                             ["Waymark session files (*.json)", "All files (*)"])
        if path is not None:
            self.import_json_from(path)

    # -- imports, given the path --------------------------------------------------------------
    def import_file(self, path: Path) -> Any:
        """Import by the file's kind (.csv into this map; Mermaid and .json as a session)."""
        suffix = Path(path).suffix.lower()
        if suffix in CSV_SUFFIXES:
            return self.import_csv_from(Path(path))
        if suffix in MERMAID_SUFFIXES:
            return self.import_mermaid_from(Path(path))
        if suffix in JSON_SUFFIXES:
            return self.import_json_from(Path(path))
        self.window.show_error(f"{Path(path).name}: Waymark imports .csv, .mmd, .md and .json "
                               f"files")
        return None

    def import_csv_from(self, path: Path, create_missing: bool | None = None) -> Any:
        """Add a CSV file's notes to the current map as one undo step.

        If the file names stages or lanes the map lacks, `create_missing=None`
        asks whether to create them; True or False answers for the user.
        Returns the CsvImportResult, or None when nothing was imported."""
        from formats.csv_notes import parse_csv, read_csv_file

        w, path = self.window, Path(path)
        if not self._map_ready():
            return None
        try:
            rows, _ignored = parse_csv(read_csv_file(path))
        except WaymarkError as exc:
            self._fail(exc, path)
            return None
        if not rows:
            w.show_error(f"{path.name} has no notes to import, only the header line")
            return None
        stages, lanes = missing_rows(w.data, rows)
        if (stages or lanes) and create_missing is None:
            if not ask_create_missing(w, path.name, stages, lanes):
                self._status("Import cancelled")
                return None
            create_missing = True
        command = ImportCsvCommand(w.doc, path, w.session_id, bool(create_missing))
        try:
            cmd.push(w.undo_stack, command)
        except Exception as exc:
            self._fail(exc, path)
            return None
        remember_dir(w, IMPORT_DIR_KEY, path)
        r = command.result
        line = f"Imported {plural(r.notes_added, 'note')} from {path.name} into {w.data.map.name}"
        created = [plural(len(names), what) for names, what in
                   ((r.stages_created, "stage"), (r.lanes_created, "lane")) if names]
        if created:
            line += f" (created {' and '.join(created)})"
        if r.ignored_columns:
            line += f"; ignored columns: {', '.join(r.ignored_columns)}"
        self._status(line)
        return r

    def import_mermaid_from(self, path: Path) -> Any:
        """A new session from a Mermaid journey diagram, opened; its warnings shown."""
        from formats.mermaid import import_mermaid, parse_mermaid, read_mermaid_file

        w, path = self.window, Path(path)
        try:
            text = read_mermaid_file(path)
            if path.suffix.lower() == ".md" and not re.search(r"^\s*journey\b", text,
                                                              re.MULTILINE | re.IGNORECASE):
                raise WaymarkError(f"{path.name} holds no Mermaid journey diagram")
            title = None if parse_mermaid(text).title else path.stem
            result = w.library.run(import_mermaid, text, title=title)
        except Exception as exc:
            self._fail(exc, path)
            return None
        remember_dir(w, IMPORT_DIR_KEY, path)
        self._open(result.session_id)
        line = (f"Imported {result.title}: {plural(result.stages, 'stage')}, "
                f"{plural(result.notes, 'note')}, {plural(result.participants, 'participant')}")
        if len(result.warnings) == 1:
            line += f" — {result.warnings[0]}"
        elif result.warnings:
            self.warnings_box = show_warnings(w, f"Imported {result.title}", result.warnings)
        self._status(line)
        return result

    def import_json_from(self, path: Path) -> Any:
        """A session file (Waymark JSON) as a new session, opened."""
        from formats.session_json import import_json_file

        w, path = self.window, Path(path)
        try:
            session = w.library.run(import_json_file, path)
        except Exception as exc:
            self._fail(exc, path)
            return None
        remember_dir(w, IMPORT_DIR_KEY, path)
        self._open(session.id)
        self._status(f"Imported session {session.title} from {path.name}")
        return session

    def _open(self, session_id: str) -> None:
        tools = getattr(self.window, "library_tools", None)
        if tools is not None:
            tools.open_session(session_id)  # also leaves the library page
        else:
            self.window.open_session(session_id)

    # -- drops and closing ------------------------------------------------------------------
    @staticmethod
    def dropped_paths(mime: QMimeData) -> list[Path]:
        """The local files of a drag that Waymark can import (none: not ours)."""
        if not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls()
                if u.isLocalFile() and Path(u.toLocalFile()).suffix.lower() in DROP_SUFFIXES]

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            assert isinstance(event, QDropEvent)
            paths = self.dropped_paths(event.mimeData())
            if not paths:
                return False  # other drags (parked notes, text) go where they went before
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            if kind == QEvent.Type.Drop:
                # After the drop returns: the file manager must not wait for our dialogs.
                QTimer.singleShot(0, lambda: self.import_files(paths))
            return True
        if kind == QEvent.Type.Close and obj is self.window and self.report is not None:
            self.report.cancel()
            self.report.wait()
        return False

    def import_files(self, paths: list[Path]) -> None:
        """Import dropped files in order (a CSV goes into the map shown at the time)."""
        for path in paths:
            self.import_file(path)


def install(window: MainWindow) -> None:
    """Add the exchange actions, File › Import ▸ and file drops to the main window."""
    window.exchange = ExchangeTools(window)
