"""Persona photos through Pillow: real images come in scaled as PNG; everything
else (not an image, a decompression bomb, a truncated file, a wrong format, a
huge file) is refused with one line that names the file."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from formats.persona_photo import MAX_SIDE, PhotoError, load_persona_photo

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(path: Path, width: int = 50_000, height: int = 50_000) -> Path:
    """A valid PNG header claiming width × height pixels with a tiny IDAT: a few
    hundred bytes on disk, 2.5 gigapixels if anyone decoded it."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (1 + 3 * 16))
    path.write_bytes(PNG_SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat)
                     + _chunk(b"IEND", b""))
    return path


def photo_file(path: Path, size: tuple[int, int] = (64, 48), fmt: str = "PNG",
               mode: str = "RGB") -> Path:
    Image.new(mode, size, (0, 114, 178) if mode == "RGB" else 128).save(path, format=fmt)
    return path


def truncated_jpeg(path: Path) -> Path:
    buf = io.BytesIO()
    noise = Image.effect_noise((400, 300), 60).convert("RGB")
    noise.save(buf, format="JPEG", quality=90)
    data = buf.getvalue()
    path.write_bytes(data[: len(data) // 2])
    return path


def test_a_small_png_comes_back_as_the_same_png_pixels(tmp_path: Path) -> None:
    data = load_persona_photo(photo_file(tmp_path / "maya.png"))
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG" and img.size == (64, 48)
    assert img.getpixel((10, 10))[:3] == (0, 114, 178)


@pytest.mark.parametrize("fmt", ["JPEG", "GIF", "WEBP", "BMP", "TIFF"])
def test_common_formats_are_converted_to_png(tmp_path: Path, fmt: str) -> None:
    data = load_persona_photo(photo_file(tmp_path / f"p.{fmt.lower()}", fmt=fmt))
    assert data.startswith(PNG_SIGNATURE)


def test_a_big_photo_is_scaled_down_keeping_its_shape(tmp_path: Path) -> None:
    data = load_persona_photo(photo_file(tmp_path / "big.jpg", (3000, 2000), "JPEG"))
    img = Image.open(io.BytesIO(data))
    assert img.size == (MAX_SIDE, round(MAX_SIDE * 2 / 3))


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    img = Image.new("RGB", (60, 20), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    path = tmp_path / "phone.jpg"
    img.save(path, format="JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(load_persona_photo(path))).size == (20, 60)


def test_a_palette_image_with_transparency_keeps_it(tmp_path: Path) -> None:
    img = Image.new("P", (8, 8), 0)
    img.info["transparency"] = 0
    path = tmp_path / "icon.gif"
    img.save(path, format="GIF", transparency=0)
    assert Image.open(io.BytesIO(load_persona_photo(path))).mode == "RGBA"


def _refused(path: Path, **kwargs) -> str:
    with pytest.raises(PhotoError) as info:
        load_persona_photo(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message and len(message) < 200, message
    assert path.name in message
    return message


def test_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("this is a shopping list, not a photo\n")
    assert _refused(path) == ("notes.txt is not an image Waymark can read "
                              "(use a PNG, JPEG, GIF, WebP, BMP or TIFF file)")


def test_decompression_bomb_is_refused_without_decoding(tmp_path: Path) -> None:
    path = bomb_png(tmp_path / "bomb.png")
    assert path.stat().st_size < 500
    message = _refused(path)
    assert message.startswith("bomb.png is too large to open safely (2,500 megapixels; "
                              "the limit is 89 megapixels)")


def test_a_bomb_below_the_hard_limit_is_refused_too(tmp_path: Path) -> None:
    """Between MAX_IMAGE_PIXELS and twice that Pillow only warns: still refused."""
    path = bomb_png(tmp_path / "warning.png", 12_000, 10_000)  # 120 Mpx
    assert "too large to open safely (120 megapixels" in _refused(path)


def test_truncated_jpeg(tmp_path: Path) -> None:
    message = _refused(truncated_jpeg(tmp_path / "cut.jpg"))
    assert message == "cut.jpg is damaged or incomplete (the file is truncated)"


def test_unsupported_format(tmp_path: Path) -> None:
    path = tmp_path / "icon.ico"
    Image.new("RGB", (16, 16), "blue").save(path, format="ICO")
    assert _refused(path) == ("icon.ico is in ICO format; use a PNG, JPEG, GIF, WebP, BMP or TIFF file")


def test_file_too_large_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    with open(path, "wb") as fh:  # sparse: the size is checked before reading
        fh.truncate(51 * 1024 * 1024)
    assert _refused(path) == "huge.png is too big for a photo (51 MB; the limit is 50 MB)"


def test_missing_empty_and_folder(tmp_path: Path) -> None:
    assert _refused(tmp_path / "gone.png") == "cannot read gone.png: no such file"
    (tmp_path / "empty.png").write_bytes(b"")
    assert _refused(tmp_path / "empty.png") == "empty.png is empty, not an image"
    (tmp_path / "album.png").mkdir()
    assert _refused(tmp_path / "album.png") == "album.png is a folder, not an image"
