"""Gap analysis: pure functions from a `Session` to frozen results. No I/O, no SQLite, no Textual.

    analysis = analyse(session)          # scores, verdict, ranked actions, divergence
    comparison = compare(before, after)  # re-assessment of the same initiative

The rules are documented in README.md ("How a workshop is scored") and in each module's docstring.
"""

from workshop.analysis.actions import GATE_FACTOR, action_numbers
from workshop.analysis.analyse import analyse, verdict_of
from workshop.analysis.compare import Change, Comparison, QuestionChange, SetChange, compare, compare_analyses
from workshop.analysis.divergence import (
    MISALIGNED_SPREAD,
    is_misaligned,
    misaligned_questions,
    spread_of,
    spread_text,
)
from workshop.analysis.models import (
    ActionStatus,
    Analysis,
    Divergence,
    QuestionScore,
    RecommendedAction,
    ScoreStatus,
    SectionScore,
    SetScore,
    Trigger,
    Verdict,
    VerdictStatus,
    VoteCast,
)
from workshop.analysis.verdict import CONDITIONS_THRESHOLD, percent_floor

__all__ = [
    "CONDITIONS_THRESHOLD",
    "GATE_FACTOR",
    "MISALIGNED_SPREAD",
    "ActionStatus",
    "Analysis",
    "Change",
    "Comparison",
    "Divergence",
    "QuestionChange",
    "QuestionScore",
    "RecommendedAction",
    "ScoreStatus",
    "SectionScore",
    "SetChange",
    "SetScore",
    "Trigger",
    "Verdict",
    "VerdictStatus",
    "VoteCast",
    "action_numbers",
    "analyse",
    "compare",
    "compare_analyses",
    "is_misaligned",
    "misaligned_questions",
    "percent_floor",
    "spread_of",
    "spread_text",
    "verdict_of",
]
