"""Tools the facilitator uses during a workshop: the countdown timer, the parking lot for
notes set aside, and `workshop_tools`, which installs them into the window.
"""
