"""Errors a user can act on: each names the file (or field) and the reason."""

from __future__ import annotations


class TechniqueError(Exception):
    """Base class: a clear, specific problem with an input, never a programming error."""

    def __init__(self, source: object, reason: str):
        self.source = str(source)
        self.reason = reason
        super().__init__(f"{self.source}: {reason}")


class VideoError(TechniqueError):
    """A file that cannot be read as a video (empty, truncated, not a video, an image...)."""


class NoPersonError(TechniqueError):
    """The video was read, but no dancer was found in it."""


class ReferenceError_(TechniqueError):
    """A reference file that is malformed; the reason names the field."""


class UnknownMovementError(TechniqueError):
    """A movement name that has no reference file."""


class OutputError(TechniqueError):
    """An output folder or file that cannot be written."""
