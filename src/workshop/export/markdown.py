"""Markdown for the room: readable on GitHub, in an editor preview, in an e-mail and as plain text.

The document is a list of named blocks (the HTML export renders the same blocks and swaps the
text chart for an SVG one). Every piece of text people typed goes through `escape`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workshop import formatting as numbers
from workshop.analysis import (
    MISALIGNED_SPREAD,
    Analysis,
    Comparison,
    QuestionScore,
    RecommendedAction,
    ScoreStatus,
)
from workshop.export.escape import cell, code_text, inline, paragraph
from workshop.export.options import Audience
from workshop.session import Decision, HistoryEntry, Session

BAR_WIDTH = 20
PROMPT_LIMIT = 90


@dataclass(frozen=True)
class Block:
    name: str
    markdown: str


def table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> str:
    """A GFM table; cells must already be escaped. `align` holds 'l' or 'r' per column."""
    header = list(header)
    marks = [":--" if (align[i : i + 1] or "l") == "l" else "--:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"row has {len(row)} cells, header has {len(header)}")
        lines.append("| " + " | ".join(c.replace("\n", " ").strip() or " " for c in row) + " |")
    return "\n".join(lines)


_PLAIN_ID = re.compile(r"^[A-Za-z0-9._-]{1,120}$")


def code(identifier: str) -> str:
    """An id in a code span; anything that does not look like an id is escaped text instead."""
    return f"`{identifier}`" if _PLAIN_ID.match(identifier) else cell(identifier, 120)


def _prompt(q_prompt: str) -> str:
    return cell(q_prompt, PROMPT_LIMIT)


def _set_titles(session: Session) -> dict[str, str]:
    return {s.id: s.title for s in session.bank.sets}


def title_block(session: Session, analysis: Analysis, audience: Audience) -> Block:
    people = ", ".join(
        inline(p.name, 200) + (f" ({inline(p.role, 200)})" if p.role.strip() else "") for p in session.participants
    )
    sets = ", ".join(f"{inline(s.title, 200)} (version {inline(s.version, 40)})" for s in session.bank.sets)
    answered = sum(1 for q in analysis.questions if q.status is not ScoreStatus.UNASSESSED)
    audience_note = (
        "participants (the facilitator's private notes are not included)"
        if audience is Audience.PARTICIPANTS
        else "facilitator (includes private notes: do not forward)"
    )
    lines = [
        f"# Readiness workshop: {inline(session.initiative, 200)}",
        "",
        f"- **Organisation:** {inline(session.organisation, 200)}",
        f"- **Initiative:** {inline(session.initiative, 200)}",
        f"- **Date:** {session.date.isoformat()}",
        f"- **Facilitator:** {inline(session.facilitator, 200)}",
        f"- **Participants:** {people or 'none recorded'}",
        f"- **Question sets:** {sets or 'none'}",
        f"- **Answered:** {answered} of {len(analysis.questions)} questions",
        f"- **Audience:** {audience_note}",
    ]
    return Block("title", "\n".join(lines))


def verdict_block(analysis: Analysis) -> Block:
    weakest = analysis.weakest_set
    summary = (
        f"Readiness index **{numbers.score(analysis.readiness_index)} / 100**, "
        f"**{numbers.percent(analysis.percent_to_target)}** of the way to the targets."
    )
    if weakest is not None:
        summary += f" Weakest set: {inline(weakest.title, 200)} ({numbers.score(weakest.score)})."
    reasons = "\n".join(f"- {inline(r)}" for r in analysis.verdict.reasons)
    return Block("verdict", f"## Verdict: {analysis.verdict.status.label}\n\n{summary}\n\n{reasons}")


def blockers_block(session: Session, analysis: Analysis) -> Block:
    blockers = analysis.verdict.blockers
    if not blockers:
        return Block("blockers", "## Blockers\n\nNo gate question is under its target.")
    titles = _set_titles(session)
    rows = [
        [code(q.question_id), _prompt(q.prompt), cell(titles.get(q.set_id, q.set_id)), q.level_text, str(q.target)]
        for q in blockers
    ]
    intro = "Gate questions under their target: the pilot is not ready until each one is met."
    body = table(["Id", "Question", "Set", "Level", "Target"], rows, "lllrr")
    return Block("blockers", f"## Blockers\n\n{intro}\n\n{body}")


def scores_block(analysis: Analysis) -> Block:
    rows = [
        [
            cell(s.title),
            numbers.score(s.score),
            numbers.score(s.target_score),
            numbers.percent(s.percent_to_target),
            cell(s.weakest.title) + f" ({numbers.score(s.weakest.score)})" if s.weakest else "n/a",
            f"{s.assessed + s.unknown} of {s.applicable}",
        ]
        for s in analysis.sets
    ]
    weakest = analysis.weakest_set
    rows.append(
        [
            "**Readiness index**",
            f"**{numbers.score(analysis.readiness_index)}**",
            "",
            f"**{numbers.percent(analysis.percent_to_target)}**",
            cell(weakest.title) + f" ({numbers.score(weakest.score)})" if weakest else "n/a",
            f"{sum(s.assessed + s.unknown for s in analysis.sets)} of {sum(s.applicable for s in analysis.sets)}",
        ]
    )
    body = table(["Set", "Score", "Target score", "To target", "Weakest section", "Answered"], rows, "lrrrlr")
    note = (
        "Scores are 0-100 (level 4 = 100), weighted by question weight; the readiness index is the mean "
        "of the set scores. Unknown and unanswered questions score 0; not-applicable ones drop out."
    )
    return Block("scores", f"## Scores per set\n\n{body}\n\n{note}")


def chart_block(analysis: Analysis) -> Block:
    """A bar chart in a code block: monospace and plain ASCII, so it lines up everywhere."""
    labels = [code_text(s.title, 24) for s in analysis.sets] + ["Readiness index"]
    width = max(len(label) for label in labels)
    lines = []
    for s, label in zip(analysis.sets, labels, strict=False):
        lines.append(_bar(label, width, s.score, s.target_score))
    lines.append(_bar(labels[-1], width, analysis.readiness_index, None))
    legend = "# = score, | = target score, each mark is 5 points"
    return Block("chart", "```text\n" + "\n".join(lines) + "\n\n" + legend + "\n```")


def _bar(label: str, width: int, value: float | None, target: float | None) -> str:
    if value is None:
        return f"{label.ljust(width)}  [{' ' * BAR_WIDTH}]  n/a"
    filled = int(value / 100 * BAR_WIDTH + 0.5)
    bar = ["#"] * filled + ["."] * (BAR_WIDTH - filled)
    suffix = ""
    if target is not None:
        mark = min(BAR_WIDTH - 1, max(0, int(target / 100 * BAR_WIDTH + 0.5) - 1))
        bar[mark] = "|"
        suffix = f"  (target {numbers.score(target)})"
    return f"{label.ljust(width)}  [{''.join(bar)}]  {numbers.score(value).rjust(3)}{suffix}"


def sections_block(session: Session, analysis: Analysis) -> Block:
    titles = _set_titles(session)
    rows = []
    for section in analysis.sections:
        weak = section.weakest
        rows.append(
            [
                cell(titles.get(section.set_id, section.set_id)),
                cell(section.title),
                numbers.score(section.score),
                numbers.percent(section.percent_to_target),
                f"{code(weak.question_id)} {_prompt(weak.prompt)}" if weak else "n/a",
                weak.level_text if weak else "",
            ]
        )
    body = table(["Set", "Section", "Score", "To target", "Weakest question", "Its level"], rows, "llrrlr")
    return Block("sections", f"### Sections\n\n{body}")


def _action_item(action: RecommendedAction) -> str:
    head = f"{action.rank}. "
    pad = " " * len(head)
    lines = [f"{head}**{inline(action.title, 300)}** ({code(action.action_id)})"]
    lines.append(f"{pad}- What: {paragraph(action.detail, pad + '  ', 2_000)}")
    for trigger in action.triggers:
        lines.append(f"{pad}- Why: {inline(trigger.sentence)}")
    lines.append(
        f"{pad}- Owner: {inline(action.owner, 200)} · effort {action.effort.value} · "
        f"priority {numbers.decimal(action.priority)} · readiness {numbers.gain(action.gain)}"
    )
    decision = action.decision
    if decision is None:
        lines.append(f"{pad}- Decided: not yet")
    else:
        parts = [decision.decision.value]
        if decision.decision is Decision.ACCEPTED or decision.owner_name:
            parts.append(f"owner {inline(decision.owner_name, 200) or 'not named'}")
        if decision.due_date:
            parts.append(f"due {decision.due_date.isoformat()}")
        if decision.note.strip():
            parts.append(f"note: {inline(decision.note, 500)}")
        lines.append(f"{pad}- Decided: " + " · ".join(parts))
    if action.verify_first:
        lines.append(f"{pad}- **Verify first:** an answer behind this action was given with low confidence.")
    if action.depends_on:
        lines.append(f"{pad}- After: " + ", ".join(code(d) for d in action.depends_on))
    if action.brought_forward:
        needed = ", ".join(code(d) for d in action.needed_by)
        lines.append(f"{pad}- Brought forward from {action.planned_horizon.label.lower()}: needed by {needed}.")
    return "\n".join(lines)


def actions_block(analysis: Analysis) -> Block:
    intro = (
        "Ranked by priority = weight × gap × (2 for a gate) ÷ effort cost (S=1, M=2, L=3), summed over "
        "the questions that call for the action; an action never comes before one it depends on. "
        "Readiness gain: index points won if its questions reach the level where it is no longer needed."
    )
    groups = analysis.actions_by_horizon()
    if not groups:
        return Block(
            "actions",
            "## Action plan\n\nNo action is recommended: every question is at or above the level its actions address.",
        )
    parts = ["## Action plan", intro]
    for horizon, items in groups:
        parts.append(f"### {horizon.label}")
        parts.append("\n".join(_action_item(a) for a in items))
    return Block("actions", "\n\n".join(parts))


def gaps_block(session: Session, analysis: Analysis) -> Block:
    gaps = analysis.gaps
    if not gaps:
        return Block("gaps", "## Gaps to target\n\nEvery applicable question meets its target.")
    titles = _set_titles(session)
    rows = [
        [
            code(q.question_id),
            _prompt(q.prompt),
            cell(titles.get(q.set_id, q.set_id)),
            q.level_text,
            str(q.target),
            str(q.gap),
            str(q.weight),
            "yes" if q.gate else "",
        ]
        for q in gaps
    ]
    body = table(["Id", "Question", "Set", "Level", "Target", "Gap", "Weight", "Gate"], rows, "llllrrrl")
    return Block("gaps", f"## Gaps to target\n\n{body}")


def _votes_text(votes) -> str:
    return ", ".join(f"{cell(v.name, 60)}: {v.level}" for v in votes)


def misaligned_block(analysis: Analysis) -> Block:
    items = analysis.misaligned
    heading = "## Misaligned questions to settle"
    if not items:
        return Block("misaligned", f"{heading}\n\nNo question's votes spread by {MISALIGNED_SPREAD} levels or more.")
    rows = [
        [
            code(d.question_id),
            _prompt(d.prompt),
            _votes_text(d.votes),
            str(d.spread),
            d.consensus,
            cell(d.reason) if d.reason.strip() else "",
        ]
        for d in items
    ]
    intro = (
        f"Participants' votes spread by {MISALIGNED_SPREAD} levels or more: the room sees the same fact "
        "differently. Settle what is true before acting on the level."
    )
    body = table(["Id", "Question", "Votes", "Spread", "Room's level", "Reason"], rows, "lllrrl")
    return Block("misaligned", f"{heading}\n\n{intro}\n\n{body}")


def _question_table(name: str, heading: str, intro: str, questions: Sequence[QuestionScore], extra) -> Block | None:
    if not questions:
        return None
    header = ["Id", "Question", *extra[0]]
    rows = [[code(q.question_id), _prompt(q.prompt), *extra[1](q)] for q in questions]
    return Block(name, f"## {heading}\n\n{intro}\n\n{table(header, rows)}")


def not_applicable_block(analysis: Analysis) -> Block | None:
    return _question_table(
        "not-applicable",
        "Not applicable",
        "These questions drop out of every score.",
        analysis.not_applicable,
        (["Reason"], lambda q: [cell(q.reason, 300)]),
    )


def verify_block(analysis: Analysis) -> Block | None:
    return _question_table(
        "verify",
        "Answers to verify",
        "The room gave these answers with low confidence: check them before acting on them.",
        analysis.low_confidence,
        (["Level", "Target"], lambda q: [q.level_text, str(q.target)]),
    )


def _notes_list(session: Session, analysis: Analysis, fields: Sequence[tuple[str, str]]) -> str:
    items = []
    for q in analysis.questions:
        answer = session.answer(q.question_id)
        texts = [(label, getattr(answer, attr)) for label, attr in fields if getattr(answer, attr).strip()]
        if not texts:
            continue
        lines = [f"- {code(q.question_id)} {inline(q.prompt, 300)}"]
        lines += [f"  - {label}: {paragraph(text, '    ')}" for label, text in texts]
        items.append("\n".join(lines))
    return "\n".join(items)


def notes_block(session: Session, analysis: Analysis) -> Block | None:
    body = _notes_list(session, analysis, [("Note", "note"), ("Evidence", "evidence")])
    return Block("notes", f"## Notes\n\n{body}") if body else None


# --- facilitator only ---------------------------------------------------------------


def private_notes_block(session: Session, analysis: Analysis) -> Block | None:
    body = _notes_list(session, analysis, [("Private note", "private_note")])
    return Block("private-notes", f"## Private notes\n\n{body}") if body else None


def unknown_block(session: Session, analysis: Analysis) -> Block | None:
    titles = _set_titles(session)
    return _question_table(
        "unknown",
        "Unknown and not yet assessed",
        "Each scores 0: not knowing is itself a gap.",
        analysis.unknown + analysis.unassessed,
        (["Set", "Status"], lambda q: [cell(titles.get(q.set_id, q.set_id)), q.status.label]),
    )


def flags_block(session: Session, analysis: Analysis) -> Block | None:
    return _question_table(
        "flags",
        "Flagged",
        "Questions flagged during the workshop.",
        analysis.flagged,
        (["Level", "Note"], lambda q: [q.level_text, cell(session.answer(q.question_id).note)]),
    )


def votes_block(session: Session, analysis: Analysis) -> Block | None:
    if not analysis.divergences:
        return None
    voters: dict[int, str] = {}
    for p in session.participants:
        if p.id is not None:
            voters[p.id] = p.name
    for d in analysis.divergences:
        for v in d.votes:
            voters.setdefault(v.participant_id, v.name)
    ids = list(voters)
    header = ["Id", "Question", *(cell(voters[pid], 40) or f"#{pid}" for pid in ids), "Spread", "Room's level"]
    rows = []
    for d in analysis.divergences:
        cast = {v.participant_id: str(v.level) for v in d.votes}
        rows.append(
            [code(d.question_id), _prompt(d.prompt), *(cast.get(pid, "") for pid in ids), str(d.spread), d.consensus]
        )
    align = "ll" + "r" * len(ids) + "rr"
    return Block("votes", f"## Votes per participant\n\n{table(header, rows, align)}")


def history_block(analysis: Analysis, history: Sequence[HistoryEntry]) -> Block | None:
    if not history:
        return None
    order = {q.question_id: q.order for q in analysis.questions}
    prompts = {q.question_id: q.prompt for q in analysis.questions}
    by_question: dict[str, list[HistoryEntry]] = {}
    for entry in sorted(history, key=lambda e: e.changed_at):
        by_question.setdefault(entry.question_id, []).append(entry)
    rows = []
    for qid in sorted(by_question, key=lambda k: (order.get(k, len(order)), k)):
        entries = by_question[qid]
        fields: dict[str, int] = {}
        for e in entries:
            fields[e.field] = fields.get(e.field, 0) + 1
        levels = [e for e in entries if e.field in ("level", "status")]
        trail = ""
        if levels:
            values = [levels[0].old_value or "—"] + [e.new_value or "—" for e in levels]
            trail = " → ".join(cell(v, 20) for v in values)
        rows.append(
            [
                code(qid),
                _prompt(prompts.get(qid, "(no longer in the question sets)")),
                ", ".join(f"{cell(f, 30)} ×{n}" for f, n in fields.items()),
                trail,
                entries[-1].changed_at.strftime("%Y-%m-%d %H:%M"),
            ]
        )
    body = table(["Id", "Question", "Changes", "Level and status", "Last change"], rows)
    return Block("history", f"## Answer history\n\n{len(history)} recorded changes.\n\n{body}")


# --- the documents ------------------------------------------------------------------


def markdown_blocks(
    session: Session,
    analysis: Analysis,
    audience: Audience | str = Audience.PARTICIPANTS,
    history: Sequence[HistoryEntry] = (),
    comparison: Comparison | None = None,
) -> list[Block]:
    audience = Audience(audience)
    blocks: list[Block | None] = [
        title_block(session, analysis, audience),
        verdict_block(analysis),
        blockers_block(session, analysis),
        scores_block(analysis),
        chart_block(analysis),
        reassessment_block(comparison, _set_titles(session)),
        sections_block(session, analysis),
        actions_block(analysis),
        gaps_block(session, analysis),
        misaligned_block(analysis),
        not_applicable_block(analysis),
        verify_block(analysis),
        notes_block(session, analysis),
    ]
    if audience is Audience.FACILITATOR:
        blocks += [
            unknown_block(session, analysis),
            flags_block(session, analysis),
            votes_block(session, analysis),
            private_notes_block(session, analysis),
            history_block(analysis, history),
        ]
    return [b for b in blocks if b is not None]


def render_markdown(
    session: Session,
    analysis: Analysis,
    audience: Audience | str = Audience.PARTICIPANTS,
    history: Sequence[HistoryEntry] = (),
    comparison: Comparison | None = None,
) -> str:
    blocks = markdown_blocks(session, analysis, audience, history, comparison)
    return "\n\n".join(b.markdown for b in blocks) + "\n"


def render_comparison(comparison: Comparison, set_titles: dict[str, str] | None = None) -> str:
    """The re-assessment as a Markdown document of its own (`workshop compare`)."""
    title = f"# Re-assessment: {comparison.before_date.isoformat()} → {comparison.after_date.isoformat()}"
    return comparison_markdown(comparison, title, set_titles) + "\n"


def reassessment_block(comparison: Comparison | None, set_titles: dict[str, str]) -> Block | None:
    """In an export: what changed since the last workshop on the same initiative."""
    if comparison is None:
        return None
    title = f"## Since the last workshop ({comparison.before_date.isoformat()})"
    return Block("reassessment", comparison_markdown(comparison, title, set_titles))


def comparison_markdown(comparison: Comparison, title: str, set_titles: dict[str, str] | None = None) -> str:
    """Per set, then per question that changed; sub-headings one level under `title`."""
    titles = set_titles or {}
    sub = "#" * (len(title) - len(title.lstrip("#")) + 1)
    progress = numbers.percent(comparison.progress) if comparison.progress is not None else "n/a (no gap before)"
    lines = [
        title,
        "",
        f"Readiness index {numbers.score(comparison.readiness_before)} → {numbers.score(comparison.readiness_after)}; "
        f"progress to date: {progress} of the earlier gap closed.",
    ]
    lines += [""] + [f"- {inline(w)}" for w in comparison.warnings] if comparison.warnings else []
    set_rows = [
        [
            cell(s.title),
            numbers.score(s.before_score),
            numbers.score(s.after_score),
            s.change.label,
            numbers.percent(s.progress) if s.progress is not None else "n/a",
        ]
        for s in comparison.sets
    ]
    lines += ["", f"{sub} Sets", "", table(["Set", "Before", "Now", "Change", "Progress"], set_rows, "lrrlr")]
    changed = [q for q in comparison.questions if q.change.value != "unchanged"]
    counts = comparison.counts()
    lines += [
        "",
        f"{sub} Questions",
        "",
        ", ".join(f"{n} {c.label}" for c, n in counts.items() if n) or "No question compared.",
    ]
    if changed:
        rows = [
            [
                code(q.question_id),
                _prompt(q.prompt),
                cell(titles.get(q.set_id, q.set_id)),
                "n/a" if q.before_level is None else str(q.before_level),
                "n/a" if q.after_level is None else str(q.after_level),
                str(q.target),
                q.change.label,
                numbers.percent(q.progress) if q.progress is not None else "n/a",
            ]
            for q in changed
        ]
        header = ["Id", "Question", "Set", "Before", "Now", "Target", "Change", "Progress"]
        lines += ["", table(header, rows, "lllrrrlr")]
    return "\n".join(lines)
