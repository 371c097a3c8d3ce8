"""The undo commands: every user edit is a QUndoCommand; `map_commands` holds the edits to
a map (through `MapDocument`), `session_commands` the session-level edits (details,
participants, personas, maps) through the library.
"""
