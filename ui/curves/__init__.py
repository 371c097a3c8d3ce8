"""The emotion curves: curves, points, labels and the scale (`curve_actions`, a mixin of
the structure editor in `ui.structure`, since curve points share its
keys and, through `canvas.structure_input`, its mouse gestures).
"""
