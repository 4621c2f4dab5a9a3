"""The one error type cnplan raises for bad input."""

from __future__ import annotations

import os


def display(name: str) -> str:
    """A file name fit for a UTF-8 table or message: undecodable bytes of the name shown as \\xNN."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


class CnplanError(Exception):
    """Bad input: the message is one line naming the file and the cause."""

    def __init__(self, path: object, cause: str) -> None:
        self.path = display(str(path))
        self.cause = cause
        super().__init__(f"{self.path}: {cause}")

    def __reduce__(self):
        """Pickle with both arguments, so the error crosses from a worker process intact."""
        return (type(self), (self.path, self.cause))
