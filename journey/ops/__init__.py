"""Named edit operations. Each takes an open database session, changes rows and
returns what undo needs; `storage.Library.run` commits it as one transaction."""

from .curves import (
    SCALES,
    add_curve,
    add_curve_point,
    delete_curve,
    delete_curve_point,
    set_curve_point,
    set_map_scale,
    set_stage_score,
)
from .notes import (
    NewNote,
    Placement,
    add_note,
    add_notes,
    block_order,
    delete_note,
    edit_note,
    move_note,
    move_notes,
    normalise_tags,
    place_notes,
)
from .parking import (
    delete_parked_note,
    edit_parked_note,
    park_existing_note,
    park_note,
    place_parked_note,
)
from .people import (
    add_participant,
    add_persona,
    delete_participant,
    delete_persona,
    edit_participant,
    edit_persona,
    participant_votes,
    reassign_votes,
)
from .restore import restore
from .sessions import (
    add_map,
    create_session,
    delete_map,
    duplicate_map,
    find_template,
    map_snapshot,
    move_map,
    purge_session,
    rename_map,
    restore_session,
    set_map_persona,
    trash_session,
    update_session,
)
from .structure import (
    add_lane,
    add_stage,
    delete_lane,
    delete_stage,
    move_lane,
    move_stage,
    rename_lane,
    rename_stage,
    set_lane_collapsed,
    set_lane_description,
    set_lane_kind,
    set_stage_description,
    set_stage_width,
)
from .templates import (
    add_map_from_template,
    delete_template,
    list_templates,
    save_map_as_template,
    start_session,
)
from .voting import (
    cast_vote,
    delete_round,
    delete_vote,
    retract_vote,
    round_results,
    round_votes_used,
    set_round_status,
    start_round,
    unvote,
    vote,
    votes_used,
)

__all__ = [
    "SCALES", "add_curve", "add_curve_point", "add_lane", "add_map", "add_note",
    "add_participant", "add_persona", "add_stage", "create_session", "delete_curve",
    "delete_curve_point", "delete_lane", "delete_map", "delete_note", "delete_participant",
    "delete_stage", "duplicate_map", "edit_note", "edit_participant", "edit_persona",
    "find_template", "move_lane", "move_note", "move_stage", "normalise_tags", "purge_session",
    "rename_lane", "rename_map", "rename_stage", "restore", "restore_session",
    "set_curve_point", "set_lane_collapsed", "set_lane_description", "set_lane_kind",
    "set_map_scale", "set_stage_description", "set_stage_score", "set_stage_width",
    "trash_session", "unvote", "update_session", "vote", "votes_used",
    "cast_vote", "delete_round", "delete_vote", "retract_vote", "round_results",
    "round_votes_used", "set_round_status", "start_round",
    "delete_parked_note", "edit_parked_note", "park_existing_note", "park_note",
    "place_parked_note",
    "delete_persona", "map_snapshot", "move_map", "set_map_persona",
    "delete_template", "list_templates", "save_map_as_template", "start_session",
    "add_map_from_template", "participant_votes", "reassign_votes",
    "NewNote", "add_notes", "Placement", "block_order", "move_notes", "place_notes",
]


def batch(db, calls):
    """Run several operations as one (one transaction, one undo step).

    `calls` is a list of (operation, args, kwargs); returns their results in order.
    """
    return [op(db, *args, **kwargs) for op, args, kwargs in calls]


__all__.append("batch")
