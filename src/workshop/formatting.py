"""How numbers, decisions and horizons read, wherever they are shown: exports, the app and the CLI.

Standard library and the analysis only, so the app can use it without loading the exports
(or markdown-it). One home for each wording: a screen and an export never phrase the same fact
two ways. (A vote spread's wording lives with its rule: `workshop.analysis.spread_text`.)
"""

from __future__ import annotations

from workshop.analysis import ActionStatus, RecommendedAction, percent_floor
from workshop.questionnaire import Horizon
from workshop.session import ActionDecision, Decision

HORIZON_TEXT = {
    Horizon.BEFORE_GO_LIVE: "before go-live",
    Horizon.DURING_ROLLOUT: "during rollout",
    Horizon.AFTER_LAUNCH: "after launch",
}


NEEDED_FIRST = ("its own questions are not assessed yet; it ranks here because an action for a known gap "
                "depends on it.")


def score(value: float | None) -> str:
    """A 0-100 score as a whole number, half rounded up; 'n/a' when nothing applies."""
    return "n/a" if value is None else str(int(value + 0.5))


def percent(fraction: float | None) -> str:
    """A 0-1 fraction as a percentage rounded down, so 79.6% never reads as the 80% threshold."""
    return "n/a" if fraction is None else f"{percent_floor(fraction)}%"


def decimal(value: float, places: int = 2) -> str:
    """12.0 -> '12', 1.3333 -> '1.33'."""
    return f"{value:.{places}f}".rstrip("0").rstrip(".")


def gain(points: float) -> str:
    return f"+{points:.1f} points"


def horizon_text(horizon: Horizon, capital: bool = False) -> str:
    """'before go-live', 'during rollout', 'after launch' (capitalised for a heading)."""
    text = HORIZON_TEXT[horizon]
    return text[0].upper() + text[1:] if capital else text


def plural(n: int, one: str, many: str) -> str:
    """'1 question' / '3 questions'."""
    return f"{n} {one if n == 1 else many}"


def decision_text(item: RecommendedAction | ActionDecision | None, *, reason: bool = False) -> str:
    """What the room decided, in one line:

    'not decided yet'; 'accepted · Priya Shah · due 2026-12-04' (the person and date when given);
    'accepted · Priya Shah · due 2026-12-04 · done' once its questions got there; 'rejected', or with
    `reason` 'rejected: covered by the group programme'.
    """
    done = isinstance(item, RecommendedAction) and item.status is ActionStatus.MET
    decision = item.decision if isinstance(item, RecommendedAction) else item
    if decision is None:
        return "not decided yet"
    if decision.decision is Decision.REJECTED:
        note = decision.note.strip()
        return f"rejected: {note}" if reason and note else "rejected"
    parts = ["accepted"]
    if decision.owner_name.strip():
        parts.append(decision.owner_name.strip())
    if decision.due_date:
        parts.append(f"due {decision.due_date.isoformat()}")
    if done:
        parts.append("done")
    return " · ".join(parts)
