"""Stages and lanes: adding, renaming, reordering, resizing and deleting them
(`structure_actions`, the header gestures and keys) and their context menus and dialogs
(`structure_menus`).
"""
