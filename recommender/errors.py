"""The exceptions the library raises; the CLI turns each into one ``Error: ...`` line."""

from __future__ import annotations


class RecommenderError(Exception):
    """Base class: every error the library raises on purpose derives from it."""


class InvalidInputError(RecommenderError, ValueError):
    """A file, row, option or argument is unusable; the message says which and how to fix it."""


class ArtifactError(RecommenderError):
    """A model directory is missing, incomplete, corrupt or from an incompatible version."""


class NotFittedError(RecommenderError):
    """An object was used before ``fit`` or ``load``."""


class DependencyError(RecommenderError, ImportError):
    """An optional dependency or model needed for this call is not installed."""


class DiskFullError(RecommenderError, OSError):
    """A write ran out of space; the message names where, and nothing half-written was left in place."""


class MissingExtraError(DependencyError):
    """A part of the library needs an optional extra that is not installed; the message says which to install."""
