"""Every file the app writes goes through one atomic writer: a temporary file
beside the target, fsync'ed, renamed, and the folder fsync'ed. Checked by
behaviour (no temporary left, the old file intact after a failure or a cancel,
one-line errors) and, for the fsyncs, by the system calls strace sees."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from export.poster_plan import ExportCancelled
from export.poster_png import export_poster_png
from export.tiles import export_tiles_pdf
from journey.errors import WaymarkError
from journey.layout import layout_map
from journey.queries import load_map, maps_of
from storage.atomic import atomic_file, atomic_path, write_bytes_atomic

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def poster(demo, qapp):
    library, session = demo
    data = library.read(load_map, library.read(maps_of, session.id)[0].id)
    return data, layout_map(data)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_the_three_forms_write_whole_files_and_leave_no_temporary(tmp_path: Path) -> None:
    write_bytes_atomic(tmp_path / "a.bin", b"one")
    with atomic_file(tmp_path / "b.bin") as fh:
        fh.write(b"two")
    with atomic_path(tmp_path / "c.bin") as tmp:
        assert tmp.parent == tmp_path and tmp.exists()
        tmp.write_bytes(b"three")
    assert [(tmp_path / n).read_bytes() for n in ("a.bin", "b.bin", "c.bin")] == [
        b"one", b"two", b"three"]
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("form", ["file", "path"])
def test_an_exception_mid_write_keeps_the_old_file(tmp_path: Path, form: str) -> None:
    target = tmp_path / "poster.pdf"
    target.write_bytes(b"the old poster")
    with pytest.raises(RuntimeError):
        if form == "file":
            with atomic_file(target) as fh:
                fh.write(b"half a new")
                raise RuntimeError("interrupted")
        else:
            with atomic_path(target) as tmp:
                tmp.write_bytes(b"half a new")
                raise RuntimeError("interrupted")
    assert target.read_bytes() == b"the old poster"
    assert _leftovers(tmp_path) == []


def _lock(folder: Path) -> None:
    """Make `folder` unwritable, for root too (the immutable attribute) or by mode."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    else:
        folder.chmod(0o555)


def _unlock(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o755)


def test_a_missing_or_unwritable_folder_is_one_line(poster, tmp_path: Path) -> None:
    data, layout = poster
    with pytest.raises(WaymarkError) as missing:
        write_bytes_atomic(tmp_path / "nowhere" / "x.csv", b"x")
    assert "\n" not in str(missing.value) and "nowhere" in str(missing.value)
    locked = tmp_path / "locked"
    locked.mkdir()
    old = b"the poster from yesterday"
    (locked / "p.png").write_bytes(old)
    _lock(locked)
    try:
        with pytest.raises(WaymarkError) as exc:
            export_poster_png(layout, data, locked / "p.png", "A5", dpi=72)
        with pytest.raises(WaymarkError):
            write_bytes_atomic(locked / "p.png", b"new")
    finally:
        _unlock(locked)
    assert "\n" not in str(exc.value) and "p.png" in str(exc.value)
    assert (locked / "p.png").read_bytes() == old
    assert sorted(p.name for p in locked.iterdir()) == ["p.png"]


def test_exports_into_a_missing_folder_fail_in_one_line(demo, poster, tmp_path: Path) -> None:
    library, session = demo
    data, layout = poster
    for kind, name in (("poster", "p.pdf"), ("tiles", "t.pdf")):
        extra = ["--paper", "A4", "--grid", "2x1"] if kind == "tiles" else []
        out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(library.path),
                              "export", kind, session.id, "-o", str(tmp_path / "no" / name),
                              *extra], capture_output=True, text=True, timeout=120)
        assert out.returncode == 2, out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and "no" in out.stderr
    with pytest.raises(WaymarkError) as exc:
        export_poster_png(layout, data, tmp_path / "no" / "p.png", "A5", dpi=72)
    assert "\n" not in str(exc.value)
    assert not (tmp_path / "no").exists()


def test_a_cancelled_export_keeps_the_old_file_and_no_temporary(poster, tmp_path: Path) -> None:
    data, layout = poster
    for name, export in (("p.png", lambda p, cb: export_poster_png(
                              layout, data, p, "A5", dpi=72, progress=cb)),
                         ("t.pdf", lambda p, cb: export_tiles_pdf(
                              layout, data, p, "A4", poster_size=None, grid="2x1",
                              progress=cb))):
        target = tmp_path / name
        export(target, None)
        before = target.read_bytes()
        seen: list[float] = []

        def cancel_late(f: float, seen: list[float] = seen) -> bool:
            seen.append(f)
            return f < 0.5  # well into the write, past the temporary's creation
        with pytest.raises(ExportCancelled):
            export(target, cancel_late)
        assert target.read_bytes() == before, name
        assert _leftovers(tmp_path) == [], name


# -- what reaches the disk: strace's view of the system calls -------------------------

SCRIPT = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
out = Path(sys.argv[3])
from main import run_cli
db = ["--db", sys.argv[2]]
sid = sys.argv[4]
assert run_cli([*db, "export", "poster", sid, "-o", str(out / "poster.pdf"),
                "--size", "A4"]) == 0
assert run_cli([*db, "export", "poster", sid, "-o", str(out / "poster.png"),
                "--size", "A5", "--dpi", "72"]) == 0
assert run_cli([*db, "export", "tiles", sid, "-o", str(out / "tiles.pdf"),
                "--paper", "A4", "--grid", "2x1"]) == 0
assert run_cli([*db, "export", "csv", sid, "-o", str(out / "notes.csv")]) == 0
from export.thumbnail import ThumbnailCache, session_thumbnail
from storage import Library
with Library(sys.argv[2]) as lib:
    assert lib.read(session_thumbnail, sid, ThumbnailCache(out / "thumbs")) is not None
"""


@pytest.mark.slow
def test_every_export_fsyncs_its_file_then_renames_then_fsyncs_its_folder(
        demo, tmp_path: Path) -> None:
    if shutil.which("strace") is None:
        pytest.fail("needs strace (the Makefile's system-deps install it)")
    library, session = demo
    out = tmp_path / "out"
    out.mkdir()
    (out / "thumbs").mkdir()
    log = tmp_path / "strace.log"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(["strace", "-f", "-qq", "-y", "-e", "signal=none", "-e",
                          "trace=fsync,fdatasync,rename,renameat,renameat2", "-o", str(log),
                          sys.executable, "-c", SCRIPT, str(ROOT), str(library.path), str(out),
                          session.id],
                         capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    calls = log.read_text().splitlines()
    thumbs = [p.name for p in (out / "thumbs").iterdir()]
    assert len(thumbs) == 1 and thumbs[0].endswith(".png")
    for target in [out / n for n in ("poster.pdf", "poster.png", "tiles.pdf", "notes.csv")] + [
            out / "thumbs" / thumbs[0]]:
        assert target.stat().st_size > 0
        renamed = [i for i, c in enumerate(calls) if re.search(
            r"rename\w*\(.*\"" + re.escape(str(target)) + r"\"", c)]
        assert len(renamed) == 1, (target, calls)
        i = renamed[0]
        tmp = re.search(r"\"([^\"]*\.(?:tmp|part))\"", calls[i])
        assert tmp and Path(tmp[1]).parent == target.parent, calls[i]
        file_sync = [c for c in calls[:i] if "fsync(" in c and f"<{tmp[1]}>" in c]
        assert file_sync, f"{target.name}: its bytes were not fsync'ed before the rename"
        folder_sync = [c for c in calls[i + 1:] if "fsync(" in c
                       and f"<{target.parent}>" in c]
        assert folder_sync, f"{target.name}: its folder was not fsync'ed after the rename"
    assert _leftovers(out) == [] and _leftovers(out / "thumbs") == []
