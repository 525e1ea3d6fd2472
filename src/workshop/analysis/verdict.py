"""The verdict: ready, ready with conditions, or not ready, with its reasons as sentences.

The rule, checked in this order:
1. not ready: a gate question is under its target (unknown and not yet assessed score 0),
   or nothing applicable has been assessed, or percent-to-target is under CONDITIONS_THRESHOLD;
2. ready: every applicable question meets its target and nothing is unknown or unassessed;
3. ready with conditions: everything else (no gate blocker and percent-to-target at or above
   the threshold); the conditions are the remaining gaps, unknowns and unassessed questions.

A verdict with questions still to assess is provisional, and says what is missing. A gate the room
has not assessed yet is "still to assess", never "not met": it blocks 'ready' (it scores 0) but is
reported apart from the gates the room found short. Gate sentences (`gate_reasons`) are kept apart
from the other reasons, so a screen can list the gates its own way without parsing sentences.
"""

from __future__ import annotations

import math

from workshop.analysis.models import QuestionScore, ScoreStatus, Verdict, VerdictStatus

CONDITIONS_THRESHOLD = 0.80


def percent_floor(fraction: float) -> int:
    """A fraction as a whole percentage, rounded down so 79.6% never shows as 80%."""
    return math.floor(100 * fraction + 1e-9)


def count(n: int, one: str, many: str) -> str:
    """'1 question is' / '3 questions are'."""
    return f"{n} {one if n == 1 else many}"


def gate_sentence(q: QuestionScore) -> str:
    if q.status is ScoreStatus.UNASSESSED:
        return f"Gate still to assess: “{q.prompt}” (target {q.target})."
    state = "is unknown (scored 0)" if q.status is ScoreStatus.UNKNOWN else f"is at level {q.level}"
    return f"Gate not met: “{q.prompt}” {state}, under its target of {q.target}."


def decide(questions: tuple[QuestionScore, ...], percent_to_target: float) -> Verdict:
    applicable = [q for q in questions if q.applicable]
    blockers = tuple(q for q in questions if q.blocks)
    failed = [q for q in blockers if q.status is not ScoreStatus.UNASSESSED]
    to_assess = [q for q in blockers if q.status is ScoreStatus.UNASSESSED]
    gaps = [q for q in applicable if q.gap > 0]
    unknown = [q for q in questions if q.status is ScoreStatus.UNKNOWN]
    unassessed = tuple(q for q in questions if q.status is ScoreStatus.UNASSESSED)
    pct = percent_floor(percent_to_target)
    threshold = round(100 * CONDITIONS_THRESHOLD)
    gate_reasons = tuple(gate_sentence(q) for q in failed) + tuple(gate_sentence(q) for q in to_assess)

    def verdict(status: VerdictStatus, summary: str, reasons: list[str]) -> Verdict:
        return Verdict(status, summary, tuple(reasons), gate_reasons, blockers, CONDITIONS_THRESHOLD, unassessed,
                       len(applicable))

    if not any(q.status in (ScoreStatus.ASSESSED, ScoreStatus.UNKNOWN) for q in applicable):
        sentence = "No applicable question has been assessed yet."
        return verdict(VerdictStatus.NOT_READY, f"Not ready: {sentence[0].lower()}{sentence[1:]}", [sentence])

    below_threshold = percent_to_target < CONDITIONS_THRESHOLD
    reasons: list[str] = []
    if below_threshold:
        reasons.append(
            f"The pilot is {pct}% of the way to its targets, under the {threshold}% needed "
            "for 'ready with conditions'."
        )
    conditions = []
    if gaps and not (blockers or below_threshold):
        conditions.append(
            f"{count(len(gaps), 'question is', 'questions are')} under target; "
            "the action plan lists what closes the gaps."
        )
    if unknown:
        conditions.append(f"{count(len(unknown), 'question is', 'questions are')} unknown, scored as 0.")
    if unassessed:
        conditions.append(
            f"{count(len(unassessed), 'question has', 'questions have')} not been assessed yet, scored as 0."
        )

    if blockers or below_threshold:
        why = []
        if failed:
            why.append(f"{count(len(failed), 'gate question is', 'gate questions are')} under target")
        if to_assess:
            why.append(f"{count(len(to_assess), 'gate question is', 'gate questions are')} still to assess")
        if below_threshold:
            why.append(f"the pilot is {pct}% of the way to its targets ({threshold}% needed)")
        summary = "Not ready: " + _join(why) + "."
        return verdict(VerdictStatus.NOT_READY, summary, reasons + conditions)
    if not gaps and not unknown and not unassessed:
        reasons.append(
            f"All {count(len(applicable), 'applicable question meets its', 'applicable questions meet their')} "
            "target, with nothing unknown or left unassessed."
        )
        return verdict(VerdictStatus.READY, "Ready: " + reasons[-1][0].lower() + reasons[-1][1:], reasons)
    reasons.append(
        f"No gate question is under its target and the pilot is {pct}% of the way to its targets "
        f"(at least {threshold}%)."
    )
    open_items = []
    if gaps:
        open_items.append(count(len(gaps), "question under target", "questions under target"))
    if unknown:
        open_items.append(count(len(unknown), "unknown answer", "unknown answers"))
    if unassessed:
        open_items.append(count(len(unassessed), "question not assessed", "questions not assessed"))
    summary = (
        f"Ready with conditions: no gate is under its target and the pilot is {pct}% of the way to its "
        f"targets; the conditions are {_join(open_items)}."
    )
    return verdict(VerdictStatus.READY_WITH_CONDITIONS, summary, reasons + conditions)


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
