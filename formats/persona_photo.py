"""Persona photos: any common image file in, a small PNG out — or one line saying why not.

A photo comes from wherever the facilitator keeps it (a phone's JPEG, a
screenshot, a stock WebP), so the import is defensive: the file's size on disk
is checked before it is read, Pillow's decompression-bomb guard is an error
(its warning too, not only the hard limit), the header must be a format we
accept, and the pixels are decoded in full (`load()`) so a truncated file fails
here rather than later in a poster. What is stored is scaled down to at most
`MAX_SIDE` pixels a side, upright (EXIF orientation applied), as PNG — the
format the session file (docs/FORMAT.md) carries.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from journey.errors import WaymarkError

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_SIDE = 512
#: Pillow format names we accept, and how to name them to a person.
FORMATS: dict[str, str] = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF", "WEBP": "WebP",
                           "BMP": "BMP", "TIFF": "TIFF"}
ACCEPTED = "PNG, JPEG, GIF, WebP, BMP or TIFF"


if TYPE_CHECKING:  # Pillow is imported when a photo is read, not at start-up
    from PIL import Image


class PhotoError(WaymarkError):
    """A file that cannot be a persona photo; the message is one line, `reason` the
    name of what went wrong underneath (e.g. "DecompressionBombError"), if anything."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


def load_persona_photo(path: str | os.PathLike[str], max_side: int = MAX_SIDE,
                       max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """Read an image file and return it as PNG bytes, at most `max_side` px a side."""
    path = Path(path)
    name = path.name or str(path)
    try:
        if path.is_dir():
            raise PhotoError(f"{name} is a folder, not an image")
        size = path.stat().st_size
    except FileNotFoundError:
        raise PhotoError(f"cannot read {name}: no such file") from None
    except OSError as exc:
        raise PhotoError(f"cannot read {name}: {exc.strerror or exc}") from None
    if size > max_bytes:
        raise PhotoError(f"{name} is too big for a photo ({size / 2**20:,.0f} MB; "
                         f"the limit is {max_bytes / 2**20:,.0f} MB)")
    if size == 0:
        raise PhotoError(f"{name} is empty, not an image")
    return _decoded(path, name, max_side, keep=None)


def check_photo_bytes(data: bytes, name: str = "the photo", max_side: int = MAX_SIDE) -> bytes:
    """A photo from a session file, decoded in full (truncated data and decompression
    bombs are one line). A PNG no bigger than `max_side` comes back as the very same
    object, so round trips stay byte-exact; anything else is re-encoded as a PNG of
    at most `max_side` px a side, like `load_persona_photo`."""
    if not data:
        raise PhotoError(f"{name} is empty, not an image")
    return _decoded(io.BytesIO(data), name, max_side, keep=data)


def _decoded(source: Path | io.BytesIO, name: str, max_side: int, keep: bytes | None) -> bytes:
    """Open, check and fully decode an image: `keep` if it is already a small PNG,
    else new PNG bytes of the upright picture scaled to `max_side`."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # Above MAX_IMAGE_PIXELS Pillow only warns; a photo that big is an attack
            # or a mistake either way, so the warning is an error here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as img:
                kind = img.format or "unknown"
                if kind not in FORMATS:
                    raise PhotoError(f"{name} is in {kind} format; use a {ACCEPTED} file")
                img.load()  # decode every pixel now: a truncated file fails here
                if (keep is not None and kind == "PNG" and max(img.size) <= max_side
                        and getattr(img, "n_frames", 1) == 1):
                    return keep
                picture = _prepared(img, max_side)
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoError(_bomb_message(name, exc), type(exc).__name__) from None
    except UnidentifiedImageError:
        raise PhotoError(f"{name} is not an image Waymark can read (use a {ACCEPTED} file)",
                         "UnidentifiedImageError") from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        if "truncated" in detail:
            detail = "the file is truncated"
        raise PhotoError(f"{name} is damaged or incomplete ({detail[:80]})",
                         type(exc).__name__) from None
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _prepared(img: Image.Image, max_side: int) -> Image.Image:
    """Upright, RGB(A), and no bigger than `max_side` a side."""
    from PIL import Image, ImageOps

    img = ImageOps.exif_transpose(img) or img
    if img.mode not in ("RGB", "RGBA"):
        has_alpha = img.mode in ("LA", "PA") or "transparency" in img.info
        img = img.convert("RGBA" if has_alpha else "RGB")
    else:
        img = img.copy()
    img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return img


def _bomb_message(name: str, exc: Exception) -> str:
    """Pillow says 'Image size (N pixels) exceeds limit of M pixels…': keep the numbers."""
    from PIL import Image

    numbers = [int(n) for n in re.findall(r"\((\d+) pixels\)", str(exc))]
    limit = (Image.MAX_IMAGE_PIXELS or 0) / 1e6
    size = f"{numbers[0] / 1e6:,.0f} megapixels" if numbers else "too many pixels"
    return f"{name} is too large to open safely ({size}; the limit is {limit:,.0f} megapixels)"
