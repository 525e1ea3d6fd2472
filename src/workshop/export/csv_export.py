"""Answers and actions for spreadsheets: one row each, told apart by the `kind` column.

A cell that starts with = + - @ (or a tab or carriage return) gets a leading apostrophe, so a
spreadsheet shows the text instead of running it as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from workshop.analysis import Analysis, Comparison
from workshop.export.escape import clean
from workshop.export.options import Audience
from workshop.session import HistoryEntry, Session

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

ANSWER_COLUMNS = [
    "set", "section", "question_id", "prompt", "status", "level", "target", "gap", "weight", "gate",
    "confidence", "reason", "evidence", "note",
]
FACILITATOR_COLUMNS = ["private_note", "flagged"]
ACTION_COLUMNS = [
    "rank", "action_id", "title", "owner_role", "effort", "horizon", "priority", "gain", "triggered_by",
    "verify_first", "decision", "owner_name", "due_date", "decision_note",
]


def safe_cell(value: object) -> str:
    """The cell as text, control characters dropped, with a leading apostrophe if it starts a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = clean(str(value)) if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


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
    header = columns(audience)
    rows: list[dict[str, object]] = []
    set_titles = {s.id: s.title for s in session.bank.sets}
    for q in analysis.questions:
        answer = session.answer(q.question_id)
        rows.append(
            {
                "kind": "answer",
                "set": set_titles.get(q.set_id, q.set_id),
                "section": q.section_id,
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
            }
        )
    for a in analysis.actions:
        d = a.decision
        rows.append(
            {
                "kind": "action",
                "rank": a.rank,
                "action_id": a.action_id,
                "title": a.title,
                "owner_role": a.owner,
                "effort": a.effort.value,
                "horizon": a.horizon.value,
                "priority": round(a.priority, 4),
                "gain": round(a.gain, 4),
                "triggered_by": " ".join(t.question_id for t in a.triggers),
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
