"""The whole session and its analysis as JSON, for other tools.

Shape, version 2 (keys always present unless marked; dates ISO 8601; scores 0-100; fractions 0-1):

    {
      "format": "workshop-export", "version": 2,
      "audience": "participants" | "facilitator",
      "session": {"id", "organisation", "initiative", "facilitator", "date", "status",
                  "sets": [set id], "participants": [{"id", "name", "role"}],
                  "targets": {question id: level}, "time_boxes": {set id: minutes},
                  "elapsed": {set id: seconds}},
      "questionnaire": [{"id", "title", "version", "sections": [{"id", "title",
                         "questions": [{"id", "prompt", "weight", "target", "gate",
                                        "references": [{"framework", "ref", "label"}]}]}]}],
      "answers": [{"question_id", "status": "level"|"unknown"|"na"|null, "level", "reason",
                   "evidence", "confidence", "note", "answered_by", "updated_at",
                   "private_note" and "flagged" (facilitator only)}],
      "votes": [{"question_id", "participant_id", "participant", "level" (null: don't know)}]
               (facilitator only: the participants' file never says who voted what),
      "decisions": [{"action_id", "number", "decision", "owner_name", "due_date", "note", "decided_at"}],
      "target_changes": [{"question_id", "old_target", "new_target", "changed_at"}]
               (targets raised or lowered in this workshop; a null target is the question set's own),
      "analysis": {
        "readiness_index", "percent_to_target", "weakest_set",
        "verdict": {"status", "label", "summary", "provisional", "provisional_note",
                    "reasons": [sentence], "gate_reasons": [sentence],
                    "blockers": [question id], "failed_gates": [question id],
                    "gates_to_assess": [question id], "threshold"},
        "sets": [{"id", "title", "score", "target_score", "percent_to_target", "weakest_section",
                  "applicable", "assessed", "unknown", "unassessed", "not_applicable", "blockers",
                  "sections": [{"id", "title", "score", "percent_to_target", "weakest_question"}]}],
        "questions": [{"id", "set_id", "section_id", "weight", "gate", "target", "status", "level",
                       "gap", "score", "confidence"}],
        "actions": [ACTION] (the ranked plan),
        "met_actions": [ACTION] (accepted, and their questions got there),
        "rejected_actions": [ACTION] (facilitator only; each with its decision and the room's reason),
            ACTION = {"number", "rank" (null outside the plan), "id", "title", "status":
                      "open"|"accepted"|"met"|"rejected", "owner" (the person named, else the role),
                      "owner_role", "effort", "horizon", "planned_horizon", "priority", "gain",
                      "provisional", "verify_first", "depends_on": [action id], "needed_by": [action id],
                      "questions": [question id],
                      "triggers": [{"question_id", "status", "level", "target", "threshold",
                                    "weight", "gate", "contribution"}],
                      "decision": {as in "decisions"} | null}
        "divergences": [{"question_id", "spread", "misaligned", "consensus", "reason",
                         "distribution": {"0".."4": count of votes at that level}, "dont_know": count,
                         "votes": [{"participant_id", "participant", "level"}] (facilitator only)}],
        "unknown": [question id], "unassessed": [question id], "low_confidence": [question id],
        "not_applicable": [{"question_id", "reason"}]
      },
      "reassessment": null | {"before_session", "after_session", "before_date", "after_date",
                      "readiness_before", "readiness_after", "readiness_delta", "progress",
                      "sets": [{"set_id", "title", "before_score", "after_score", "delta", "change",
                                "progress"}],
                      "questions": [{"question_id", "set_id", "prompt", "before_status", "after_status",
                                     "before_level", "after_level", "target", "change", "progress"}],
                      "only_before", "only_after", "warnings"}  (Comparison.as_dict()),
      "history": [{"question_id", "field", "old_value", "new_value", "changed_at"}]  (facilitator only)
    }

Changes from version 1: top-level "votes" and the names in "divergences" are facilitator-only
(participants get the distribution); actions carry "number", "status", "provisional", "questions"
and one "owner" ("owner_role" is the set's role); rejected actions left the plan for
"rejected_actions" and accepted ones that are done moved to "met_actions"; the verdict has
"summary", "gate_reasons", "failed_gates", "gates_to_assess" and "provisional"; "target_changes"
and question "references" are new.

Participants' exports leave out private notes, flags, the answer history (which can hold
private-note edits), rejected actions and who voted what.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from workshop.analysis import Analysis, Comparison, RecommendedAction
from workshop.export.options import Audience
from workshop.session import ActionDecision, HistoryEntry, Session

FORMAT = "workshop-export"
VERSION = 2


def _decision(d: ActionDecision | None, number: int | None = None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "action_id": d.action_id,
        "number": number,
        "decision": d.decision.value,
        "owner_name": d.owner_name,
        "due_date": d.due_date.isoformat() if d.due_date else None,
        "note": d.note,
        "decided_at": d.decided_at.isoformat() if d.decided_at else None,
    }


def _action(a: RecommendedAction) -> dict[str, Any]:
    return {
        "number": a.number,
        "rank": a.rank,
        "id": a.action_id,
        "title": a.title,
        "status": a.status.value,
        "owner": a.owner_name,
        "owner_role": a.owner,
        "effort": a.effort.value,
        "horizon": a.horizon.value,
        "planned_horizon": a.planned_horizon.value,
        "priority": a.priority,
        "gain": a.gain,
        "provisional": a.provisional,
        "verify_first": a.verify_first,
        "depends_on": list(a.depends_on),
        "needed_by": list(a.needed_by),
        "questions": list(a.question_ids),
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
        "decision": _decision(a.decision, a.number),
    }


def _analysis(analysis: Analysis, facilitator: bool) -> dict[str, Any]:
    verdict = analysis.verdict
    data: dict[str, Any] = {
        "readiness_index": analysis.readiness_index,
        "percent_to_target": analysis.percent_to_target,
        "weakest_set": analysis.weakest_set.set_id if analysis.weakest_set else None,
        "verdict": {
            "status": verdict.status.value,
            "label": verdict.status.label,
            "summary": verdict.summary,
            "provisional": verdict.provisional,
            "provisional_note": verdict.provisional_note,
            "reasons": list(verdict.reasons),
            "gate_reasons": list(verdict.gate_reasons),
            "blockers": [q.question_id for q in verdict.blockers],
            "failed_gates": [q.question_id for q in verdict.failed_gates],
            "gates_to_assess": [q.question_id for q in verdict.gates_to_assess],
            "threshold": verdict.threshold,
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
        "actions": [_action(a) for a in analysis.actions],
        "met_actions": [_action(a) for a in analysis.met],
    }
    if facilitator:
        data["rejected_actions"] = [_action(a) for a in analysis.rejected]
    divergences = []
    for d in analysis.divergences:
        item: dict[str, Any] = {
            "question_id": d.question_id,
            "spread": d.spread,
            "misaligned": d.misaligned,
            "consensus": d.consensus,
            "reason": d.reason,
            "distribution": {str(level): n for level, n in d.counts.items()},
            "dont_know": d.dont_know,
        }
        if facilitator:
            item["votes"] = [{"participant_id": v.participant_id, "participant": v.name, "level": v.level}
                             for v in d.votes]
        divergences.append(item)
    data["divergences"] = divergences
    data["unknown"] = [q.question_id for q in analysis.unknown]
    data["unassessed"] = [q.question_id for q in analysis.unassessed]
    data["low_confidence"] = [q.question_id for q in analysis.low_confidence]
    data["not_applicable"] = [{"question_id": q.question_id, "reason": q.reason} for q in analysis.not_applicable]
    return data


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

    numbers = {a.action_id: a.number for a in (*analysis.actions, *analysis.met, *analysis.rejected)}
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
                            {
                                "id": q.id, "prompt": q.prompt, "weight": q.weight, "target": q.target,
                                "gate": q.gate,
                                "references": [
                                    {"framework": r.framework.value, "ref": r.ref, "label": r.label}
                                    for r in q.references
                                ],
                            }
                            for q in sec.questions
                        ],
                    }
                    for sec in s.sections
                ],
            }
            for s in session.bank.sets
        ],
        "answers": answers,
    }
    if facilitator:
        document["votes"] = [
            {
                "question_id": v.question_id,
                "participant_id": v.participant_id,
                "participant": session.participant_name(v.participant_id),
                "level": v.level,
            }
            for v in session.votes
        ]
    rejected = {a.action_id for a in analysis.rejected}
    document["decisions"] = [
        _decision(d, numbers.get(d.action_id))
        for d in session.decisions.values()
        if facilitator or d.action_id not in rejected
    ]
    document["target_changes"] = [
        {
            "question_id": c.question_id,
            "old_target": c.old_target,
            "new_target": c.new_target,
            "changed_at": c.changed_at.isoformat(),
        }
        for c in session.target_changes
    ]
    document["analysis"] = _analysis(analysis, facilitator)
    # The change since an earlier workshop on the same initiative (named by its id and date), or null.
    document["reassessment"] = comparison.as_dict() if comparison is not None else None
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
