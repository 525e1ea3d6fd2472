"""The verdict: ready, ready with conditions, or not ready, with its reasons as sentences.

The rule, checked in this order:
1. not ready: a gate question is under its target (unknown and not yet assessed score 0),
   or nothing applicable has been assessed, or percent-to-target is under CONDITIONS_THRESHOLD;
2. ready: every applicable question meets its target and nothing is unknown or unassessed;
3. ready with conditions: everything else (no gate blocker and percent-to-target at or above
   the threshold); the conditions are the remaining gaps, unknowns and unassessed questions.
"""

from __future__ import annotations

import math

from workshop.analysis.models import QuestionScore, ScoreStatus, Verdict, VerdictStatus

CONDITIONS_THRESHOLD = 0.80


def percent_floor(fraction: float) -> int:
    """A fraction as a whole percentage, rounded down so 79.6% never shows as 80%."""
    return math.floor(100 * fraction + 1e-9)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _blocker_sentence(q: QuestionScore) -> str:
    if q.status is ScoreStatus.UNKNOWN:
        state = "is unknown (scored 0)"
    elif q.status is ScoreStatus.UNASSESSED:
        state = "has not been assessed yet (scored 0)"
    else:
        state = f"is at level {q.level}"
    return f"Gate not met: “{q.prompt}” {state}, under its target of {q.target}."


def decide(questions: tuple[QuestionScore, ...], percent_to_target: float) -> Verdict:
    applicable = [q for q in questions if q.applicable]
    blockers = tuple(q for q in questions if q.blocks)
    gaps = [q for q in applicable if q.gap > 0]
    unknown = [q for q in questions if q.status is ScoreStatus.UNKNOWN]
    unassessed = [q for q in questions if q.status is ScoreStatus.UNASSESSED]
    pct = percent_floor(percent_to_target)
    threshold = round(100 * CONDITIONS_THRESHOLD)

    reasons: list[str] = []
    if not any(q.status in (ScoreStatus.ASSESSED, ScoreStatus.UNKNOWN) for q in applicable):
        reasons.append("No applicable question has been assessed yet.")
        return Verdict(VerdictStatus.NOT_READY, tuple(reasons), blockers, CONDITIONS_THRESHOLD)

    reasons.extend(_blocker_sentence(q) for q in blockers)
    below_threshold = percent_to_target < CONDITIONS_THRESHOLD
    if below_threshold:
        reasons.append(
            f"The pilot is {pct}% of the way to its targets, under the {threshold}% needed "
            "for 'ready with conditions'."
        )
    conditions = []
    if gaps and not (blockers or below_threshold):
        conditions.append(
            f"{_count(len(gaps), 'question is', 'questions are')} under target; "
            "the action plan lists what closes the gaps."
        )
    if unknown:
        conditions.append(f"{_count(len(unknown), 'question is', 'questions are')} unknown, scored as 0.")
    if unassessed:
        conditions.append(
            f"{_count(len(unassessed), 'question has', 'questions have')} not been assessed yet, scored as 0."
        )

    if blockers or below_threshold:
        return Verdict(VerdictStatus.NOT_READY, tuple(reasons + conditions), blockers, CONDITIONS_THRESHOLD)
    if not gaps and not unknown and not unassessed:
        reasons.append(
            f"All {_count(len(applicable), 'applicable question meets its', 'applicable questions meet their')} "
            "target, with nothing unknown or left unassessed."
        )
        return Verdict(VerdictStatus.READY, tuple(reasons), blockers, CONDITIONS_THRESHOLD)
    reasons.append(
        f"No gate question is under its target and the pilot is {pct}% of the way to its targets "
        f"(at least {threshold}%)."
    )
    return Verdict(VerdictStatus.READY_WITH_CONDITIONS, tuple(reasons + conditions), blockers, CONDITIONS_THRESHOLD)
