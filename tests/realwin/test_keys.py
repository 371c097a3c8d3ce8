"""Keys as X11 delivers them (Shift+Tab arrives as Backtab with Shift): each one
does its job and Qt never reports an ambiguous shortcut."""

from __future__ import annotations

from .harness import App, display


def test_tab_and_shift_tab_step_through_the_cells(tmp_path):
    with display() as disp:
        app = App(disp, tmp_path / "lib.sqlite", tmp_path)
        try:
            app.ready()
            st = app.state()
            order = [(c["stage_id"], c["lane_id"]) for c in st["cells"]]
            app.key("Tab")
            start = tuple(app.state()["current_cell"])
            app.key("Tab")
            after_tab = tuple(app.state()["current_cell"])
            app.key("shift+Tab")
            back = tuple(app.state()["current_cell"])
            assert after_tab != start and back == start, (start, after_tab, back)
            assert start in order and after_tab in order
            assert "Ambiguous" not in app.stderr, app.stderr
        finally:
            app.kill()
