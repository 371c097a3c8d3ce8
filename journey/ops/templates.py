"""Templates: the built-ins and the ones a facilitator saves from a map.

A saved template keeps a map's stage names and its lanes (name and kind) —
the structure to start the next workshop from, never its notes. Names are
unique without regard to case, and cannot be taken from a built-in.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session as Db
from sqlmodel import select

from ..errors import InvalidEdit, NotFound
from ..models import JourneyMap, Lane, Stage, Template, now_iso
from ..templates import BUILTIN_TEMPLATES, TemplateSpec, builtin_template
from ._common import clean_name, get, ordered, snapshot
from .curves import set_map_scale
from .sessions import add_map, create_session


def _spec(row: Template) -> TemplateSpec:
    stages = tuple(json.loads(row.stages))
    lanes = tuple(tuple(x) for x in json.loads(row.lanes))
    return TemplateSpec(row.name, stages, lanes,  # type: ignore[arg-type]
                        description=f"{len(stages)} stages · {len(lanes)} lanes", builtin=False)


def _saved(db: Db, name: str) -> Template | None:
    wanted = name.strip().casefold()
    return next((t for t in db.exec(select(Template)) if t.name.casefold() == wanted), None)


def list_templates(db: Db) -> list[TemplateSpec]:
    """The built-ins in their order, then the saved templates by name."""
    saved = sorted(db.exec(select(Template)), key=lambda t: t.name.casefold())
    return list(BUILTIN_TEMPLATES) + [_spec(t) for t in saved]


def save_map_as_template(db: Db, map_id: str, name: str, replace: bool = False,
                         template_id: str | None = None) -> Template:
    """Save the map's stages and lanes under `name`.

    A saved template of the same name is replaced only when `replace` is set."""
    name = clean_name(name, "template")
    if builtin_template(name):
        raise InvalidEdit(f"“{name}” is a built-in template; choose another name")
    get(db, JourneyMap, map_id)
    stages = [s.name for s in ordered(db, Stage, map_id=map_id)]
    lanes = [[ln.name, ln.kind] for ln in ordered(db, Lane, map_id=map_id)]
    if not stages and not lanes:
        raise InvalidEdit("the map has no stages or lanes to save as a template")
    row = _saved(db, name)
    if row is not None and not replace:
        raise InvalidEdit(f"a template named “{row.name}” already exists")
    if row is None:
        row = Template(name=name)
        if template_id:
            row.id = template_id
    row.name = name
    row.stages = json.dumps(stages, ensure_ascii=False)
    row.lanes = json.dumps(lanes, ensure_ascii=False)
    row.created_at = now_iso()
    db.add(row)
    db.flush()
    return row


def delete_template(db: Db, name: str) -> list[tuple[str, dict[str, Any]]]:
    """Delete a saved template by name; returns the snapshot `restore` brings back."""
    if builtin_template(name):
        raise InvalidEdit(f"“{name.strip()}” is a built-in template and cannot be deleted")
    row = _saved(db, name)
    if row is None:
        raise NotFound(f"no saved template named {name.strip()!r}")
    snap = [snapshot(row)]
    db.delete(row)
    db.flush()
    return snap


def start_session(db: Db, title: str, template: str | None, scale: tuple[int, int] = (-3, 3),
                  map_name: str = "Current state", **fields: Any):
    """A new session whose first map comes from `template` (None = blank) on `scale`.

    `fields` are the session's date, facilitator and goal."""
    session = create_session(db, title, template=None, map_name=None, **fields)
    add_map_from_template(db, session.id, map_name, template, scale)
    return session


def add_map_from_template(db: Db, session_id: str, name: str, template: str | None,
                          scale: tuple[int, int] = (-3, 3), index: int | None = None
                          ) -> JourneyMap:
    """A map from a template (None = blank) with the emotion scale the facilitator prefers."""
    jmap = add_map(db, session_id, name, template or None, index=index)
    if (jmap.scale_min, jmap.scale_max) != tuple(scale):
        set_map_scale(db, jmap.id, *scale)
    return jmap
