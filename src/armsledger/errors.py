"""Errors armsledger reports to its user as a message, never as a traceback."""


class ArmsledgerError(Exception):
    """Something went wrong that the user should be told about in plain words."""


class InputError(ArmsledgerError):
    """A user's input was not what was expected (a bad file, line, value or option)."""
