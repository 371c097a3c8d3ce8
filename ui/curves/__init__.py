"""The emotion curves: curves, points, labels and the scale (`curve_actions`, a mixin of
the structure editor in `ui.structure`, since curve points share its gestures and keys).
"""
