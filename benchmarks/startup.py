"""Start-up and quit benchmark: `python -m benchmarks.startup [--json] [--xcb]`.

Waymark is started as a separate, cold Python process (`python main.py --db
PATH`), as a facilitator starts it, on two libraries made with
`benchmarks.generate`: a small one (one session of 20 notes) and a big one (one
session of 5,000 notes). The process gets its own home, settings and cache
folders, and an opt-in probe (`ui/probe.py`, switched on by the
environment variable WAYMARK_STARTUP_PROBE) writes the wall-clock time at which
the map view finished painting the session it opened, then asks to quit as
File › Quit does.

Per library, one first start (no settings, no backup yet: it makes the first
backup and remembers the session) and then `--runs` later starts, each a new
process on the same home, are measured. Before each later start one note is
edited (as in every workshop), so each start finds a changed library and backs
it up (`--no-edit`: an unchanged library, told by its file identities). Modules
are compiled once into a bytecode cache of the benchmark's own, as in an
installed app, by an uncounted warm-up start (`--no-bytecode`: from source at
every start, as with PYTHONDONTWRITEBYTECODE=1 in this checkout).

- `start_s`: process start (just before `Popen`) → the first frame of the last
  session painted.
- `quit_s`: the quit request → the process has exited (`wait()` returned).
- `total_s`: process start → exit.

Medians, minimum and maximum of the later starts; the first start apart; the
machine's 1-minute load average before and after. Offscreen Qt by default;
`--xcb` runs the same on the real X11 platform under Xvfb (+ openbox). Timings
only; no asserts. The numbers go into docs/PERFORMANCE.md ("Start-up and quit").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = {"small": 20, "big": 5000}


def make_library(path: Path, notes: int) -> None:
    """A library with one generated session of `notes` notes (in its own process,
    so this process never imports the app)."""
    code = ("import sys; from benchmarks.generate import generate_session; "
            "from storage import Library; lib = Library(sys.argv[1]); "
            "lib.run(generate_session, int(sys.argv[2])); lib.close()")
    subprocess.run([sys.executable, "-c", code, str(path), str(notes)], cwd=str(ROOT),
                   check=True)


def edit_library(path: Path, n: int) -> None:
    """One committed edit, as a facilitator makes in every session: the next start
    finds a changed library and has to back it up."""
    from sqlalchemy import text

    from journey import ops
    from storage import Library

    lib = Library(path)
    try:
        row = lib.read(lambda db: db.exec(text("SELECT id FROM note LIMIT 1")).first())
        lib.run(ops.edit_note, row[0], text=f"Edited before start {n}")
    finally:
        lib.close()


def _probe_times(path: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            what, _, value = line.partition(" ")
            out.setdefault(what, float(value))
    return out


def run_once(db: Path, home: Path, env: dict[str, str], timeout: float = 120) -> dict[str, Any]:
    probe = home / "probe.txt"
    probe.unlink(missing_ok=True)
    run_env = {**env, "WAYMARK_STARTUP_PROBE": str(probe), "WAYMARK_STARTUP_PROBE_QUIT": "1",
               "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
               "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache")}
    run_env.pop("WAYMARK_DB", None)
    err = home / "stderr.txt"
    with open(err, "wb") as fh:
        t0 = time.time()
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--db", str(db)],
                                cwd=str(ROOT), env=run_env, stdout=fh, stderr=subprocess.STDOUT)
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"Waymark did not quit within {timeout} s:\n"
                               f"{err.read_text(errors='replace')[-3000:]}") from None
        t_exit = time.time()
    times = _probe_times(probe)
    if code != 0 or "first_frame" not in times or "quit_requested" not in times:
        raise RuntimeError(f"Waymark exited with {code}, probe {times}:\n"
                           f"{err.read_text(errors='replace')[-3000:]}")
    return {"start_s": round(times["first_frame"] - t0, 3),
            "quit_s": round(t_exit - times["quit_requested"], 3),
            "total_s": round(t_exit - t0, 3)}


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("start_s", "quit_s", "total_s"):
        values = [r[key] for r in runs]
        out[key] = {"median": round(statistics.median(values), 3), "min": min(values),
                    "max": max(values), "all": values}
    return out


def bench_library(name: str, notes: int, runs: int, tmp: Path, env: dict[str, str],
                  edit: bool = True) -> dict[str, Any]:
    db = tmp / name / "library.sqlite"
    home = tmp / name / "home"
    home.mkdir(parents=True)
    make_library(db, notes)
    first = run_once(db, home, env)
    later = []
    for i in range(runs):
        if edit:
            edit_library(db, i)
        later.append(run_once(db, home, env))
    backups = db.with_name(f"{db.stem}-backups")
    return {"notes": notes, "db_bytes": db.stat().st_size, "first_start": first,
            "later_starts": summarise(later),
            "backups_made": len(list(backups.glob("*.sqlite"))) if backups.is_dir() else 0}


@contextmanager
def xvfb_env():
    """An Xvfb display (with openbox when installed) for the xcb platform."""
    if shutil.which("Xvfb") is None:
        raise RuntimeError("--xcb needs Xvfb")
    number = next(n for n in range(150, 250) if not Path(f"/tmp/.X11-unix/X{n}").exists()
                  and not Path(f"/tmp/.X{n}-lock").exists())
    procs = [subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1920x1080x24",
                               "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)]
    env = {**os.environ, "DISPLAY": f":{number}", "QT_QPA_PLATFORM": "xcb",
           "QT_ACCESSIBILITY": "0", "NO_AT_BRIDGE": "1"}
    try:
        deadline = time.monotonic() + 15
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if procs[0].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.05)
        if shutil.which("openbox"):
            procs.append(subprocess.Popen(["openbox", "--sm-disable"], env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            time.sleep(0.5)
        yield env
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()


def run(runs: int = 5, xcb: bool = False, only: list[str] | None = None,
        bytecode: bool = True, edit: bool = True) -> dict[str, Any]:
    names = only or list(LIBRARIES)
    result: dict[str, Any] = {
        "platform": "xcb (Xvfb)" if xcb else "offscreen", "runs": runs,
        "bytecode_cache": bytecode, "edit_between_starts": edit,
        "python": platform.python_version(), "cpus": os.cpu_count(),
        "load_avg_1min_before": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory(prefix="waymark-startup-bench-") as tmp_name:
        tmp = Path(tmp_name)

        def bench(env: dict[str, str]) -> dict[str, Any]:
            if bytecode:
                # As an installed app: modules compiled once, to a cache of our own (the
                # tree is left alone), by a start on a throwaway library not counted.
                env = {**env, "PYTHONPYCACHEPREFIX": str(tmp / "pycache")}
                env.pop("PYTHONDONTWRITEBYTECODE", None)
                warm = tmp / "warm-up"
                (warm / "home").mkdir(parents=True)
                make_library(warm / "library.sqlite", 20)
                run_once(warm / "library.sqlite", warm / "home", env)
            else:
                env = {**env, "PYTHONDONTWRITEBYTECODE": "1"}
            return {n: bench_library(n, LIBRARIES[n], runs, tmp, env, edit) for n in names}

        if xcb:
            with xvfb_env() as env:
                libs = bench(env)
        else:
            libs = bench({**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    result["libraries"] = libs
    result["load_avg_1min_after"] = round(os.getloadavg()[0], 2)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="later starts per library (5)")
    parser.add_argument("--xcb", action="store_true", help="the X11 platform under Xvfb")
    parser.add_argument("--only", choices=list(LIBRARIES), action="append",
                        help="just this library (repeatable)")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="compile every module from source at each start "
                             "(PYTHONDONTWRITEBYTECODE=1, as in a fresh checkout)")
    parser.add_argument("--no-edit", action="store_true",
                        help="leave the library unchanged between starts (no new backup)")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args(argv)
    result = run(args.runs, args.xcb, args.only, not args.no_bytecode, not args.no_edit)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['platform']}, load {result['load_avg_1min_before']} → "
          f"{result['load_avg_1min_after']}")
    for name, lib in result["libraries"].items():
        later = lib["later_starts"]
        print(f"{name} ({lib['notes']} notes): first start {lib['first_start']['start_s']} s; "
              f"later: start {later['start_s']['median']} s "
              f"[{later['start_s']['min']}–{later['start_s']['max']}], "
              f"quit {later['quit_s']['median']} s "
              f"[{later['quit_s']['min']}–{later['quit_s']['max']}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
