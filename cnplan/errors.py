"""The one error type cnplan raises for bad input."""

from __future__ import annotations

import os


def display(name: str) -> str:
    """A file name fit for a UTF-8 table or message: undecodable bytes of the name shown as \\xNN."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


_CONTROL = {cp: f"\\x{cp:02x}" for cp in [*range(0x20), *range(0x7F, 0xA0)]}
_CONTROL.update({0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"})


def shown(name: str) -> str:
    """A file name fit for one line of a terminal: control characters (a newline, ESC) escaped."""
    return display(name).translate(_CONTROL)


class CnplanError(Exception):
    """Bad input: the message is one line naming the file and the cause."""

    def __init__(self, path: object, cause: str) -> None:
        self.path = display(str(path))
        self.cause = cause
        super().__init__(f"{shown(self.path)}: {cause}")

    def __reduce__(self):
        """Pickle with both arguments, so the error crosses from a worker process intact."""
        return (type(self), (self.path, self.cause))


class CnplanWarning(CnplanError):
    """A file that was read, with a caveat the user should know (bytes replaced, say): one line, no failure."""
