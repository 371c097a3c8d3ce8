"""A PNG encoder that takes rows band by band, so the whole image never sits in memory.

PNG is simple enough to write by hand: the signature, IHDR, a pHYs chunk
(DPI as pixels per metre), iTXt metadata, IDAT chunks carrying one zlib
stream fed band after band, and IEND. An A0 poster at 300 dpi is 418 MB as
RGB; written this way the encoder holds one band and a megabyte of output.
Pillow is not needed to write (tests use it to read the result back).
"""

from __future__ import annotations

import struct
import zlib
from typing import BinaryIO

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHUNK_BYTES = 1 << 20  # IDAT payload per chunk


def ppm(dpi: float) -> int:
    """Pixels per metre for a DPI (300 dpi → 11811, read back as ≈ 299.9994)."""
    return round(dpi / 0.0254)


class PngWriter:
    """8-bit RGB PNG written to an open binary file, rows given pre-filtered or raw."""

    def __init__(self, fh: BinaryIO, width: int, height: int, dpi: float,
                 text: dict[str, str] | None = None, level: int = 6) -> None:
        if not (0 < width < 2**31 and 0 < height < 2**31):
            raise ValueError("PNG sides must be 1 .. 2^31-1 pixels")
        self.fh, self.width, self.height = fh, width, height
        self.rows = 0
        self._z = zlib.compressobj(level, zlib.DEFLATED, 15, 9)
        self._pending: list[bytes] = []
        self._pending_len = 0
        fh.write(SIGNATURE)
        self._chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        d = ppm(dpi)
        self._chunk(b"pHYs", struct.pack(">IIB", d, d, 1))
        for key, value in (text or {}).items():
            if value:
                # iTXt: keyword, no compression, no language, UTF-8 text.
                self._chunk(b"iTXt", key.encode("latin-1")[:79] + b"\x00\x00\x00\x00\x00"
                            + value.encode("utf-8"))

    def _chunk(self, kind: bytes, data: bytes) -> None:
        self.fh.write(struct.pack(">I", len(data)))
        self.fh.write(kind)
        self.fh.write(data)
        self.fh.write(struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)) & 0xFFFFFFFF))

    def _emit(self, data: bytes) -> None:
        if data:
            self._pending.append(data)
            self._pending_len += len(data)
        if self._pending_len >= CHUNK_BYTES:
            self._chunk(b"IDAT", b"".join(self._pending))
            self._pending, self._pending_len = [], 0

    def write_rgb_rows(self, buf, rows: int, stride: int) -> None:
        """`rows` rows of packed RGB from a bytes-like buffer whose rows are `stride` apart."""
        if self.rows + rows > self.height:
            raise ValueError("more rows than the image has")
        mv = memoryview(buf)
        n = self.width * 3
        parts: list[object] = []
        for r in range(rows):
            parts.append(b"\x00")  # filter type None: flat poster colours deflate well as is
            parts.append(mv[r * stride:r * stride + n])
        self._emit(self._z.compress(b"".join(parts)))  # type: ignore[arg-type]
        self.rows += rows

    def close(self) -> None:
        if self.rows != self.height:
            raise ValueError(f"wrote {self.rows} of {self.height} rows")
        self._emit(self._z.flush())
        if self._pending:
            self._chunk(b"IDAT", b"".join(self._pending))
            self._pending = []
        self._chunk(b"IEND", b"")
