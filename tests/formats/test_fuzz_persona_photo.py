"""Photos: random and damaged image bytes through the photo import paths are a
small PNG or one line (never an exception of Pillow's), and a damaged photo that
is already in a library never sinks an export: a placeholder and a warning."""

from __future__ import annotations

import base64
import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from formats.persona_photo import MAX_SIDE, PhotoError, check_photo_bytes, load_persona_photo
from formats.session_json import FormatError, validate
from journey.errors import WaymarkError

ROOT = Path(__file__).resolve().parents[2]
# Pillow warns about the damaged TIFF and EXIF data these tests make on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:PIL")


def image_bytes(fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.effect_noise(size, 50).convert("RGB").save(buf, format=fmt)
    return buf.getvalue()


SEEDS = {fmt: image_bytes(fmt) for fmt in ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP")}


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    """A real image cut, with bytes flipped or spliced, or plain random bytes."""
    how = draw(st.sampled_from(["cut", "flip", "splice", "random"]))
    if how == "random":
        return draw(st.binary(max_size=2000))
    data = bytearray(SEEDS[draw(st.sampled_from(sorted(SEEDS)))])
    if how == "cut":
        return bytes(data[: draw(st.integers(0, len(data) - 1))])
    if how == "flip":
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    at = draw(st.integers(0, len(data)))
    return bytes(data[:at] + draw(st.binary(max_size=200)) + data[at:])


def assert_small_png(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        assert img.format == "PNG" and max(img.size) <= MAX_SIDE


FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(data=damaged())
def test_photo_bytes_are_a_png_or_one_line(data: bytes) -> None:
    try:
        out = check_photo_bytes(data)
    except PhotoError as exc:
        assert "\n" not in str(exc) and str(exc)
    else:
        assert_small_png(out)


@FUZZ
@given(data=damaged())
def test_photo_files_are_a_png_or_one_line(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("photo") / "photo.img"
    path.write_bytes(data)
    try:
        out = load_persona_photo(path)
    except PhotoError as exc:
        assert "\n" not in str(exc) and str(exc)
    else:
        assert_small_png(out)


@FUZZ
@given(data=damaged())
def test_photos_in_a_session_file_are_checked_in_full(data: bytes) -> None:
    doc = {"format": "waymark", "version": 2, "session": {"id": "s", "title": "T"},
           "personas": [{"id": "p", "name": "P", "photo": base64.b64encode(data).decode()}]}
    try:
        vdoc = validate(doc)
    except FormatError as exc:
        assert str(exc).startswith("personas[0].photo: ") and "\n" not in str(exc)
    else:
        assert_small_png(base64.b64decode(vdoc.personas[0].photo or ""))


def run_cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.fixture
def damaged_library(tmp_path: Path) -> tuple[Path, str]:
    """The demo, its persona's photo replaced by a truncated PNG behind Waymark's back."""
    db = tmp_path / "library.sqlite"
    assert run_cli(db, "demo").returncode == 0
    png = image_bytes("PNG", (300, 200))
    conn = sqlite3.connect(db)
    try:
        with conn:
            assert conn.execute("UPDATE persona SET photo = ?", (png[: len(png) // 2],)
                                ).rowcount >= 1
        session_id = conn.execute("SELECT id FROM session").fetchone()[0]
    finally:
        conn.close()
    return db, session_id


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["report", "poster"])
def test_a_damaged_photo_in_the_library_does_not_sink_an_export(
        damaged_library: tuple[Path, str], kind: str) -> None:
    db, session_id = damaged_library
    out = db.parent / f"{kind}.pdf"
    done = run_cli(db, "export", kind, session_id, "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "libpng" not in done.stderr
    warnings = [ln for ln in done.stderr.splitlines() if ln.startswith("warning: ")]
    assert any("photo" in w and "placeholder" in w for w in warnings), done.stderr
    reader = PdfReader(out)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Coffee" in text and len(reader.pages) >= 1


@pytest.mark.slow
def test_a_damaged_photo_does_not_sink_a_png_poster(damaged_library: tuple[Path, str]) -> None:
    db, session_id = damaged_library
    out = db.parent / "poster.png"
    done = run_cli(db, "export", "poster", session_id, "-o", str(out), "--size", "A3",
                   "--dpi", "72")
    assert done.returncode == 0, done.stderr
    assert "libpng" not in done.stderr
    assert any("placeholder" in ln for ln in done.stderr.splitlines()), done.stderr
    with Image.open(out) as img:
        assert img.format == "PNG"


def test_an_oversized_photo_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    with path.open("wb") as fh:
        fh.truncate(60 * 2**20)
    with pytest.raises(WaymarkError, match="too big"):
        load_persona_photo(path)
