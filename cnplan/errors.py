"""The one error type cnplan raises for bad input."""

from __future__ import annotations

import os


class CnplanError(Exception):
    """Bad input: the message is one line naming the file and the cause."""

    def __init__(self, path: object, cause: str) -> None:
        self.path = os.fsencode(str(path)).decode("utf-8", "backslashreplace")  # printable, any file name
        self.cause = cause
        super().__init__(f"{self.path}: {cause}")

    def __reduce__(self):
        """Pickle with both arguments, so the error crosses from a worker process intact."""
        return (type(self), (self.path, self.cause))
