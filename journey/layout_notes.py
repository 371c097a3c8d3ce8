"""Text lines and note boxes of the layout: wrapped paragraphs in their direction,
text fitted into a box, and a note's text, tag chips and vote dots.

A note's height need and its face (`NoteFace`, relative to the note) are cached,
so relaying out a big map after one edit costs little and a note that only moved
keeps the identical face.
"""

from __future__ import annotations

import math
from functools import lru_cache

from .fonts import ASCENT, metrics
from .layout_shapes import NoteBox, NoteFace, Rect, Style, TagChip, TextLine, VoteDot
from .palette import note_fill
from .shaping import paragraph_rtl
from .text import fit_text, line_height, wrap

# -- text lines ---------------------------------------------------------------

def paragraph_lines(texts: tuple[str, ...], x: float, top: float, width: float, size: float,
           bold: bool = False, align: str = "start",
           widths: tuple[float, ...] | None = None) -> tuple[TextLine, ...]:
    """The wrapped lines of one paragraph, all in its direction (its first strong
    letter). "start" is the paragraph's own side: right for right-to-left text, as
    every editor sets it; "left", "center" and "right" are fixed."""
    m = metrics("sans-bold" if bold else "sans")
    rtl = paragraph_rtl(" ".join(texts))
    if align == "start":
        align = "right" if rtl else "left"
    out = []
    for i, t in enumerate(texts):
        w = widths[i] if widths else m.width(t, size)
        lx = x + (width - w) / 2 if align == "center" else (x + width - w if align == "right" else x)
        out.append(TextLine(t, lx, top + i * line_height(size) + size * ASCENT, size, bold, w,
                            rtl))
    return tuple(out)


def boxed_lines(text: str, rect: Rect, size: float, min_size: float, pad: float,
           bold: bool = False, align: str = "start", valign: str = "top"
           ) -> tuple[TextLine, ...]:
    style = "sans-bold" if bold else "sans"
    inner_w, inner_h = max(1.0, rect.w - 2 * pad), max(1.0, rect.h - 2 * pad)
    fitted = fit_text(text, inner_w, inner_h, size, min_size, style)
    top = rect.y + pad
    if valign == "middle":
        top += (inner_h - len(fitted.lines) * line_height(fitted.size)) / 2
    return paragraph_lines(fitted.lines, rect.x + pad, top, inner_w, fitted.size, bold, align,
                  fitted.widths)


# -- note boxes ---------------------------------------------------------------

CHIP_PAD = 3.0  # a tag chip's text inset, in points
CHIP_GAP = 3.0  # between chips and between chip rows
CHIP_ROWS = 2  # more tags than fit in two rows end with a "+n" chip


def _tag_labels(tags: str) -> list[str]:
    return [f"#{t.strip()}" for t in tags.split(",") if t.strip()]


@lru_cache(maxsize=20_000)
def _chip_rows(tags: str, width: float, size: float) -> tuple[tuple[tuple[str, float], ...], ...]:
    """The note's tags as rows of (label, chip width), at most CHIP_ROWS rows wide
    `width`; a label too wide for a row is cut with an ellipsis, tags left over
    end the last row as a "+n" chip."""
    labels = _tag_labels(tags)
    if not labels:
        return ()
    m = metrics("sans")
    inner = max(1.0, width - 2 * CHIP_PAD)
    rows: list[list[tuple[str, float]]] = [[]]
    used = 0.0
    for i, label in enumerate(labels):
        if m.width(label, size) > inner:
            label = (fit_text(label, inner, line_height(size), size, size).lines or ("…",))[0]
        w = m.width(label, size) + 2 * CHIP_PAD
        if rows[-1] and used + CHIP_GAP + w > width:
            if len(rows) == CHIP_ROWS:
                more = f"+{len(labels) - i}"
                mw = m.width(more, size) + 2 * CHIP_PAD
                while rows[-1] and used + CHIP_GAP + mw > width:
                    used -= rows[-1].pop()[1] + CHIP_GAP
                rows[-1].append((more, mw))
                break
            rows.append([])
            used = 0.0
        used += (CHIP_GAP if rows[-1] else 0.0) + w
        rows[-1].append((label, w))
    return tuple(tuple(r) for r in rows)


def _chip_h(size: float) -> float:
    return line_height(size) + 2


def _reserved(tags: str, votes: int, width: float, st: Style) -> float:
    """Height at the bottom of a note taken by its tag chips and vote dots."""
    n = len(_chip_rows(tags, width, st.tag_size))
    chips = n * (_chip_h(st.tag_size) + CHIP_GAP) if n else 0.0
    return chips + (2 * st.vote_r + 3 if votes else 0.0)


@lru_cache(maxsize=100_000)
def note_need(text: str, tags: str, votes: int, width: float, st: Style) -> float:
    """The height a note needs: the standard height while its text fits there at
    no less than `note_floor`, else tall enough for every line at the floor size
    (up to `note_max_h`, beyond which the text is cut)."""
    pad = st.note_pad
    inner_w = max(1.0, width - 2 * pad)
    reserved = _reserved(tags, votes, inner_w, st)
    floor = st.note_floor
    fitted = fit_text(text, inner_w, max(1.0, st.note_h - reserved - 2 * pad),
                      st.note_size, floor)
    if not fitted.truncated:
        return st.note_h
    lines = len(wrap(text, inner_w, floor))
    need = 2 * pad + reserved + lines * line_height(floor) + 1e-3
    return min(st.note_max_h, max(st.note_h, math.ceil(need)))


def note_box(note, rect: Rect, votes: list[str] | tuple[str, ...], st: Style) -> NoteBox:
    return NoteBox(note.id, note.stage_id, note.lane_id, rect, note_face(
        note.text, note_fill(note.colour), note.tags, note.author, rect.w, rect.h,
        tuple(votes), st))


@lru_cache(maxsize=100_000)
def note_face(text: str, colour: str, tags: str, author: str, w: float, h: float,
              votes: tuple[str, ...], st: Style) -> NoteFace:
    """A note's face at its size, relative to its top-left corner; cached, so a note
    that moved or whose neighbours changed keeps the identical face.

    From the top: the text (shrunk at most to `note_floor`, the box having grown
    for it), then the tag chips, then the vote dots along the bottom edge."""
    pad = st.note_pad
    inner_w = max(1.0, w - 2 * pad)
    dot_row = 2 * st.vote_r + 3 if votes else 0.0
    reserved = _reserved(tags, len(votes), inner_w, st)
    fitted = fit_text(text, inner_w, max(1.0, h - reserved - 2 * pad),
                      st.note_size, st.note_floor)
    lines = paragraph_lines(fitted.lines, pad, pad, w - 2 * pad, fitted.size,
                            widths=fitted.widths)
    chips: list[TagChip] = []
    size = st.tag_size
    chip_h = _chip_h(size)
    chip_rows = _chip_rows(tags, inner_w, size)
    y = h - pad - dot_row - len(chip_rows) * (chip_h + CHIP_GAP) + CHIP_GAP
    for row in chip_rows:
        x = pad
        for label, cw in row:
            tw = cw - 2 * CHIP_PAD
            chips.append(TagChip(Rect(x, y, cw, chip_h), TextLine(
                label, x + CHIP_PAD, y + 1 + size * ASCENT, size, False, tw)))
            x += cw + CHIP_GAP
        y += chip_h + CHIP_GAP
    dots: list[VoteDot] = []
    more = None
    if votes:
        step = 2 * st.vote_r + 2
        fit = max(1, int((w - 2 * pad + 2) // step))
        shown = votes if len(votes) <= fit else votes[: max(0, fit - 3)]
        cy = h - pad - st.vote_r
        for i, dot_colour in enumerate(shown):
            dots.append(VoteDot(pad + st.vote_r + i * step, cy, st.vote_r, dot_colour))
        if len(shown) < len(votes):
            label = f"+{len(votes) - len(shown)}"
            x = pad + len(shown) * step
            more = TextLine(label, x, cy + st.vote_r, 2.6 * st.vote_r, True,
                            metrics("sans-bold").width(label, 2.6 * st.vote_r))
    voters = {v.upper() for v in votes}
    return NoteFace(w, h, colour, text, lines, fitted.size, fitted.truncated, len(votes),
                    tuple(dots), more, tags, author, tuple(chips),
                    st.vote_r if votes else 0.0, votes[0] if len(voters) == 1 else "")


def clear_caches() -> None:
    """Forget cached chip rows, note heights and note boxes (a benchmark's cold layout)."""
    for cached in (_chip_rows, note_need, note_face):
        cached.cache_clear()
