"""The one exception type the CLI turns into a one-line reason and a non-zero exit."""


class SessionkitError(Exception):
    """A failure with a one-line, human reason (printed by the CLI, exit code 1)."""
