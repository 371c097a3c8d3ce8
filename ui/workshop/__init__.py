"""Tools the facilitator uses during a workshop: the countdown timer and the parking lot
for notes set aside. `workshop_tools` installs every facilitation tool into the window
(the Workshop menu, toolbar buttons), including voting, presentation mode and quick
capture, which live in their own packages.
"""
