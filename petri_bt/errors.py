"""The one exception that means "the user's input is wrong": printed as one line, exit 2."""


class UserError(Exception):
    """Bad input or an unmet precondition, with a message saying how to fix it."""
