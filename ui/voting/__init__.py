"""Dot voting: running a round, casting and showing votes on the notes (`voting`), and the
dialogs and results panel around a round (`voting_dialogs`).
"""
