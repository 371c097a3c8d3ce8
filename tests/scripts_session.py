"""A library with one note per writing system, exported by the real CLI with no system fonts.

Shared by tests/export/test_scripts_pdf.py and tests/export/test_scripts_png.py. The CLI runs
with FONTCONFIG_FILE pointing at a configuration that lists no font folders, so
neither Qt nor the PDF writer's fontconfig fallback can find a system font:
whatever prints, prints from assets/fonts.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from journey import ops
from journey.layout import MapLayout, NoteBox, layout_map
from journey.queries import MapData, load_map, maps_of
from storage import Library

ROOT = Path(__file__).resolve().parent.parent

#: Real phrases a workshop might write, one per script (name -> note text).
NOTES: dict[str, str] = {
    "greek": "Η πληρωμή απέτυχε",
    "cyrillic": "Оплата не прошла",
    "chinese": "付款失败了",
    "japanese": "支払いに失敗しました",
    "korean": "결제가 실패했습니다",
    "arabic": "لا أستطيع إلغاء الاشتراك",
    "hebrew": "התשלום נכשל",
    "hebrew-mixed": "ניסיתי 3 פעמים בדפדפן Safari",
    "hindi": "मुझे सदस्यता रद्द करनी है",
    "thai": "การชำระเงินล้มเหลว",
}
TITLE = "Scripts"
SIZE = "A3"
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def norm(text: str) -> str:
    """Whitespace collapsed, bidi marks a reader adds removed, NFC."""
    return unicodedata.normalize("NFC", " ".join(BIDI_CONTROLS.sub("", text).split()))


@dataclass
class Exported:
    data: MapData
    layout: MapLayout
    notes: dict[str, NoteBox]  # script name -> its note's box in the layout
    db: Path


def no_system_fonts_env(tmp_path: Path) -> dict[str, str]:
    """The environment for a CLI that sees no system font at all."""
    conf = tmp_path / "fonts-none.conf"
    cache = tmp_path / "fc-cache"
    cache.mkdir(exist_ok=True)
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    f"<fontconfig><cachedir>{cache}</cachedir></fontconfig>\n")
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), QT_QPA_PLATFORM="offscreen",
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    env.pop("FONTCONFIG_PATH", None)
    return env


def build(tmp_path: Path, extra: dict[str, str] | None = None) -> Exported:
    """A session whose notes are NOTES (and `extra`), each in a cell of its own."""
    db = tmp_path / "library.sqlite"
    notes = dict(NOTES, **(extra or {}))
    lib = Library(db)
    try:
        session = lib.run(ops.create_session, TITLE)
        map_id = lib.read(maps_of, session.id)[0].id
        data = lib.read(load_map, map_id)
        cells = [(s.id, lane.id) for lane in data.lanes for s in data.stages]
        ids = {}
        for i, (name, text) in enumerate(notes.items()):
            stage_id, lane_id = cells[i]
            ids[name] = lib.run(ops.add_note, stage_id, lane_id, text).id
        data = lib.read(load_map, map_id)
    finally:
        lib.close()
    layout = layout_map(data)
    by_id = {n.id: n for n in layout.notes}
    return Exported(data, layout, {name: by_id[i] for name, i in ids.items()}, db)


def cli(env: dict[str, str], db: Path, *args: str) -> subprocess.CompletedProcess:
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "Traceback" not in out.stderr
    return out


def text_box(note: NoteBox) -> tuple[float, float, float, float]:
    """(x, y, w, h) in layout points around the note's text lines."""
    x0 = min(ln.x for ln in note.lines)
    x1 = max(ln.x + ln.width for ln in note.lines)
    y0 = min(ln.baseline - ln.size for ln in note.lines)
    y1 = max(ln.baseline + 0.3 * ln.size for ln in note.lines)
    return x0, y0, x1 - x0, y1 - y0
