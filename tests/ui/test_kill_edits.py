"""SIGKILL after any sequence of edits, undos and redos: reopening shows exactly the
map of the last handled step.

A child process (this file run as a script) opens the library, applies a
seeded random sequence of note and stage edits, undos and redos through
`MapDocument` and a `QUndoStack` (offscreen Qt), and after each step — once
its commit has returned — prints the expected map as one JSON line. The test
kills it at random moments, reopens the file and checks that the map equals
the last printed one, or the one after it when the kill fell between a
commit and its print. That next map comes from a reference run of the same
seed (ids are made deterministic in the child), so exactly those two are
accepted.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEED = 4242
KILL_DELAYS = (0.02, 0.25, 0.6, 1.1, 1.7)  # seconds after the child is ready, plus jitter


def snapshot(data: Any) -> dict:
    """The visible map as plain JSON values."""
    return json.loads(json.dumps({
        "stages": [[s.id, s.name, s.position] for s in data.stages],
        "lanes": [[ln.id, ln.name, ln.collapsed] for ln in data.lanes],
        "notes": {f"{k[0]}/{k[1]}": [[n.id, n.text, n.colour, n.tags, n.position] for n in v]
                  for k, v in sorted(data.notes.items()) if v},
        "votes": {k: sorted(v) for k, v in sorted(data.votes.items()) if v},
    }))


# -- the child ---------------------------------------------------------------------------

def _random_step(doc: Any, stack: Any, rng: random.Random, cmd: Any) -> None:
    data = doc.data
    notes = data.all_notes()
    roll = rng.random()
    if roll < 0.2 and stack.canUndo():
        stack.undo()
        return
    if roll < 0.3 and stack.canRedo():
        stack.redo()
        return
    stage, lane = rng.choice(data.stages), rng.choice(data.lanes)
    cell = (stage.id, lane.id)
    kind = rng.choice(["add", "add", "edit", "move", "move", "delete", "colour", "stage"])
    command: Any = None
    if kind == "add" or not notes:
        n = len(data.notes.get(cell, []))
        command = cmd.add_notes(doc, [{"stage_id": stage.id, "lane_id": lane.id,
                                       "index": rng.randint(0, n),
                                       "text": f"note {rng.randrange(10**6)}"}])[0]
    elif kind == "edit":
        command = cmd.edit_note(doc, rng.choice(notes).id, text=f"edited {rng.randrange(999)}")
    elif kind == "move":
        moving = rng.sample(notes, min(len(notes), rng.choice([1, 2, 3])))
        n = len(data.notes.get(cell, []))
        command = cmd.move_notes(doc, [m.id for m in moving], cell, rng.randint(0, n))
    elif kind == "delete":
        command = cmd.DeleteNotes(doc, [m.id for m in rng.sample(notes, min(2, len(notes)))])
    elif kind == "colour":
        command = cmd.edit_notes(doc, [rng.choice(notes).id], "Colour",
                                 colour=rng.choice(["#F9E79F", "#AED6F1", "#F1B9C8"]))
    elif rng.random() < 0.5:
        command = cmd.rename_stage(doc, stage.id, f"Stage {rng.randrange(999)}")
    else:
        command = cmd.move_stage(doc, stage.id, rng.randrange(len(data.stages)))
    cmd.push(stack, command)


def child(path: str, seed: int, steps: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication, QUndoStack

    from journey.queries import list_sessions, maps_of
    from storage import Library
    from ui.commands import map_commands as cmd
    from ui.document import MapDocument

    _app = QGuiApplication([])
    counter = itertools.count()
    cmd.new_id = lambda: f"kill{next(counter):08d}"  # the same ids in every run of the seed
    library = Library(path)
    session = library.read(list_sessions)[0]["id"]
    doc = MapDocument(library, library.read(maps_of, session)[0].id)
    stack = QUndoStack()
    rng = random.Random(seed)
    out = sys.stdout
    out.write(json.dumps({"step": 0, "map": snapshot(doc.data)}) + "\n")
    out.flush()
    for step in range(1, steps + 1):
        _random_step(doc, stack, rng, cmd)  # committed when this returns
        out.write(json.dumps({"step": step, "map": snapshot(doc.data)}) + "\n")
        out.flush()
    del _app


# -- the test -------------------------------------------------------------------------------

def _run_child(path: Path, steps: int, kill_after: float | None) -> tuple[list[dict], int]:
    """Run the child; kill it `kill_after` s after it is ready. (printed steps, returncode)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, __file__, "child", str(path), str(SEED), str(steps)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    lines: list[bytes] = []
    ready = threading.Event()

    def drain() -> None:  # keep the pipe empty so the child never waits on a print
        for line in proc.stdout:
            lines.append(line)
            ready.set()
        ready.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    assert ready.wait(60), "the child did not start"
    if kill_after is not None:
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=120)
    reader.join(timeout=30)
    err = proc.stderr.read().decode(errors="replace")
    assert kill_after is not None or proc.returncode == 0, err
    printed = [json.loads(b) for b in lines if b.endswith(b"\n")]
    return printed, proc.returncode


def _reopen(path: Path) -> dict:
    from journey.queries import list_sessions, load_map, maps_of
    from storage import Library

    with Library(path) as lib:
        assert lib.integrity_check() == "ok"
        session = lib.read(list_sessions)[0]["id"]
        return snapshot(lib.read(load_map, lib.read(maps_of, session)[0].id))


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
def test_sigkill_at_random_moments_keeps_the_last_handled_step(tmp_path: Path):
    from journey.demo import add_demo_session
    from storage import Library

    template = tmp_path / "template.sqlite"
    with Library(template) as lib:
        lib.run(add_demo_session)
    rng = random.Random(SEED)
    results = []
    for i, delay in enumerate(KILL_DELAYS):
        path = tmp_path / f"run{i}.sqlite"
        shutil.copyfile(template, path)
        printed, code = _run_child(path, 100_000, delay + rng.uniform(0, 0.05))
        assert code == -signal.SIGKILL
        assert printed, "nothing was printed before the kill"
        results.append((printed, _reopen(path)))
    last = max(p[-1]["step"] for p, _ in results)
    shutil.copyfile(template, tmp_path / "reference.sqlite")
    reference, _ = _run_child(tmp_path / "reference.sqlite", last + 1, None)
    assert [r["step"] for r in reference] == list(range(last + 2))
    steps = []
    for printed, reopened in results:
        k = printed[-1]["step"]
        assert [p["map"] for p in printed] == [r["map"] for r in reference[:k + 1]], \
            "the child is not deterministic"
        assert reopened in (reference[k]["map"], reference[k + 1]["map"]), k
        steps.append((k, "printed" if reopened == reference[k]["map"] else "next"))
    print(f"\nkilled after steps (DB = last printed or next): {steps}")
    ks = [k for k, _ in steps]
    assert len(set(ks)) > 1 and max(ks) > 10, steps  # killed at different moments


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "child":
    child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
