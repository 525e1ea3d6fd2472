"""Who an export is for and what format it takes."""

from __future__ import annotations

from enum import StrEnum

from workshop.errors import DataProblem


class Audience(StrEnum):
    PARTICIPANTS = "participants"  # never sees private notes or flags
    FACILITATOR = "facilitator"  # everything, plus votes per participant and the answer history


class Format(StrEnum):
    MD = "md"
    HTML = "html"
    JSON = "json"
    CSV = "csv"


class ExportError(DataProblem):
    """An export could not be written; the message is one line, fit for the terminal."""
