"""The session library: the start page of session cards, the tabs of the open session,
session details, the new-session and session dialogs, the watch that notices another
process changing the library file, and the recovery offered when it is damaged
(`library_tools` installs the window's library actions).
"""
