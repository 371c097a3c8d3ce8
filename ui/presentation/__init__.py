"""Presentation mode and the projector theme: the map full screen, one stage at a time
lit and framed, for showing it on a projector.
"""
