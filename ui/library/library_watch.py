"""The library file changing under the open window: notice it, show it, say so.

The CLI may write to a library the window has open (the window's lock file
keeps out a second window, not the CLI; SQLite's WAL lets both work). SQLite's
`PRAGMA data_version`, read again and again on one connection outside a
transaction, changes when any *other* connection has committed — the CLI, a
script, and the window's own `Library` engine alike. So `LibraryWatch` keeps a
connection of its own, polls it every `POLL_MS` on the GUI thread (a pragma:
microseconds), and after each of the window's own commits (`Library.subscribe`)
takes the new value as its baseline. A value other than the baseline is a
change from elsewhere.

Then the window catches up through the path it already uses after a commit
from a dialog — the library's listeners (`MainWindow._library_changed`
reloads the map and the binder updates the scene, the parking lot and details
refresh) — and the library page if it is showing. Whether the change touched
the open session is told by a digest of every row of that session: if it did,
the undo history is cleared (its commands hold ids and positions another
program may have changed) and the status bar says so in one line; if not (say,
another session was added) the history is kept. The digest is taken when the
window's own edits pause (`DIGEST_IDLE_MS`), so a change from elsewhere during
a burst of our own edits counts as touching: clearing is the safe mistake.
Undo and redo poll first, so Ctrl+Z right after the CLI wrote catches up
instead of undoing into rows that are gone. An open note editor stays open
through the reload with its typed text (its draft saves as before).

A read-only library (`Library.read_only`) gets "(read-only)" in the title and a
one-line banner; edits that reach `Library.run` fail with `LibraryReadOnly`, a
`WaymarkError`, which `MainWindow.push` shows as one line.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import weakref
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel
from shiboken6 import isValid

from journey.changes import Committed
from journey.errors import WaymarkError

if TYPE_CHECKING:  # types only: the window imports this module
    from ..main_window import MainWindow

POLL_MS = 250
RESET_MESSAGE = ("The library was changed by another program; the map was reloaded and "
                 "undo history was cleared.")
READ_ONLY_BANNER = ("This library is read-only: you can look, present, print and export, "
                    "but not edit")
READ_ONLY_TITLE = " (read-only)"
MESSAGE_MS = 30000  # long enough to be read when someone looks up from the room
#: The open session's digest is taken this long after the window's last own commit
#: (a burst of typing or dragging costs one digest, off the edit path).
DIGEST_IDLE_MS = 1000

_MAPS = "(SELECT id FROM journey_map WHERE session_id = :s)"
#: Every row that belongs to a session, table by table (all columns, new ones too).
_SESSION_ROWS: tuple[tuple[str, str], ...] = (
    ("session", "id = :s"),
    ("participant", "session_id = :s"),
    ("persona", "session_id = :s"),
    ("journey_map", "session_id = :s"),
    ("parked_note", "session_id = :s"),
    ("stage", f"map_id IN {_MAPS}"),
    ("lane", f"map_id IN {_MAPS}"),
    ("note", f"map_id IN {_MAPS}"),
    ("curve", f"map_id IN {_MAPS}"),
    ("curve_point", f"curve_id IN (SELECT id FROM curve WHERE map_id IN {_MAPS})"),
    ("vote_round", f"map_id IN {_MAPS}"),
    ("vote", f"note_id IN (SELECT id FROM note WHERE map_id IN {_MAPS}) OR "
             f"round_id IN (SELECT id FROM vote_round WHERE map_id IN {_MAPS})"),
)


def session_digest(conn: sqlite3.Connection, session_id: str) -> str:
    """A digest of every row of the session, read in one snapshot (each table's rows
    are joined into one string by SQLite, which is twice as fast as fetching them)."""
    h = hashlib.blake2b(digest_size=16)
    conn.execute("BEGIN")
    try:
        for table, where in _SESSION_ROWS:
            names = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            row = "||char(31)||".join(f"quote({n})" for n in names)
            (text,) = conn.execute(
                f"SELECT group_concat(r, char(30)) FROM (SELECT {row} AS r FROM {table} "
                f"WHERE {where} ORDER BY id)", {"s": session_id}).fetchone()
            h.update(f"{table}\x1d{text or ''}\x1d".encode())
    finally:
        conn.execute("COMMIT")
    return h.hexdigest()


class LibraryWatch(QObject):
    """Polls the library for commits made by other programs and brings the window up
    to date; `changedElsewhere(touched_open_session)` after each one."""

    changedElsewhere = Signal(bool)

    def __init__(self, window: MainWindow, interval_ms: int = POLL_MS) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.conn: sqlite3.Connection | None = None
        try:
            uri = f"file:{quote(str(self.library.path))}?mode=ro"  # '#', '?', '%' in a name
            self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=5)
            self._baseline = self._version()
        except sqlite3.Error:  # cannot watch (say, an unwritable folder): the window works
            if self.conn is not None:
                self.conn.close()
            self.conn, self._baseline = None, 0
        self._digest: tuple[str | None, str | None] = (None, None)  # (session id, digest)
        #: Own commits since the digest: a change from elsewhere now counts as touching.
        self.digest_stale = True
        self._digest_timer = QTimer(self)
        self._digest_timer.setSingleShot(True)
        self._digest_timer.setInterval(DIGEST_IDLE_MS)
        self._digest_timer.timeout.connect(self._take_digest)
        ref = weakref.ref(self)

        def own_commit(_done: Committed) -> None:
            watch = ref()
            if watch is not None and isValid(watch):
                watch.accept_own_commit()

        self._listener = own_commit
        self._unsubscribe = self.library.subscribe(own_commit)
        window.sessionOpened.connect(lambda _sid: self._take_digest())
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        if self.conn is not None:
            self.timer.start()

    # -- reading the file ------------------------------------------------------------
    def _version(self) -> int:
        assert self.conn is not None
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def accept_own_commit(self) -> None:
        """The window committed: what the file holds now is ours (the new baseline)."""
        if self.conn is None:
            return
        try:
            self._baseline = self._version()
        except sqlite3.Error:
            return
        self.digest_stale = True
        self._digest_timer.start()  # restarted by every commit of a burst

    def _take_digest(self) -> None:
        """Remember the open session's digest, if no other program committed meanwhile."""
        if not isValid(self.window):
            return
        sid = self.window.session_id
        if self.conn is None or sid is None:
            self._digest = (None, None)
            return
        try:
            before = self._version()
            digest = session_digest(self.conn, sid)
            if self._version() == before == self._baseline:  # nobody else committed
                self._digest = (sid, digest)
                self.digest_stale = False
        except sqlite3.Error:
            self._digest = (None, None)

    # -- the poll --------------------------------------------------------------------
    def check(self) -> bool:
        """Poll now; True when a change from elsewhere was found and shown."""
        if self.conn is None or not isValid(self.window):
            return False
        try:
            version = self._version()
        except sqlite3.Error:
            return False
        if version == self._baseline:
            return False
        self._changed_elsewhere(version)
        return True

    def _changed_elsewhere(self, version: int) -> None:
        w = self.window
        sid = w.session_id
        try:  # a commit after `version` was read is seen again by the next poll
            digest = session_digest(self.conn, sid) if sid else None
        except sqlite3.Error:
            digest = None
        known_sid, known = self._digest
        # Unknown (own edits since the last digest, another session) counts as touched:
        # clearing undo history that was still good is the safe mistake.
        touched = sid is not None and (self.digest_stale or known_sid != sid
                                       or known is None or digest != known)
        self._baseline = version
        if touched:
            w.undo_stack.clear()  # its ids and positions may no longer be what they were
        title = w.windowTitle()
        self.library.notify("changed elsewhere", skip=self._listener)  # the one catch-up path
        page = getattr(w, "library_page", None)
        if page is not None and page.isVisible() and w.session_id == sid:
            w.setWindowTitle(title)  # the map's reload named the map; the page is showing
            page.refresh()
            w.library_tools.update_counts()  # the page's counts, not the map's
        self._take_digest()
        if touched:
            w.statusBar().showMessage(RESET_MESSAGE, MESSAGE_MS)
        self.changedElsewhere.emit(touched)

    def stop(self) -> None:
        """The window is closing: no more polls, no more listening."""
        self.timer.stop()
        self._digest_timer.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _mark_read_only(window: MainWindow) -> None:
    """The title says "(read-only)" (whoever sets it) and a banner says what works."""
    banner = QLabel(READ_ONLY_BANNER, window)
    banner.setObjectName("read_only_banner")
    banner.setWordWrap(False)
    banner.setContentsMargins(10, 4, 10, 4)
    banner.setStyleSheet("QLabel#read_only_banner { background: #fff3cd; color: #5c4400; "
                         "border-bottom: 1px solid #e0c97a; }")
    box = window.centralWidget().layout()
    box.insertWidget(0, banner)
    window.read_only_banner = banner

    def titled(title: str) -> None:
        if not title.endswith(READ_ONLY_TITLE):
            window.setWindowTitle(title + READ_ONLY_TITLE)

    window.windowTitleChanged.connect(titled)
    titled(window.windowTitle())
    # Once the window shows: a message shown before that leaves the status bar's own
    # labels visible underneath it.
    QTimer.singleShot(0, window, lambda: window.statusBar().showMessage(READ_ONLY_BANNER,
                                                                        MESSAGE_MS))


_OVERRIDE = re.compile(r"^(Error calling Python override of [^:]+::\w+\(\): )+")


def _guard_history(window: MainWindow, watch: LibraryWatch) -> None:
    """Undo and redo (menu, keys) first catch up with other programs' commits, so
    Ctrl+Z right after the CLI wrote never undoes into rows that are gone; a step
    the library refuses (busy, read-only, a row gone) is one line, and the history
    is cleared, since the stack has moved its index as if the step were done."""
    stack = window.undo_stack

    def step(go: Any) -> None:
        watch.check()
        try:
            go()
        except WaymarkError as exc:
            stack.clear()
            window.show_error(_OVERRIDE.sub("", str(exc)))

    for action, go in ((window.undo_action, stack.undo), (window.redo_action, stack.redo)):
        action.triggered.disconnect()  # QUndoStack's own connection
        action.triggered.connect(lambda _checked=False, go=go: step(go))


def install(window: MainWindow) -> LibraryWatch:
    """Watch the window's library; mark a read-only one."""
    window.library_watch = watch = LibraryWatch(window)
    _guard_history(window, watch)
    if getattr(window.library, "read_only", False):
        _mark_read_only(window)
    return watch
