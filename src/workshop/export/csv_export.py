"""Answers and actions for spreadsheets: one row each, told apart by the `kind` column.

The one escaping rule for CSV: a text cell whose first non-blank character is = + - or @ gets a
leading apostrophe, so a spreadsheet shows the text instead of running it as a formula (LibreOffice
trims leading spaces before it evaluates, so ' =1+1' and '\\t=1+1' count too). Control characters
are dropped; line breaks stay inside the quoted cell.

Action rows: the ranked plan, then the accepted actions that are done; the facilitator's file adds
the rejected ones (with the room's reason). `number` is the action's stable number (#12), `rank` its
place in the plan (empty for done and rejected actions), `owner` the person named, else the role.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from workshop.analysis import Analysis, Comparison
from workshop.export.escape import clean
from workshop.export.options import Audience
from workshop.session import HistoryEntry, Session

FORMULA_START = ("=", "+", "-", "@")

ANSWER_COLUMNS = [
    "set", "section", "question_id", "prompt", "status", "level", "target", "gap", "weight", "gate",
    "confidence", "reason", "evidence", "note",
]
FACILITATOR_COLUMNS = ["private_note", "flagged", "references"]
ACTION_COLUMNS = [
    "number", "rank", "action_id", "title", "action_status", "owner", "owner_role", "effort", "horizon",
    "priority", "gain", "triggered_by", "provisional", "verify_first", "decision", "owner_name", "due_date",
    "decision_note",
]


def safe_cell(value: object) -> str:
    """The cell as text, control characters dropped, with a leading apostrophe if it could start a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, str):
        return str(value)
    text = clean(value)
    return "'" + text if text.lstrip().startswith(FORMULA_START) else text


def columns(audience: Audience | str) -> list[str]:
    extra = FACILITATOR_COLUMNS if Audience(audience) is Audience.FACILITATOR else []
    return ["kind", *ANSWER_COLUMNS, *extra, *[c for c in ACTION_COLUMNS if c not in ANSWER_COLUMNS]]


def render_csv(
    session: Session,
    analysis: Analysis,
    audience: Audience | str = Audience.PARTICIPANTS,
    history: Sequence[HistoryEntry] = (),  # accepted for a uniform signature; not part of the CSV
    comparison: Comparison | None = None,  # likewise
) -> str:
    facilitator = Audience(audience) is Audience.FACILITATOR
    header = columns(audience)
    rows: list[dict[str, object]] = []
    set_titles = {s.id: s.title for s in session.bank.sets}
    section_titles = {sec.id: sec.title for s in session.bank.sets for sec in s.sections}
    for q in analysis.questions:
        answer = session.answer(q.question_id)
        question = session.bank.question(q.question_id)
        rows.append(
            {
                "kind": "answer",
                "set": set_titles.get(q.set_id, q.set_id),
                "section": section_titles.get(q.section_id, q.section_id),
                "question_id": q.question_id,
                "prompt": q.prompt,
                "status": q.status.value,
                "level": q.level,
                "target": q.target,
                "gap": q.gap,
                "weight": q.weight,
                "gate": q.gate,
                "confidence": q.confidence.value if q.confidence else "",
                "reason": q.reason,
                "evidence": answer.evidence,
                "note": answer.note,
                "private_note": answer.private_note,
                "flagged": answer.flagged,
                "references": "; ".join(r.label for r in question.references) if question else "",
            }
        )
    actions = (*analysis.actions, *analysis.met, *(analysis.rejected if facilitator else ()))
    for a in actions:
        d = a.decision
        rows.append(
            {
                "kind": "action",
                "number": a.number,
                "rank": a.rank,
                "action_id": a.action_id,
                "title": a.title,
                "action_status": a.status.value,
                "owner": a.owner_name,
                "owner_role": a.owner,
                "effort": a.effort.value,
                "horizon": a.horizon.value,
                "priority": round(a.priority, 4),
                "gain": round(a.gain, 4),
                "triggered_by": " ".join(t.question_id for t in a.triggers),
                "provisional": a.provisional,
                "verify_first": a.verify_first,
                "decision": d.decision.value if d else "",
                "owner_name": d.owner_name if d else "",
                "due_date": d.due_date.isoformat() if d and d.due_date else "",
                "decision_note": d.note if d else "",
            }
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(row.get(column)) for column in header])
    return out.getvalue()
