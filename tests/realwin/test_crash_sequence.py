"""Issue 9's crash: the set-up flow in a real xcb window, replayed with real X events.

Before the fix the app died (SIGSEGV in QGraphicsView::paintEvent) after the
session details dialog and a few notes typed by keyboard; under
MALLOC_PERTURB_ (freed memory is overwritten, so a use after free faults at
once) it died every time. `WAYMARK_CRASH_RUNS` repeats it (`make soak` runs 10).
"""

from __future__ import annotations

import os

import pytest

from .flows import notes_by_keyboard, set_up
from .harness import App, display, query

RUNS = int(os.environ.get("WAYMARK_CRASH_RUNS", "2"))


@pytest.mark.parametrize("run", range(RUNS))
def test_the_set_up_sequence_does_not_crash(tmp_path, run, monkeypatch):
    monkeypatch.setenv("MALLOC_PERTURB_", "165")
    db = tmp_path / "lib.sqlite"
    with display() as disp:
        app = App(disp, db, tmp_path)
        try:
            app.ready()
            set_up(app, "Onboarding workshop", "Onboard new customers", "Amira, Ben, Chloe",
                   ["Maya", "Commuter, 34", "Keep it simple", "Start fast", "Too many steps"])
            typed = notes_by_keyboard(app, [("", 1), ("Down", 1), ("Right", 2), ("Right", 2),
                                            ("Right", 1)])
            app.key("Right", "Return")
            app.type("last one")
            app.settle(1.0)
            app.check_alive()
            assert "Fatal" not in app.stderr
        finally:
            app.kill()
    sid = query(db, "SELECT id FROM session WHERE title = 'Onboarding workshop'")[0][0]
    texts = {t for (t,) in query(db, "SELECT n.text FROM note n JOIN journey_map m "
                                      "ON n.map_id = m.id WHERE m.session_id = ?", sid)}
    assert {f"note {i}" for i in range(1, typed + 1)} | {"last one"} <= texts
    assert query(db, "SELECT goal FROM session WHERE id = ?", sid) == [("Onboard new customers",)]
    assert [n for (n,) in query(db, "SELECT name FROM participant WHERE session_id = ? "
                                    "ORDER BY position", sid)] == ["Amira", "Ben", "Chloe"]
    (persona,) = query(db, "SELECT id, role, goals, frustrations FROM persona "
                           "WHERE session_id = ?", sid)
    assert persona[1:] == ("Commuter, 34", "Start fast", "Too many steps")
    assert query(db, "SELECT persona_id FROM journey_map WHERE session_id = ?", sid) == [
        (persona[0],)]
