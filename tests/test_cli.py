"""The command line, run as a user runs it: a subprocess on a real library file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from journey.demo import NOTES

ROOT = Path(__file__).resolve().parent.parent
A0 = (2383.937, 3370.394)  # points, portrait


def waymark(*args: str, env: dict | None = None, cwd: Path | None = None):
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop("WAYMARK_DB", None) if env is None or "WAYMARK_DB" not in env else None
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, env=full_env, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "NEW.sqlite"
    result = waymark("--db", str(db), "demo")
    assert result.returncode == 0, result.stderr
    return db


def test_demo_then_list_json(demo_db: Path):
    result = waymark("--db", str(demo_db), "list", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert {"id", "title", "date", "maps", "notes"} <= set(row)
    assert (row["title"], row["maps"], row["notes"]) == ("Coffee subscription", 1,
                                                         sum(len(v) for v in NOTES.values()))
    # --db after the subcommand works too.
    again = waymark("list", "--json", "--db", str(demo_db))
    assert json.loads(again.stdout) == rows


def test_waymark_db_environment_variable(demo_db: Path, tmp_path: Path):
    result = waymark("list", "--json", env={"WAYMARK_DB": str(demo_db),
                                            "XDG_DATA_HOME": str(tmp_path)})
    assert json.loads(result.stdout)[0]["title"] == "Coffee subscription"


def test_export_poster_a0_is_exact_embedded_and_complete(demo_db: Path, tmp_path: Path):
    out = tmp_path / "poster.pdf"
    result = waymark("--db", str(demo_db), "export", "poster", "Coffee subscription",
                     "-o", str(out), "--size", "A0", "--orientation", "portrait")
    assert result.returncode == 0, result.stderr
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A0, abs=0.01)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descendant = font.get("/DescendantFonts")
        desc = (descendant[0].get_object() if descendant else font)["/FontDescriptor"]
        assert "/FontFile2" in desc.get_object(), font["/BaseFont"]
        assert "Helvetica" not in str(font["/BaseFont"])
    text = " ".join(reader.pages[0].extract_text().split())
    for texts in NOTES.values():
        for note in texts:
            assert " ".join(note.split()) in text or all(w in text for w in note.split()), note
    landscape = tmp_path / "landscape.pdf"
    waymark("--db", str(demo_db), "export", "poster", "Coffee subscription", "-o",
            str(landscape), "--size", "A0", "--orientation", "landscape")
    box = PdfReader(landscape).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A0[::-1], abs=0.01)


def test_json_export_import_round_trip(demo_db: Path, tmp_path: Path):
    first = tmp_path / "a.json"
    assert waymark("--db", str(demo_db), "export", "json", "Coffee subscription",
                   "-o", str(first)).returncode == 0
    other = tmp_path / "other.sqlite"
    assert waymark("--db", str(other), "import", str(first)).returncode == 0
    second = tmp_path / "b.json"
    assert waymark("--db", str(other), "export", "json", "Coffee subscription",
                   "-o", str(second)).returncode == 0
    assert first.read_bytes() == second.read_bytes()


def test_new_session_from_template(tmp_path: Path):
    db = tmp_path / "t.sqlite"
    result = waymark("--db", str(db), "new", "--title", "Onboarding", "--template",
                     "Purchase and use", "--date", "2026-12-01")
    assert result.returncode == 0, result.stderr
    rows = json.loads(waymark("--db", str(db), "list", "--json").stdout)
    assert [(r["title"], r["date"], r["maps"]) for r in rows] == [("Onboarding", "2026-12-01", 1)]


def test_exchange_commands(demo_db: Path, tmp_path: Path):
    db = str(demo_db)
    for kind, name in (("report", "r.pdf"), ("csv", "n.csv"), ("markdown", "r.md"),
                       ("mermaid", "j.mmd")):
        result = waymark("--db", db, "export", kind, "Coffee subscription",
                         "-o", str(tmp_path / name))
        assert result.returncode == 0, (kind, result.stderr)
        assert (tmp_path / name).stat().st_size > 0
    fresh = str(tmp_path / "fresh.sqlite")
    result = waymark("--db", fresh, "import", "mermaid", str(tmp_path / "j.mmd"),
                     "--title", "From Mermaid")
    assert result.returncode == 0, result.stderr
    assert waymark("--db", fresh, "new", "--title", "Target", "--template",
                   "Four stages").returncode == 0
    result = waymark("--db", fresh, "import", "csv", str(tmp_path / "n.csv"), "--session",
                     "Target", "--map", "Current state", "--create-missing")
    assert result.returncode == 0, result.stderr
    rows = {r["title"]: r for r in json.loads(waymark("--db", fresh, "list", "--json").stdout)}
    assert rows["Target"]["notes"] == 44
    assert rows["From Mermaid"]["notes"] > 0


def _dump(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@pytest.mark.parametrize("args, fragment", [
    (["export", "json", "No such session", "-o", "{tmp}/x.json"], "no session"),
    (["export", "poster", "Coffee subscription", "-o", "{tmp}/missing/dir/x.pdf"],
     "cannot write"),
    (["export", "poster", "Coffee subscription", "-o", "{tmp}/x.pdf", "--size", "B7"],
     "B7"),
    (["export", "poster", "Coffee subscription", "-o", "{tmp}/x.pdf", "--map", "Nope"],
     "no map"),
    (["import", "{tmp}/does-not-exist.json"], "does-not-exist.json"),
    (["import", "{tmp}/garbage.json"], "JSON"),
    (["new", "--title", "X", "--template", "No template"], "no template"),
    (["new", "--title", "   "], "cannot be empty"),
    (["export", "report", "Coffee subscription", "-o", "{tmp}/r.pdf", "--paper", "A3"],
     "invalid choice"),
    (["frobnicate"], "frobnicate"),
    (["export"], "required"),
    (["import", "csv", "{tmp}/n.csv"], "--session"),
])
def test_user_errors_are_one_line_and_change_nothing(demo_db: Path, tmp_path: Path, args,
                                                     fragment):
    (tmp_path / "garbage.json").write_text("{ this is not json")
    before = _dump(demo_db)
    result = waymark("--db", str(demo_db), *[a.format(tmp=tmp_path) for a in args])
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert fragment.lower() in lines[0].lower()
    assert _dump(demo_db) == before


def test_library_problems_are_one_line(tmp_path: Path):
    newer = tmp_path / "newer.sqlite"
    assert waymark("--db", str(newer), "list").returncode == 0
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    not_a_library = tmp_path / "notes.txt"
    not_a_library.write_text("hello")
    blocked = tmp_path / "file"
    blocked.write_text("")
    for db, fragment in ((newer, "newer Waymark"), (not_a_library, "not a Waymark library"),
                         (blocked / "sub" / "lib.sqlite", "")):
        result = waymark("--db", str(db), "list")
        assert result.returncode == 2, result
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert fragment in result.stderr
