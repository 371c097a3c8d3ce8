"""Edits in the real window, timed to the frame that shows them:
`python -m benchmarks.realwin_edits --notes 5000 [--reps 5] [--json]`.

Issue 12 asks that, in the real window on a 5,000-note map, typing a note and
pressing Esc, dragging a note, undo and a vote each repaint within a frame or
two. This benchmark measures exactly that, from outside the way a facilitator
works and inside for the clock:

- A session of N notes (`benchmarks.generate.generate_session`, 8 stages × 8
  lanes) is written to a fresh library, and Waymark is started on it as a
  separate process (`main.py --db`, the xcb platform under Xvfb 1920×1080 with
  openbox, `-X faulthandler`; `tests/realwin/harness.py` starts it) and
  maximised through the window manager. The map shows as it opens (fitted to
  the width, from the top).
- It is driven with real X events only (xdotool): per repetition
  (a) `edit_text`: a click selects a visible note, F2 opens its editor, a few
  characters are typed, Esc ends editing (Esc commits); (b) `drag_note`: a
  note is dragged with the mouse (button down, 12 moves, button up) into the
  next stage's cell of the same lane; (c) `undo`: Ctrl+Z takes the drag back.
  Then (d) `vote`: a voting round is started with the toolbar's Vote button and
  its dialog (Return), and a click on a note places a dot, once per repetition
  on different notes.
- Each edit is checked in the SQLite file (the text changed, the note moved,
  undo put it back, one more vote of the round): a timing of an edit that did
  not happen is not a timing.
- The clock is the app's own: `WAYMARK_FRAME_PROBE=FILE` switches on
  `ui.probe.FrameProbe`, which appends a JSON line stamped with
  `time.perf_counter()` for every key and viewport mouse button the app
  receives, every library commit, every document `changed` and every viewport
  frame (its Paint, and its end: the first event other than a Paint that the
  app delivers after it, once Qt's paint-and-flush pass is over; see the
  class). Nothing crosses process clocks.

For one edit, from the probe's lines after the moment just before its last
input was sent (read once the frame has come and the app has been quiet for
0.3 s more): the input is the first Esc key (edit_text), left-button release
(drag_note), Ctrl+Z (undo) or left-button press (vote: the voting layer votes
on the press), at its first delivery to any object of the app. The edit counts
as applied at the latest of: its first commit after the input, the first
`changed` and the first `edited` of a document after that commit (the window's
scene has the new layout by then, and `MapDocument.run` has returned). The
frame is the first viewport paint that starts after that, and its end is when
the screen has it. Reported per kind, medians over the
repetitions:

- `input_to_frame_ms`: input → end of that frame (the issue's number);
  `frames_60hz`: the same in 60 Hz frames (ms / 16.67);
- `input_to_commit_ms`: input → the library's commit returned (what the UI
  does before committing, and the commit);
- `input_to_changed_ms`: input → the last `changed` before the frame, stamped
  after the window's own slot: the commit, the document's refresh and layout,
  the scene given the new layout and whatever that triggers (the voting bar's
  refresh, …);
- `paint_ms`: that frame's paint pass (start → end);
- `gc_ms` (median) and `gc_ms_max`: time in Python's garbage collector
  between the input and the frame's end (collections of 0.5 ms or more), a
  usual cause of a slow repetition;
- `input_to_frame_ms_all` (every repetition, in order), `_min`, `_max`;
  `reps_without_changed`: repetitions whose commit no `changed` followed (an
  incremental path that does not emit it: the frame is then the first after
  the commit).

Also the machine's CPUs and 1-minute load average before and after (the
machine is shared: a median under load is slower than on a quiet machine; see
`_min`), the viewport as opened, and the zoom. Timings only; no asserts. The smoke test is
tests/realwin/test_realwin_benchmark.py; the numbers go into
docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.generate import generate_session
from storage import Library
from tests.realwin.harness import App, display, query

FRAME_MS = 1000 / 60
KEY_ESCAPE = 0x01000000  # Qt.Key.Key_Escape
KEY_Z = 0x5A
CTRL = 0x04000000  # Qt.KeyboardModifier.ControlModifier
LEFT = 1  # Qt.MouseButton.LeftButton
KINDS = ("edit_text", "drag_note", "undo", "vote")


# -- reading the probe's lines -------------------------------------------------------------
def read_records(path: Path, offset: int = 0) -> list[dict[str, Any]]:
    """The complete JSON lines of the probe file from byte `offset` on."""
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            data = fh.read()
    except FileNotFoundError:
        return []
    out = []
    for line in data.split(b"\n")[:-1]:  # the last piece is "" or a line being written
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def is_input(kind: str, rec: dict[str, Any]) -> bool:
    """Whether `rec` is the input event that completes an edit of `kind`."""
    e = rec.get("e")
    if kind == "edit_text":
        return e == "key" and rec["k"] == KEY_ESCAPE
    if kind == "undo":
        return e == "key" and rec["k"] == KEY_Z and bool(rec["m"] & CTRL)
    if kind == "drag_note":
        return e == "release" and rec["b"] == LEFT
    if kind == "vote":
        return e == "press" and rec["b"] == LEFT
    raise ValueError(kind)


def timing(kind: str, records: list[dict[str, Any]]) -> dict[str, float] | None:
    """Input → commit → changed → frame for one edit; None until its frame has ended."""
    records = [r for r in records if r.get("e") != "ready"]
    inp = next((r for r in records if is_input(kind, r)), None)
    if inp is None:
        return None
    t0 = inp["t"]
    commit = next((r for r in records if r["e"] == "commit" and r["t"] >= t0), None)
    if commit is None:
        return None
    changed = next((r for r in records if r["e"] == "changed" and r["t"] >= commit["t"]), None)
    edited = next((r for r in records if r["e"] == "edited" and r["t"] >= commit["t"]), None)
    applied = max([commit["t"]] + [r["t"] for r in (changed, edited) if r is not None])
    frame = next((r for r in records if r["e"] == "painted" and r["s"] is not None
                  and r["s"] >= applied), None)
    if frame is None:
        return None
    # No key, button, commit or `changed` happens inside a paint pass, so the first of
    # them after the paint began bounds the frame's end too (the probe's own end mark
    # normally comes first).
    end = min([frame["t"]] + [r["t"] for r in records if frame["s"] < r["t"] < frame["t"]
                              and r["e"] not in ("paint", "painted")])
    # The scene has the edit once the last `changed` before that frame is done (an
    # edit's slots may make the document emit again inside the first emission).
    last_changed = [r["t"] for r in records if r["e"] == "changed"
                    and commit["t"] <= r["t"] < frame["s"]]
    out = {"input_to_frame_ms": (end - t0) * 1000,
           "input_to_commit_ms": (commit["t"] - t0) * 1000,
           "paint_ms": (end - frame["s"]) * 1000,
           "frame_start_after_applied_ms": (frame["s"] - applied) * 1000,
           # Python's garbage collections in the meantime (the app stood still)
           "gc_ms": sum(r["ms"] for r in records if r["e"] == "gc" and t0 <= r["s"] < end)}
    if last_changed:
        out["input_to_changed_ms"] = (last_changed[-1] - t0) * 1000
    return out


# -- driving the window ------------------------------------------------------------------
class Driver:
    """One Waymark window on a generated library, and the probe file it writes."""

    def __init__(self, app: App, probe: Path, db: Path) -> None:
        self.app = app
        self.probe = probe
        self.db = db

    def quiet(self, seconds: float = 0.4) -> dict:
        """Let the app finish what it is doing; then what it shows (the probe answers
        only from its event loop, so an answer means the loop is running again)."""
        self.app.settle(seconds)
        st = self.app.state(timeout=60)
        self.app.settle(0.25)  # the answer itself: a big JSON
        return st

    def timed(self, kind: str, act: Callable[[], None], timeout: float = 120) -> dict:
        """Do `act` (which sends the edit's last input) and time it from the probe."""
        offset = self.probe.stat().st_size
        act()
        deadline = time.monotonic() + timeout
        while (t := timing(kind, read_records(self.probe, offset))) is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"{kind}: no frame after the edit within {timeout} s; "
                                     f"probe lines: {read_records(self.probe, offset)[:40]}")
            self.app.settle(0.05)
        # Read again once the app is quiet, so that a `changed` that comes late (after
        # the first frame following the commit) is seen whenever the poll ran.
        self.app.settle(0.3)
        return timing(kind, read_records(self.probe, offset)) or t

    def visible_notes(self, st: dict, margin: int = 8) -> list[dict]:
        """Notes wholly inside the viewport and big enough to hit, top-left first."""
        vx, vy, vw, vh = st["viewport"]
        out = [n for n in st["notes"]
               if n["rect"][0] >= vx + margin and n["rect"][1] >= vy + margin
               and n["rect"][0] + n["rect"][2] <= vx + vw - margin
               and n["rect"][1] + n["rect"][3] <= vy + vh - margin
               and n["rect"][2] >= 12 and n["rect"][3] >= 8]
        return sorted(out, key=lambda n: (n["rect"][1], n["rect"][0]))

    def note_row(self, note_id: str) -> tuple:
        return query(self.db, "SELECT text, stage_id, lane_id, position FROM note "
                              "WHERE id = ?", note_id)[0]

    @staticmethod
    def centre(rect: list[int]) -> tuple[int, int]:
        x, y, w, h = rect
        return x + w // 2, y + h // 2

    # -- the edits ---------------------------------------------------------------------
    def edit_text(self, st: dict, i: int) -> dict:
        notes = self.visible_notes(st)
        note = notes[(7 * i + 3) % len(notes)]
        before = self.note_row(note["id"])[0]
        self.app.click(*self.centre(note["rect"]))
        self.app.settle(0.3)
        self.app.key("F2", delay=0.3)
        self.app.type(f" edited {i}")
        self.app.settle(0.9)  # the typing draft's save (600 ms throttle) is done and shown
        t = self.timed("edit_text", lambda: self.app.disp.xdotool("key", "Escape"))
        self.app.until(lambda: self.note_row(note["id"])[0] != before,
                       "edit_text: the note's text did not change")
        assert self.note_row(note["id"])[0].endswith(f"edited {i}"), self.note_row(note["id"])
        return t

    def drag_and_undo(self, st: dict, i: int) -> tuple[dict, dict]:
        vx, vy, vw, vh = st["viewport"]
        notes = self.visible_notes(st)
        stages = [s["id"] for s in sorted(st["stages"], key=lambda s: s["rect"][0])]
        cells = {(c["stage_id"], c["lane_id"]): c["rect"] for c in st["cells"]}
        for k in range(len(notes)):
            note = notes[(5 * i + 1 + k) % len(notes)]
            s = stages.index(note["stage_id"])
            target_stage = stages[s + 1] if s + 1 < len(stages) else stages[s - 1]
            rect = cells.get((target_stage, note["lane_id"]))
            if rect is None:
                continue
            # The part of the target cell on the screen; the drop lands in its middle.
            x0, y0 = max(rect[0], vx + 10), max(rect[1], vy + 10)
            x1 = min(rect[0] + rect[2], vx + vw - 10)
            y1 = min(rect[1] + rect[3], vy + vh - 10)
            if x1 - x0 > 20 and y1 - y0 > 20:
                break
        else:
            raise AssertionError("drag_note: no note with a visible neighbouring cell")
        before = self.note_row(note["id"])
        (sx, sy), (tx, ty) = self.centre(note["rect"]), ((x0 + x1) // 2, (y0 + y1) // 2)
        d = self.app.disp
        d.xdotool("mousemove", "--sync", str(sx), str(sy))
        d.xdotool("mousedown", "1")
        for step in range(1, 13):
            d.xdotool("mousemove", "--sync", str(sx + (tx - sx) * step // 12),
                      str(sy + (ty - sy) * step // 12))
            time.sleep(0.03)
        self.app.settle(0.3)  # the drag's own repaints are not the edit's
        drag = self.timed("drag_note", lambda: d.xdotool("mouseup", "1"))
        self.app.until(lambda: self.note_row(note["id"])[1] == target_stage,
                       "drag_note: the note did not move to the next stage")
        self.quiet()
        undo = self.timed("undo", lambda: d.xdotool("key", "--clearmodifiers", "ctrl+z"))
        self.app.until(lambda: self.note_row(note["id"])[1:3] == before[1:3],
                       "undo: the note did not go back to its cell")
        return drag, undo

    def start_round(self) -> str:
        app = self.app
        app.click_on(app.button("Vote", window="Waymark"))
        app.wait_active("voting round")
        app.key("Return")
        app.wait_active("Waymark")
        rows = app.until(lambda: query(self.db, "SELECT id FROM vote_round WHERE status = "
                                                "'open' ORDER BY created_at DESC"),
                         "vote: the voting round did not start")
        return rows[0][0]

    def vote(self, st: dict, i: int, round_id: str) -> dict:
        notes = self.visible_notes(st)
        note = notes[(11 * i + 2) % len(notes)]
        count = "SELECT COUNT(*) FROM vote WHERE round_id = ?"
        before = query(self.db, count, round_id)[0][0]
        x, y = self.centre(note["rect"])
        self.app.disp.xdotool("mousemove", "--sync", str(x), str(y))
        self.app.settle(0.3)
        t = self.timed("vote", lambda: self.app.disp.xdotool("click", "1"))
        self.app.until(lambda: query(self.db, count, round_id)[0][0] == before + 1,
                       "vote: no dot was placed")
        return t


def summarise(runs: list[dict]) -> dict[str, Any]:
    def med(key: str) -> float | None:
        vals = [r[key] for r in runs if key in r]
        return round(statistics.median(vals), 2) if vals else None

    frame = [r["input_to_frame_ms"] for r in runs]
    return {
        "input_to_frame_ms": med("input_to_frame_ms"),
        "frames_60hz": round(statistics.median(frame) / FRAME_MS, 2),
        "input_to_commit_ms": med("input_to_commit_ms"),
        "input_to_changed_ms": med("input_to_changed_ms"),
        "paint_ms": med("paint_ms"),
        "gc_ms": med("gc_ms"),
        "gc_ms_max": round(max(r.get("gc_ms", 0) for r in runs), 2),
        "input_to_frame_ms_min": round(min(frame), 2),
        "input_to_frame_ms_max": round(max(frame), 2),
        "input_to_frame_ms_all": [round(v, 2) for v in frame],
        # Repetitions where no document emitted `changed` after the commit: their frame
        # is the first one after the commit (see `timing`).
        "reps_without_changed": sum("input_to_changed_ms" not in r for r in runs),
    }


def run(notes: int = 5000, reps: int = 5, stages: int = 8, lanes: int = 8,
        kinds: tuple[str, ...] = KINDS, keep: Path | None = None,
        screenshots: bool = False) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="waymark-realwin-bench-") as tmp:
        home = keep or Path(tmp)
        home.mkdir(parents=True, exist_ok=True)
        db = home / "library.sqlite"
        lib = Library(db)
        try:
            lib.run(generate_session, notes, stages, lanes)
        finally:
            lib.close()
        probe = home / "frames.jsonl"
        load_before = os.getloadavg()[0]
        results: dict[str, list[dict]] = {k: [] for k in kinds}
        with display() as disp:
            t0 = time.monotonic()
            app = App(disp, db, home, {"WAYMARK_FRAME_PROBE": str(probe)})
            try:
                app.ready()
                drv = Driver(app, probe, db)
                st = drv.quiet(1.0)
                open_s = time.monotonic() - t0
                shown = len(drv.visible_notes(st))
                viewport, zoom = st["viewport"][2:], st["zoom"]
                if screenshots:
                    disp.screenshot(home / "opened.png")
                for i in range(reps):
                    if "edit_text" in kinds:
                        results["edit_text"].append(drv.edit_text(st, i))
                        st = drv.quiet()
                    if "drag_note" in kinds or "undo" in kinds:
                        drag, undo = drv.drag_and_undo(st, i)
                        for k, t in (("drag_note", drag), ("undo", undo)):
                            if k in kinds:
                                results[k].append(t)
                        st = drv.quiet()
                if screenshots:
                    disp.screenshot(home / "edited.png")
                if "vote" in kinds:
                    round_id = drv.start_round()
                    st = drv.quiet(0.8)
                    for i in range(reps):
                        results["vote"].append(drv.vote(st, i, round_id))
                        st = drv.quiet()
                    if screenshots:
                        disp.screenshot(home / "voted.png")
                app.check_alive()
            except BaseException:
                if keep is not None:
                    disp.screenshot(home / "failed.png")
                raise
            finally:
                app.kill()
        return {
            "notes": notes,
            "reps": reps,
            "platform": f"xcb (Xvfb {disp.width}x{disp.height}, openbox), maximised",
            "viewport": viewport,  # as opened (the voting bar takes some of it later)
            "zoom": round(zoom, 4),
            "notes_on_screen": shown,
            "open_s": round(open_s, 2),
            "cpus": os.cpu_count(),
            "load_avg_1min_before": round(load_before, 2),
            "load_avg_1min_after": round(os.getloadavg()[0], 2),
            "frame_ms_60hz": round(FRAME_MS, 2),
            "kinds": {k: summarise(v) for k, v in results.items() if v},
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.realwin_edits",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=5000)
    parser.add_argument("--reps", type=int, default=5, help="repetitions of each edit")
    parser.add_argument("--stages", type=int, default=8)
    parser.add_argument("--lanes", type=int, default=8)
    parser.add_argument("--kinds", default=",".join(KINDS),
                        help=f"comma-separated, of {', '.join(KINDS)}")
    parser.add_argument("--keep", type=Path, default=None,
                        help="work in this folder and keep it (library, probe lines, "
                             "screenshots)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))} (known: {', '.join(KINDS)})")
    result = run(args.notes, max(1, args.reps), args.stages, args.lanes, kinds, args.keep,
                 screenshots=args.keep is not None)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>22}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
