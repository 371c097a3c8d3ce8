"""Thumbnails of maps for the session library, drawn with Pillow from the layout.

One layout, many renderers: the thumbnail draws the same cells, notes, stage
chevrons and curve as the canvas, in the same colours (`paint.theme`), only
small — text becomes grey strokes where its lines are, which is what text looks
like at that size anyway. It needs no Qt, so it can be drawn anywhere.

Thumbnails are cached as PNG files in the user's cache folder, keyed by the
session id and a fingerprint of its first map (`map_fingerprint`: the map's
rows that change what the thumbnail shows). When the map changes, the
fingerprint changes and a new thumbnail replaces the old one.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_cache_path
from sqlmodel import Session as Db

from journey.errors import WaymarkError
from journey.layout import MapLayout, Style, TextLine, layout_map
from journey.models import JourneyMap, Lane, Session, Stage
from journey.queries import MapData, first_map_id, load_map, thumbnail_rows
from journey.templates import TemplateSpec
from paint.theme import THEME, argb, darker, kind_accent_hex, rgb, stage_points, stage_rgb
from storage.atomic import atomic_path

if TYPE_CHECKING:  # Pillow is imported when a thumbnail is drawn, not at start-up
    from PIL import Image, ImageDraw

SIZE = (320, 240)  # 4:3 suits most maps: a few stages wide, several lanes high
SUPERSAMPLE = 3  # Pillow draws without antialiasing: draw big, then shrink
FORMAT_TAG = "t2"  # bump when the drawing changes, so old cached files are redrawn

Colour = tuple[int, int, int] | tuple[int, int, int, int]


def _c(spec: str, alpha: int = 255) -> Colour:
    r, g, b = rgb(spec)
    out = (round(r * 255), round(g * 255), round(b * 255))
    return (*out, alpha) if alpha < 255 else out


def _c3(colour: tuple[float, float, float], alpha: int = 255) -> Colour:
    out = tuple(max(0, min(255, round(v * 255))) for v in colour)
    return (*out, alpha) if alpha < 255 else out  # type: ignore[return-value]


class _Pen:
    """Layout points to supersampled pixels: scale, then offset."""

    def __init__(self, draw: ImageDraw.ImageDraw, scale: float, ox: float, oy: float) -> None:
        self.draw, self.s, self.ox, self.oy = draw, scale, ox, oy

    def pt(self, x: float, y: float) -> tuple[float, float]:
        return (self.ox + x * self.s, self.oy + y * self.s)

    def rect(self, x: float, y: float, w: float, h: float, fill: Colour | None = None,
             outline: Colour | None = None, width: float = 1) -> None:
        x0, y0 = self.pt(x, y)
        x1, y1 = self.pt(x + w, y + h)
        if x1 - x0 < 0.5 or y1 - y0 < 0.5:
            return
        self.draw.rectangle((x0, y0, x1, y1), fill=fill, outline=outline,
                            width=max(1, round(width)))

    def text_bars(self, lines: Iterable[TextLine], colour: Colour) -> None:
        """Each text line as a rounded stroke over its x-height: greeked text."""
        for line in lines:
            if not line.text.strip() or line.width <= 0:
                continue
            h = max(1.0, line.size * 0.42 * self.s)
            x0, y = self.pt(line.x, line.baseline - line.size * 0.32)
            x1 = x0 + line.width * self.s
            self.draw.rounded_rectangle((x0, y - h / 2, max(x0 + h, x1), y + h / 2),
                                        radius=h / 2, fill=colour)


def _bezier(seg: tuple[tuple[float, float], ...], steps: int = 12) -> list[tuple[float, float]]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = seg
    out = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        a, b, c, d = u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t
        out.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return out


def render_thumbnail(layout: MapLayout, size: tuple[int, int] = SIZE) -> Image.Image:
    """The map as a small RGB picture: the paper fills the width, anchored at the top
    (a tall map runs off the bottom edge; a wide one sits in the middle)."""
    from PIL import Image, ImageDraw

    ss = SUPERSAMPLE
    W, H = size[0] * ss, size[1] * ss
    img = Image.new("RGB", (W, H), _c(THEME.desk))
    draw = ImageDraw.Draw(img, "RGBA")
    margin = round(W * 0.045)
    scale = (W - 2 * margin) / max(layout.width, 1.0)
    paper_h = layout.height * scale
    top = margin if paper_h + 2 * margin > H else (H - paper_h) / 2
    pen = _Pen(draw, scale, margin, top)
    # paper with a soft shadow
    shadow = round(ss * 1.5)
    draw.rectangle((margin + shadow, top + shadow, W - margin + shadow, top + paper_h + shadow),
                   fill=(15, 23, 42, 40))
    pen.rect(0, 0, layout.width, layout.height, fill=_c(THEME.paper))
    lane_index = {h.id: i for i, h in enumerate(layout.lanes)}
    grid = _c(THEME.grid)
    for cell in layout.cells:
        r = cell.rect
        if lane_index.get(cell.lane_id, 0) % 2 == 1:
            pen.rect(r.x, r.y, r.w, r.h, fill=_c(THEME.lane_alt))
        x1, y0 = pen.pt(r.right, r.y)
        _, y1 = pen.pt(r.right, r.bottom)
        x0, _ = pen.pt(r.x, r.y)
        draw.line((x1, y0, x1, y1), fill=grid, width=1)
        draw.line((x0, y1, x1, y1), fill=grid, width=1)
    for sc in layout.scales:
        if sc.neutral_y is not None:
            a = pen.pt(sc.area.x, sc.neutral_y)
            b = pen.pt(sc.area.right, sc.neutral_y)
            draw.line((a, b), fill=_c(THEME.neutral_line, 150), width=max(1, ss // 2))
    ink = _c(THEME.note_text, 110)
    alpha, shade = argb(THEME.note_shadow)
    shadow_ink = _c3(shade, round(alpha * 255 * 1.5))
    for note in layout.notes:
        r = note.rect
        fill = rgb(note.colour)
        pen.rect(r.x + 1.2, r.y + 1.8, r.w, r.h, fill=shadow_ink)
        pen.rect(r.x, r.y, r.w, r.h, fill=_c3(fill), outline=_c3(darker(fill)), width=ss / 2)
        pen.text_bars(note.lines, ink)
        for dot in note.dots:
            cx, cy = pen.pt(dot.cx, dot.cy)
            rad = max(ss * 0.8, dot.r * scale * 1.3)
            draw.ellipse((cx - rad, cy - rad, cx + rad, cy + rad), fill=_c(dot.colour))
    for curve in layout.curves:
        colour = _c(curve.colour)
        width = max(round(2.2 * ss), round(2.5 * scale * 2))
        points = []
        for seg in curve.segments:
            flat = [pen.pt(x, y) for x, y in _bezier(seg)]
            points.extend(flat if not points else flat[1:])
        if len(points) >= 2:
            draw.line(points, fill=colour, width=width, joint="curve")
        rad = width * 0.9
        for p in curve.points:
            cx, cy = pen.pt(p.x, p.y)
            draw.ellipse((cx - rad, cy - rad, cx + rad, cy + rad), fill=colour,
                         outline=(255, 255, 255), width=max(1, ss // 2))
    for i, header in enumerate(layout.stages):
        r = header.rect
        pts = [pen.pt(x, y) for x, y in stage_points(r.x, r.y, r.w, r.h, i == 0)]
        draw.polygon(pts, fill=_c3(stage_rgb(i, len(layout.stages))))
        pen.text_bars(header.lines, _c(THEME.stage_text, 200))
    for header in layout.lanes:
        r = header.rect
        pen.rect(r.x, r.y, r.w, r.h, fill=_c(THEME.lane_fill))
        pen.rect(r.x, r.y, 4, r.h, fill=_c(kind_accent_hex(header.kind)))
        x0, y1 = pen.pt(r.x, r.bottom)
        x1, _ = pen.pt(r.right, r.bottom)
        draw.line((x0, y1, x1, y1), fill=grid, width=1)
        pen.text_bars([ln for ln in header.lines if ln.bold], _c(THEME.lane_text, 150))
    pen.text_bars([ln for ln in layout.title.lines if ln.bold], _c(THEME.title_text, 170))
    pen.text_bars([ln for ln in layout.title.lines if not ln.bold],
                  _c(THEME.subtitle_text, 110))
    return img.resize(size, Image.Resampling.LANCZOS)


# -- what the thumbnail of a session is ---------------------------------------------

def map_fingerprint(db: Db, map_id: str) -> str:
    """A short hash of everything the thumbnail shows of a map (and nothing else).

    Hashes only the narrow rows `journey.queries.thumbnail_rows` reads, so it is
    far cheaper than laying the map out: the library computes it for every
    session each time it lists them."""
    h = hashlib.blake2b(digest_size=10)
    h.update(FORMAT_TAG.encode())
    for rows in thumbnail_rows(db, map_id):
        for row in rows:
            h.update(repr(row).encode("utf-8", "surrogatepass"))
        h.update(b"|")
    return h.hexdigest()


def template_map_data(spec: TemplateSpec) -> MapData:
    """A template as an empty map in memory, so it can be laid out and drawn."""
    session = Session(id="template", title=spec.name)
    jmap = JourneyMap(id="template-map", session_id=session.id, name=spec.name)
    stages = [Stage(id=f"s{i}", map_id=jmap.id, name=n, position=i)
              for i, n in enumerate(spec.stages)]
    lanes = [Lane(id=f"l{i}", map_id=jmap.id, name=n, kind=str(k), position=i)
             for i, (n, k) in enumerate(spec.lanes)]
    return MapData(session=session, map=jmap, persona=None, stages=stages, lanes=lanes,
                   notes={})


# -- the cache ---------------------------------------------------------------------

def default_cache_dir() -> Path:
    return user_cache_path("Waymark", appauthor=False) / "thumbnails"


class ThumbnailCache:
    """PNG files named `<key>-<fingerprint>.png`; one per key, the newest."""

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_cache_dir()

    def path(self, key: str, fingerprint: str) -> Path:
        return self.folder / f"{key}-{fingerprint}.png"

    def get(self, key: str, fingerprint: str) -> Path | None:
        path = self.path(key, fingerprint)
        return path if path.is_file() else None

    def put(self, key: str, fingerprint: str, image: Image.Image) -> Path | None:
        """Store atomically and drop the key's older thumbnails; None if the cache
        folder cannot be written (a thumbnail is never worth an error)."""
        path = self.path(key, fingerprint)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with atomic_path(path) as tmp:
                image.save(tmp, format="PNG", optimize=True)
            for old in self.folder.glob(f"{key}-*.png"):
                if old != path:
                    old.unlink(missing_ok=True)
        except (OSError, WaymarkError):
            return None
        return path

    def forget(self, key: str) -> None:
        for old in self.folder.glob(f"{key}-*.png"):
            old.unlink(missing_ok=True)


def session_thumbnail(db: Db, session_id: str, cache: ThumbnailCache,
                      style: Style | None = None, size: tuple[int, int] = SIZE
                      ) -> Path | None:
    """The cached thumbnail of the session's first map, drawn now if missing or stale;
    None for a session without maps."""
    map_id = first_map_id(db, session_id)
    if map_id is None:
        return None
    fingerprint = map_fingerprint(db, map_id)
    found = cache.get(session_id, fingerprint)
    if found is not None:
        return found
    image = render_thumbnail(layout_map(load_map(db, map_id), style or Style()), size)
    return cache.put(session_id, fingerprint, image)


def template_thumbnail(spec: TemplateSpec, size: tuple[int, int] = SIZE) -> Image.Image:
    return render_thumbnail(layout_map(template_map_data(spec), Style()), size)
