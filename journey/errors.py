"""Errors a user can cause. Each carries one line that can be shown as it is."""


class WaymarkError(Exception):
    """Base of every error that is the user's input, not a bug: shown as one line."""


class NotFound(WaymarkError):
    pass


class InvalidEdit(WaymarkError):
    pass
