"""User-facing errors. Each carries a message fit to show a teacher as it is."""

from __future__ import annotations


class CalibrateError(Exception):
    """Base class: a mistake in what the user gave us, explained in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class RatingsFileError(CalibrateError):
    """A ratings file (CSV) that cannot be read: names the file, line and column."""


class ScenarioError(CalibrateError):
    """A scenario (TOML workshop kit) that is invalid: names the file, line or path, and field."""


class AssessmentFileError(CalibrateError):
    """A test blueprint (TOML) or a results file (CSV) that cannot be read: names the file, the
    line and the column or field. Nothing is stored from it."""


class ScoreImportError(CalibrateError):
    """A score import that was refused; nothing was written."""


class NotFoundError(CalibrateError):
    """A session, rubric, sample, rater … that does not exist."""


class InvalidOperationError(CalibrateError):
    """An action that is not allowed in the current state (e.g. scoring a closed session)."""
