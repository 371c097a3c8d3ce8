"""Presentation mode: the full-screen walk through a map, stage by stage, for showing it on
a projector.
"""
