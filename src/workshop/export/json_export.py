"""The whole session and its analysis as JSON, for other tools.

Shape, version 1 (keys always present unless marked; dates ISO 8601; scores 0-100; fractions 0-1):

    {
      "format": "workshop-export", "version": 1,
      "audience": "participants" | "facilitator",
      "session": {"id", "organisation", "initiative", "facilitator", "date", "status",
                  "sets": [set id], "participants": [{"id", "name", "role"}],
                  "targets": {question id: level}, "time_boxes": {set id: minutes},
                  "elapsed": {set id: seconds}},
      "questionnaire": [{"id", "title", "version", "sections": [{"id", "title",
                         "questions": [{"id", "prompt", "weight", "target", "gate"}]}]}],
      "answers": [{"question_id", "status": "level"|"unknown"|"na"|null, "level", "reason",
                   "evidence", "confidence", "note", "answered_by", "updated_at",
                   "private_note" and "flagged" (facilitator only)}],
      "votes": [{"question_id", "participant_id", "participant", "level"}],
      "decisions": [{"action_id", "decision", "owner_name", "due_date", "note"}],
      "analysis": {
        "readiness_index", "percent_to_target", "weakest_set",
        "verdict": {"status", "label", "reasons": [sentence], "blockers": [question id], "threshold"},
        "sets": [{"id", "title", "score", "target_score", "percent_to_target", "weakest_section",
                  "applicable", "assessed", "unknown", "unassessed", "not_applicable", "blockers",
                  "sections": [{"id", "title", "score", "percent_to_target", "weakest_question"}]}],
        "questions": [{"id", "set_id", "section_id", "weight", "gate", "target", "status", "level",
                       "gap", "score", "confidence"}],
        "actions": [{"rank", "id", "title", "owner", "effort", "horizon", "planned_horizon",
                     "priority", "gain", "verify_first", "depends_on", "needed_by",
                     "triggers": [{"question_id", "status", "level", "target", "threshold",
                                   "weight", "gate", "contribution"}],
                     "decision": {as in "decisions"} | null}],
        "divergences": [{"question_id", "spread", "misaligned", "consensus", "reason",
                         "votes": [{"participant_id", "participant", "level"}]}],
        "unknown": [question id], "unassessed": [question id], "low_confidence": [question id],
        "not_applicable": [{"question_id", "reason"}]
      },
      "reassessment": null | {"before_session", "after_session", "before_date", "after_date",
                      "readiness_before", "readiness_after", "readiness_delta", "progress",
                      "sets": [{"set_id", "title", "before_score", "after_score", "delta", "change",
                                "progress"}],
                      "questions": [{"question_id", "set_id", "prompt", "before_status", "after_status",
                                     "before_level", "after_level", "target", "change", "progress"}],
                      "only_before", "only_after", "warnings"},
      "history": [{"question_id", "field", "old_value", "new_value", "changed_at"}]  (facilitator only)
    }

Participants' exports leave out private notes, flags and the answer history (which can hold
private-note edits).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from workshop.analysis import Analysis, Comparison
from workshop.export.options import Audience
from workshop.session import ActionDecision, HistoryEntry, Session

FORMAT = "workshop-export"
VERSION = 1


def _decision(d: ActionDecision | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "action_id": d.action_id,
        "decision": d.decision.value,
        "owner_name": d.owner_name,
        "due_date": d.due_date.isoformat() if d.due_date else None,
        "note": d.note,
    }


def _analysis(analysis: Analysis) -> dict[str, Any]:
    return {
        "readiness_index": analysis.readiness_index,
        "percent_to_target": analysis.percent_to_target,
        "weakest_set": analysis.weakest_set.set_id if analysis.weakest_set else None,
        "verdict": {
            "status": analysis.verdict.status.value,
            "label": analysis.verdict.status.label,
            "reasons": list(analysis.verdict.reasons),
            "blockers": [q.question_id for q in analysis.verdict.blockers],
            "threshold": analysis.verdict.threshold,
        },
        "sets": [
            {
                "id": s.set_id,
                "title": s.title,
                "score": s.score,
                "target_score": s.target_score,
                "percent_to_target": s.percent_to_target,
                "weakest_section": s.weakest.section_id if s.weakest else None,
                "applicable": s.applicable,
                "assessed": s.assessed,
                "unknown": s.unknown,
                "unassessed": s.unassessed,
                "not_applicable": s.not_applicable,
                "blockers": s.blockers,
                "sections": [
                    {
                        "id": sec.section_id,
                        "title": sec.title,
                        "score": sec.score,
                        "percent_to_target": sec.percent_to_target,
                        "weakest_question": sec.weakest.question_id if sec.weakest else None,
                    }
                    for sec in s.sections
                ],
            }
            for s in analysis.sets
        ],
        "questions": [
            {
                "id": q.question_id,
                "set_id": q.set_id,
                "section_id": q.section_id,
                "weight": q.weight,
                "gate": q.gate,
                "target": q.target,
                "status": q.status.value,
                "level": q.level,
                "gap": q.gap,
                "score": q.score,
                "confidence": q.confidence.value if q.confidence else None,
            }
            for q in analysis.questions
        ],
        "actions": [
            {
                "rank": a.rank,
                "id": a.action_id,
                "title": a.title,
                "owner": a.owner,
                "effort": a.effort.value,
                "horizon": a.horizon.value,
                "planned_horizon": a.planned_horizon.value,
                "priority": a.priority,
                "gain": a.gain,
                "verify_first": a.verify_first,
                "depends_on": list(a.depends_on),
                "needed_by": list(a.needed_by),
                "triggers": [
                    {
                        "question_id": t.question_id,
                        "status": t.status.value,
                        "level": t.level,
                        "target": t.target,
                        "threshold": t.threshold,
                        "weight": t.weight,
                        "gate": t.gate,
                        "contribution": t.contribution,
                    }
                    for t in a.triggers
                ],
                "decision": _decision(a.decision),
            }
            for a in analysis.actions
        ],
        "divergences": [
            {
                "question_id": d.question_id,
                "spread": d.spread,
                "misaligned": d.misaligned,
                "consensus": d.consensus,
                "reason": d.reason,
                "votes": [{"participant_id": v.participant_id, "participant": v.name, "level": v.level} for v in d.votes],
            }
            for d in analysis.divergences
        ],
        "unknown": [q.question_id for q in analysis.unknown],
        "unassessed": [q.question_id for q in analysis.unassessed],
        "low_confidence": [q.question_id for q in analysis.low_confidence],
        "not_applicable": [{"question_id": q.question_id, "reason": q.reason} for q in analysis.not_applicable],
    }


def export_document(
    session: Session,
    analysis: Analysis,
    audience: Audience | str = Audience.PARTICIPANTS,
    history: Sequence[HistoryEntry] = (),
    comparison: Comparison | None = None,
) -> dict[str, Any]:
    """The export as plain Python data (what `render_json` serialises)."""
    facilitator = Audience(audience) is Audience.FACILITATOR
    answers = []
    for q in session.bank.questions():
        if q.id not in session.answers:
            continue
        a = session.answers[q.id]
        item: dict[str, Any] = {
            "question_id": a.question_id,
            "status": a.status.value if a.status else None,
            "level": a.level,
            "reason": a.reason,
            "evidence": a.evidence,
            "confidence": a.confidence.value if a.confidence else None,
            "note": a.note,
            "answered_by": a.answered_by,
            "updated_at": a.updated_at.isoformat() if a.updated_at else None,
        }
        if facilitator:
            item["private_note"] = a.private_note
            item["flagged"] = a.flagged
        answers.append(item)

    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "audience": Audience(audience).value,
        "session": {
            "id": session.id,
            "organisation": session.organisation,
            "initiative": session.initiative,
            "facilitator": session.facilitator,
            "date": session.date.isoformat(),
            "status": session.status.value,
            "sets": list(session.sets),
            "participants": [{"id": p.id, "name": p.name, "role": p.role} for p in session.participants],
            "targets": dict(session.targets),
            "time_boxes": dict(session.time_boxes),
            "elapsed": dict(session.elapsed),
        },
        "questionnaire": [
            {
                "id": s.id,
                "title": s.title,
                "version": s.version,
                "sections": [
                    {
                        "id": sec.id,
                        "title": sec.title,
                        "questions": [
                            {"id": q.id, "prompt": q.prompt, "weight": q.weight, "target": q.target, "gate": q.gate}
                            for q in sec.questions
                        ],
                    }
                    for sec in s.sections
                ],
            }
            for s in session.bank.sets
        ],
        "answers": answers,
        "votes": [
            {
                "question_id": v.question_id,
                "participant_id": v.participant_id,
                "participant": session.participant_name(v.participant_id),
                "level": v.level,
            }
            for v in session.votes
        ],
        "decisions": [_decision(d) for d in session.decisions.values()],
        "analysis": _analysis(analysis),
        # The change since the last workshop on the same initiative, or null.
        "reassessment": _jsonable(asdict(comparison)) if comparison is not None else None,
    }
    if facilitator:
        document["history"] = [
            {
                "question_id": h.question_id,
                "field": h.field,
                "old_value": h.old_value,
                "new_value": h.new_value,
                "changed_at": h.changed_at.isoformat(),
            }
            for h in history
        ]
    return document


def render_json(
    session: Session,
    analysis: Analysis,
    audience: Audience | str = Audience.PARTICIPANTS,
    history: Sequence[HistoryEntry] = (),
    comparison: Comparison | None = None,
) -> str:
    document = export_document(session, analysis, audience, history, comparison)
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _jsonable(value: Any) -> Any:
    """Dates and enums as the strings JSON readers expect."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
