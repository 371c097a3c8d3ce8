"""Word wrapping and fitting text into a box, measured with the bundled fonts.

`fit_text` is what a sticky note needs: wrap at the base size; if the lines do
not fit the box, shrink in half-point steps down to a minimum; if they still
do not fit, keep the lines that fit and end the last one with an ellipsis.
Results are cached because the same notes are laid out again after each edit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from .fonts import LINE_GAP, metrics

ELLIPSIS = "…"


def wrap(text: str, width: float, size: float, style: str = "sans") -> list[str]:
    """Greedy word wrap; explicit newlines kept; words wider than a line are split."""
    return _wrap(text, width, size, style)[0]


def _wrap(text: str, width: float, size: float, style: str = "sans") -> tuple[list[str], bool]:
    """The wrapped lines, and whether a word had to be split across lines."""
    split = False
    m = metrics(style)
    space = m.width(" ", size)
    lines: list[str] = []
    for para in text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n"):
        words = para.split(" ")
        line = ""
        line_w = 0.0
        for word in words:
            if word == "":
                continue
            w = m.width(word, size)
            if line and line_w + space + w <= width:
                line += " " + word
                line_w += space + w
                continue
            if line:
                lines.append(line)
                line, line_w = "", 0.0
            if w <= width:
                line, line_w = word, w
                continue
            # Split an over-long word (a URL, CJK text without spaces) by characters.
            split = True
            chunk = ""
            chunk_w = 0.0
            for ch in word:
                cw = m.width(ch, size)
                if chunk and chunk_w + cw > width:
                    lines.append(chunk)
                    chunk, chunk_w = "", 0.0
                chunk += ch
                chunk_w += cw
            line, line_w = chunk, chunk_w
        lines.append(line)
    while len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines, split


def line_height(size: float) -> float:
    return size * LINE_GAP


def max_lines(height: float, size: float) -> int:
    return max(0, int(math.floor((height + 1e-6) / line_height(size))))


@dataclass(frozen=True)
class FittedText:
    lines: tuple[str, ...]
    size: float
    truncated: bool  # True when text was cut with an ellipsis
    widths: tuple[float, ...] = ()  # of each line at `size`, in points


def _ellipsize(line: str, width: float, size: float, style: str) -> str:
    m = metrics(style)
    limit = width - m.width(ELLIPSIS, size)
    out = line.rstrip()
    while out and m.width(out, size) > limit:
        out = out[:-1]
    return out.rstrip() + ELLIPSIS


def _split_is_inevitable(text: str, width: float, min_size: float, style: str) -> bool:
    """True when some word is wider than the line even at the minimum size."""
    m = metrics(style)
    return any(m.width(word, min_size) > width for word in text.split())


@lru_cache(maxsize=65536)
def fit_text(text: str, width: float, height: float, size: float, min_size: float,
             style: str = "sans") -> FittedText:
    """Lines of `text` fitted into width×height, shrinking to `min_size`, then cut.

    Splitting a word across lines counts as not fitting while a smaller size
    could keep it whole (CJK runs without spaces split at any size)."""
    m = metrics(style)
    s = size
    while True:
        lines, split = _wrap(text, width, s, style)
        fits = len(lines) <= max_lines(height, s)
        if fits and (not split or _split_is_inevitable(text, width, min_size, style)
                     or s - 0.5 < min_size - 1e-9):
            return FittedText(tuple(lines), s, False, tuple(m.width(ln, s) for ln in lines))
        if s - 0.5 < min_size - 1e-9:
            break
        s -= 0.5
    n = max_lines(height, s)
    if n == 0:
        return FittedText((), s, bool(text.strip()), ())
    kept = lines[:n]
    kept[-1] = _ellipsize(kept[-1], width, s, style)
    return FittedText(tuple(kept), s, True, tuple(m.width(ln, s) for ln in kept))
