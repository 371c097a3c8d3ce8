"""Dot voting in a real X11 window (Xvfb + openbox + xdotool, tests/realwin/harness.py):
a click on a participant chip must leave the keyboard on the map, so the arrows
move to the next note and V votes on it. What happened is read from the `vote`
table with sqlite3."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from sqlmodel import select

from journey import ops
from journey.demo import add_demo_session
from journey.models import JourneyMap
from storage import Library

BEN = (0x00, 0x72, 0xB2)  # Ben's colour in the demo: his chip's border

VOTES = ("select p.name, n.text from vote v join participant p on p.id = v.participant_id "
         "join note n on n.id = v.note_id where v.round_id = ? order by v.created_at, v.id")


def chip_centre(png: Path, colour: tuple[int, int, int], top: int = 220) -> tuple[int, int]:
    """Centre of the pixels of `colour` in the top band of the screen (the voting bar)."""
    img = Image.open(png).convert("RGB")
    width = img.width
    px = img.load()
    xs, ys = [], []
    for y in range(top):
        for x in range(width):
            if px[x, y] == colour:
                xs.append(x)
                ys.append(y)
    assert xs, f"no chip of colour {colour} in {png}"
    return (min(xs) + max(xs)) // 2, (min(ys) + max(ys)) // 2


def test_a_chip_click_keeps_the_arrows_and_v_on_the_map(tmp_path):
    from tests.realwin.harness import App, display, query

    home = tmp_path / "home"
    home.mkdir()
    db = home / "library.sqlite"
    lib = Library(db)
    session = lib.run(add_demo_session)
    map_id = lib.read(lambda d: d.exec(select(JourneyMap).where(
        JourneyMap.session_id == session.id).order_by(JourneyMap.position)).first().id)
    rnd = lib.run(ops.start_round, map_id, "Real room", 3, hide_totals=False)
    lib.close()
    with display() as disp:
        app = App(disp, db, home)
        try:
            app.maximize()
            app.wait_active("Waymark")
            app.key("alt+w")  # Workshop › Voting Rounds… › Continue voting
            app.settle(0.4)
            app.key("r")
            app.wait_window("Voting rounds")
            app.key("alt+v")
            app.wait_active("Waymark")
            app.settle(0.8)
            # The map has the keyboard again once the dialog is gone: no cell is current,
            # so Right makes the first cell current, then moves to the next cell's note.
            app.key("Right", "Right")
            app.key("v")
            app.settle(0.4)
            disp.screenshot(tmp_path / "first.png")
            first = query(db, VOTES, rnd.id)
            assert len(first) == 1 and first[0][0] == "Amira", first
            shot = disp.screenshot(tmp_path / "bar.png")
            cx, cy = chip_centre(shot, BEN)
            app.click(cx, cy)  # Ben votes now
            app.key("Right")  # to the next note …
            app.key("v")  # … and a dot from Ben on it
            app.settle(0.4)
            disp.screenshot(tmp_path / "after.png")
            votes = query(db, VOTES, rnd.id)
            assert [v[0] for v in votes] == ["Amira", "Ben"], votes
            assert votes[1][1] != votes[0][1], "the arrow after the chip click was lost"
            app.check_alive()
        finally:
            app.kill()
