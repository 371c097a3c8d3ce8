"""Notes on the canvas: creating, editing, selecting and moving them (`note_actions`, with
the mouse side in `note_input`), copy and paste (`clipboard`), the quick-capture bar,
the typing draft that keeps an unfinished note across a crash, and the tags dialog.
"""
