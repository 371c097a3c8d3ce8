"""Adding a stage or lane in the real window is one commit (issue 12, item 6).

With real X events (xdotool): select a stage header with the mouse, Ctrl+Shift+T, type
the name, Enter — the library file has exactly one new stage with that name, one more
commit in its write-ahead log, the undo stack one more entry (Edit ▸ Undo names it) and
the map shows the new header. A second attempt from the header's context menu ended with
Esc leaves the file byte for byte as it was. A lane added from the keyboard alone
(Ctrl+Shift+R, its kind from the popup) is one commit too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .harness import App, display, query


def wal_commits(db: Path) -> int:
    """Commits in the library's write-ahead log now: the frames of its current
    generation (salts equal to the header's) that end a transaction."""
    wal = db.with_name(db.name + "-wal")
    data = wal.read_bytes() if wal.exists() else b""
    if len(data) < 32:
        return 0
    page, salts = int.from_bytes(data[8:12], "big"), data[16:24]
    count, offset = 0, 32
    while offset + 24 + page <= len(data):
        frame = data[offset:offset + 24]
        if frame[8:16] != salts:
            break
        if int.from_bytes(frame[4:8], "big"):  # "database size after commit": a commit
            count += 1
        offset += 24 + page
    return count


def fingerprint(db: Path) -> tuple[str, ...]:
    """The library's bytes: the database file and its write-ahead log."""
    return tuple(hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else ""
                 for p in (db, db.with_name(db.name + "-wal")))


def stages(db: Path, map_id: str) -> list[tuple[str, str]]:
    return query(db, "SELECT id, name FROM stage WHERE map_id = ? ORDER BY position", map_id)


def lanes(db: Path, map_id: str) -> list[tuple[str, str, str]]:
    return query(db, "SELECT id, name, kind FROM lane WHERE map_id = ? ORDER BY position",
                 map_id)


def centre(rect: list[int]) -> tuple[int, int]:
    x, y, w, h = rect
    return x + w // 2, y + h // 2


def undo_text(app: App) -> str:
    return next(a["text"] for a in app.state()["actions"] if a["text"].startswith("Undo")
                and a["text"] != "Undo History")


def test_add_a_named_stage_is_one_commit_and_escape_writes_nothing(tmp_path):
    db = tmp_path / "lib.sqlite"
    with display() as disp:
        app = App(disp, db, tmp_path)
        try:
            app.ready()
            st = app.state()
            map_id, undo_count = st["map_id"], st["undo"]["count"]
            before = stages(db, map_id)
            assert len(before) == 5
            commits = wal_commits(db)

            # Select Purchase with the mouse, Ctrl+Shift+T: the name opens, nothing is written.
            app.click(*centre(st["stages"][2]["rect"]))
            app.key("ctrl+shift+t")
            app.until(lambda: app.state()["status"].startswith("Type the name"),
                      "the new stage's name never opened")
            assert stages(db, map_id) == before and wal_commits(db) == commits
            app.type("Delivery")
            app.key("Return")
            app.until(lambda: len(stages(db, map_id)) == 6, "no stage was added")
            app.settle(0.3)

            after = stages(db, map_id)
            new = [row for row in after if row not in before]
            assert len(new) == 1 and new[0][1] == "Delivery", after
            assert after.index(new[0]) == 3  # after Purchase
            assert wal_commits(db) == commits + 1  # one transaction for adding it, named
            st = app.state()
            assert st["undo"]["count"] == undo_count + 1
            assert undo_text(app) == "Undo Add stage “Delivery”"
            shown = [s["id"] for s in st["stages"]]  # the headers the map shows, in order
            assert shown == [row[0] for row in after]
            assert st["status"] == "Added stage “Delivery”"

            # A second attempt from Loyalty's context menu (Add Stage &Before), then Esc.
            print_before, commits = fingerprint(db), wal_commits(db)
            app.click(*centre(st["stages"][5]["rect"]), button=3)
            app.until(lambda: app.state()["popup"], "the header's menu never opened")
            app.key("b")
            app.until(lambda: app.state()["status"].startswith("Type the name"),
                      "the second stage's name never opened")
            app.type("Never")
            app.key("Escape")
            app.until(lambda: app.state()["status"] == "Nothing added", "Esc was not taken")
            app.settle(0.5)
            assert stages(db, map_id) == after
            assert wal_commits(db) == commits
            assert fingerprint(db) == print_before  # not a byte written
            st = app.state()
            assert st["undo"]["count"] == undo_count + 1
            assert [s["id"] for s in st["stages"]] == [row[0] for row in after]

            # Undo takes the stage away in one step.
            app.key("ctrl+z")
            app.until(lambda: len(stages(db, map_id)) == 5, "undo did not remove the stage")
            assert stages(db, map_id) == before
            assert wal_commits(db) == commits + 1
        finally:
            app.kill()


def test_add_a_lane_from_the_keyboard_is_one_commit(tmp_path):
    db = tmp_path / "lib.sqlite"
    with display() as disp:
        app = App(disp, db, tmp_path)
        try:
            app.ready()
            st = app.state()
            map_id, undo_count = st["map_id"], st["undo"]["count"]
            before = lanes(db, map_id)
            commits = wal_commits(db)
            app.key("ctrl+shift+r")  # Add Lane…: the kinds pop up
            app.until(lambda: app.state()["popup"], "the lane kinds never popped up")
            app.key("Down", "Return")  # the first kind: Touchpoints
            app.until(lambda: app.state()["status"].startswith("Type the name"),
                      "the new lane's name never opened")
            assert lanes(db, map_id) == before and wal_commits(db) == commits
            app.type("Web shop")
            app.key("Return")
            app.until(lambda: len(lanes(db, map_id)) == len(before) + 1, "no lane was added")
            app.settle(0.3)
            after = lanes(db, map_id)
            new = [row for row in after if row not in before]
            assert [(name, kind) for _id, name, kind in new] == [("Web shop", "touchpoints")]
            assert wal_commits(db) == commits + 1
            st = app.state()
            assert st["undo"]["count"] == undo_count + 1
            assert undo_text(app) == "Undo Add lane “Web shop”"
            assert [lane["id"] for lane in st["lanes"]] == [row[0] for row in after]
        finally:
            app.kill()
