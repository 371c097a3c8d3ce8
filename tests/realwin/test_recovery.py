"""A damaged library in the real window: the start offers the newest good backup
in a question box, a real click on Recover opens the main window on the
recovered sessions, and the damaged file is kept beside the library, byte for
byte. The box is photographed (recovery-box.png in the test's folder)."""

from __future__ import annotations

from pathlib import Path

from journey import ops
from storage import Library
from storage.backups import list_backups

from .harness import App, display, query

JUNK = bytes(range(200))


def _damage(path: Path) -> bytes:
    """Junk over bytes 8192–8391 (a b-tree page); the SQLite header stays intact."""
    with open(path, "r+b") as fh:
        fh.seek(8192)
        fh.write(JUNK)
    return path.read_bytes()


def test_a_damaged_library_is_recovered_from_its_backup_in_the_real_window(tmp_path):
    db = tmp_path / "lib.sqlite"
    with Library(db) as lib:
        for i in range(11):
            lib.run(ops.create_session, f"Workshop {i}")
        kept_session = lib.run(ops.create_session, "The one we need").id
    with display() as disp:
        app = App(disp, db, tmp_path)
        try:
            app.ready(maximize=False)  # this start made the good backup
            assert app.quit() == 0
        except BaseException:
            disp.screenshot(tmp_path / "failed.png")
            app.kill()
            raise
        assert len(list_backups(db)) == 1
        damaged = _damage(db)

        app = App(disp, db, tmp_path)
        try:
            recover = app.button("Recover", window="Waymark")
            box = next(w for w in app.state()["windows"] if w["class"] == "QMessageBox")
            assert box["modal"]
            app.settle(0.3)
            disp.screenshot(tmp_path / "recovery-box.png")
            app.click_on(recover)  # a real mouse click through X
            app.ready(maximize=False)
            st = app.state()
            assert st["session_id"] in {r[0] for r in query(db, "SELECT id FROM session")}
            assert st["status"].startswith("Recovered library from backup of ")
            titles = {r[0] for r in query(db, "SELECT title FROM session")}
            assert "The one we need" in titles and len(titles) == 12
            assert query(db, "SELECT id FROM session WHERE id = ?", kept_session)
            kept = [p for p in tmp_path.iterdir() if ".damaged-" in p.name
                    and not p.name.endswith(("-wal", "-shm"))]
            assert len(kept) == 1 and kept[0].read_bytes() == damaged
            assert kept[0].name in st["status"]
            assert app.quit() == 0
            assert app.stderr.strip() == "", app.stderr
        except BaseException:
            disp.screenshot(tmp_path / "failed.png")
            app.kill()
            raise
