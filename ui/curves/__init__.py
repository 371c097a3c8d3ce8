"""The emotion curve: editing its points on the canvas and the commands that change it
(`curve_actions`).
"""
