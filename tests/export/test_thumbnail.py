"""Library thumbnails: drawn with Pillow from the layout, cached per session and
fingerprint, redrawn only when what they show has changed."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from export.thumbnail import (
    SIZE,
    ThumbnailCache,
    map_fingerprint,
    render_thumbnail,
    session_thumbnail,
    template_thumbnail,
)
from journey import ops
from journey.layout import layout_map
from journey.queries import load_map, maps_of
from journey.templates import BUILTIN_TEMPLATES
from paint.theme import rgb, stage_rgb


def _has_colour(img: Image.Image, spec: str | tuple[float, float, float], tol: int = 6) -> bool:
    target = rgb(spec) if isinstance(spec, str) else spec
    want = tuple(round(v * 255) for v in target)
    for count, colour in img.getcolors(img.width * img.height) or []:
        if count >= 4 and all(abs(a - b) <= tol for a, b in zip(colour, want, strict=True)):
            return True
    return False


def test_draws_the_map_in_the_canvas_colours(demo) -> None:
    library, session = demo
    data = library.read(load_map, library.read(maps_of, session.id)[0].id)
    img = render_thumbnail(layout_map(data))
    assert img.size == SIZE and img.mode == "RGB"
    assert _has_colour(img, stage_rgb(0, 5))  # the first stage's chevron
    for note_colour in {n.colour for n in data.all_notes()}:
        assert _has_colour(img, note_colour), note_colour
    assert _has_colour(img, data.curves[0].curve.colour, tol=30)


def test_cached_until_the_map_changes(demo, tmp_path: Path) -> None:
    library, session = demo
    cache = ThumbnailCache(tmp_path / "thumbs")
    first = library.read(session_thumbnail, session.id, cache)
    assert first is not None and first.parent == tmp_path / "thumbs"
    assert Image.open(first).size == SIZE
    stamp = first.stat().st_mtime_ns
    assert library.read(session_thumbnail, session.id, cache) == first
    assert first.stat().st_mtime_ns == stamp  # served from the cache, not redrawn

    data = library.read(load_map, library.read(maps_of, session.id)[0].id)
    note = data.all_notes()[0]
    library.run(ops.move_note, note.id, data.stages[-1].id, data.lanes[-1].id)
    second = library.read(session_thumbnail, session.id, cache)
    assert second != first and not first.exists()  # one file per session
    assert sorted(p.name for p in cache.folder.iterdir()) == [second.name]


def test_fingerprint_follows_what_the_thumbnail_shows(demo) -> None:
    library, session = demo
    map_id = library.read(maps_of, session.id)[0].id
    data = library.read(load_map, map_id)
    seen = {library.read(map_fingerprint, map_id)}

    def changed(op, *args, **kwargs) -> bool:
        library.run(op, *args, **kwargs)
        fp = library.read(map_fingerprint, map_id)
        new = fp not in seen
        seen.add(fp)
        return new

    assert changed(ops.rename_stage, data.stages[0].id, "Discovery")
    assert changed(ops.move_lane, data.lanes[0].id, 3)
    assert changed(ops.edit_note, data.all_notes()[0].id, text="Changed words")
    point = data.curves[0].points[0]
    assert changed(ops.set_curve_point, point.id, score=-2.5)
    assert changed(ops.vote, data.all_notes()[1].id, None)
    assert changed(ops.update_session, session.id, title="Coffee, again")
    # Edits elsewhere leave it alone.
    other = library.run(ops.create_session, "Another workshop")
    assert not changed(ops.update_session, other.id, goal="Unrelated")
    assert not changed(ops.update_session, session.id, goal="Not on the thumbnail")


def test_session_without_maps_has_no_thumbnail(library, tmp_path: Path) -> None:
    session = library.run(ops.create_session, "Empty", map_name=None)
    assert library.read(session_thumbnail, session.id, ThumbnailCache(tmp_path)) is None


def test_unwritable_cache_is_not_an_error(demo, tmp_path: Path) -> None:
    library, session = demo
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert library.read(session_thumbnail, session.id, ThumbnailCache(blocker / "x")) is None


def test_template_thumbnail_shows_its_stages(tmp_path: Path) -> None:
    spec = BUILTIN_TEMPLATES[0]
    img = template_thumbnail(spec)
    assert img.size == SIZE
    for i in (0, len(spec.stages) - 1):
        assert _has_colour(img, stage_rgb(i, len(spec.stages)))
