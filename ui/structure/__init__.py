"""Stages and lanes: adding, renaming, reordering, resizing and deleting them
(`structure_actions`, the commands and keys; the mouse gestures are
`canvas.structure_input`) and their context menus and dialogs
(`structure_menus`).
"""
