"""Notes on the canvas: creating, editing, selecting and moving them (`note_actions`, with
the mouse side in `canvas.note_input`), copy and paste (`clipboard`), the quick-capture bar,
the typing draft that saves an open editor's text within a second, and the tags dialog.
"""
