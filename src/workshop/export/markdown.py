"""Markdown for the room: readable on GitHub, in an editor preview, in an e-mail and as plain text.

The document is a list of named blocks; the HTML export renders the same blocks, swaps the text
chart for SVG charts and starts the details on a new page. Every piece of text people typed goes
through `escape`. The participants' document:

1. the summary, one printed page: the verdict in one sentence with why (at most five gates), the
   scores per set with the chart, what the room agreed (accepted actions, the person and the due
   date) and the next recommended actions;
2. the details: targets changed in this workshop, what changed since an earlier workshop, every
   answer per set (strengths included), the recommendations one line each, misaligned questions
   (the spread only, never who voted what), answers to verify and public notes.

The facilitator's document has the same summary and details with the full action plan, plus the
rejected actions and why, the votes per participant, what is still to assess, flags, private notes,
framework references and the answer history. Ids appear only in the facilitator's document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from workshop import formatting as fmt
from workshop.analysis import (
    MISALIGNED_SPREAD,
    ActionStatus,
    Analysis,
    Comparison,
    QuestionScore,
    RecommendedAction,
    ScoreStatus,
    VerdictStatus,
    spread_text,
)
from workshop.export.escape import cell, code_text, inline, paragraph
from workshop.export.options import Audience
from workshop.session import HistoryEntry, Session

BAR_WIDTH = 20
SUMMARY_GATES = 5  # the summary names at most this many gates
SUMMARY_AGREED = 10  # ... and this many agreed actions (all of them follow in the details)
SUMMARY_PEOPLE = 6  # a larger room is listed in the details, so the summary keeps to one page
NEXT_ACTIONS = 10
PROMPT_LIMIT = 160  # in Markdown tables; HTML shows the question sets' text in full

RANKING_SENTENCE = (
    "Ranked by how much of the most important gaps each action closes for its effort: a bigger gap on a "
    "question that weighs more counts more, a gate counts double, and a small effort ranks above a large "
    "one. An action never comes before one it depends on."
)
READING_SENTENCE = (
    "The **readiness index** is the average set score (0-100; 100 = every question at level 4). **To target** "
    "is how far the pilot has come towards every question's target, weighted by how much each counts; a level "
    "above its target never makes up for a gap elsewhere."
)


@dataclass(frozen=True)
class Block:
    name: str
    markdown: str  # empty for a block only the HTML export draws (an SVG chart)
    data: str = ""  # what an HTML-only block is about (a set id)


@dataclass
class Document:
    """What every block reads: the session, its analysis, who it is for and how it will be shown."""

    session: Session
    analysis: Analysis
    audience: Audience
    history: Sequence[HistoryEntry] = ()
    comparison: Comparison | None = None
    html: bool = False  # rendered to HTML: room for full prompts, SVG charts instead of text ones

    @property
    def facilitator(self) -> bool:
        return self.audience is Audience.FACILITATOR

    @cached_property
    def set_titles(self) -> dict[str, str]:
        return {s.id: s.title for s in self.session.bank.sets}

    @cached_property
    def section_titles(self) -> dict[str, str]:
        return {sec.id: sec.title for s in self.session.bank.sets for sec in s.sections}

    @cached_property
    def action_titles(self) -> dict[str, tuple[int, str]]:
        """Action id -> (number, title), for every action of the bank (dependencies are named by title)."""
        from workshop.analysis import action_numbers

        numbers = action_numbers(self.session)
        return {aid: (numbers[aid], a.title) for aid, (_, a) in self.session.bank.actions().items()}

    def date(self, value: dt.date) -> str:
        """An ISO date; in HTML with non-breaking hyphens, so a printed line never splits it."""
        text = value.isoformat()
        return text.replace("-", "\u2011") if self.html else text

    def prompt(self, text: str) -> str:
        """A question's prompt in a table cell: whole in HTML, cut long in Markdown."""
        return cell(text, None if self.html else PROMPT_LIMIT)

    @cached_property
    def _action_names(self) -> dict[str, str]:
        return {}

    def action_name(self, action_id: str) -> str:
        """'#12 Agree the KPIs', escaped (an action is named often: once per dependency)."""
        name = self._action_names.get(action_id)
        if name is None:
            number, title = self.action_titles.get(action_id, (0, action_id))
            name = f"#{number} {inline(title, 300)}" if number else inline(title, 300)
            self._action_names[action_id] = name
        return name


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


def _answered(analysis: Analysis) -> int:
    """Questions the room answered: with a level, unknown or not applicable."""
    return sum(1 for q in analysis.questions if q.status is not ScoreStatus.UNASSESSED)


# --- the summary: one printed page ----------------------------------------------------


def title_block(doc: Document) -> Block:
    session, analysis = doc.session, doc.analysis
    people = ", ".join(
        inline(p.name, 200) + (f" ({inline(p.role, 200)})" if p.role.strip() else "") for p in session.participants
    )
    facts = [
        inline(session.organisation, 200),
        session.date.isoformat(),
        f"facilitator {inline(session.facilitator, 200)}",
        f"{_answered(analysis)} of {len(analysis.questions)} questions answered",
    ]
    if len(session.participants) > SUMMARY_PEOPLE:
        people = f"{len(session.participants)}, listed under Who took part"
    audience = (
        "For the participants: the facilitator's private notes are not included."
        if not doc.facilitator
        else "**For the facilitator only: includes private notes and who voted what. Do not forward.**"
    )
    lines = [
        f"# Readiness workshop: {inline(session.initiative, 200)}",
        " · ".join(facts),
        f"Participants: {people or 'none recorded'}",
        audience,
    ]
    return Block("title", "\n\n".join(lines))


def _gate_line(q: QuestionScore) -> str:
    state = "unknown, scored 0" if q.status is ScoreStatus.UNKNOWN else f"level {q.level}"
    return f"- Gate not met: “{inline(q.prompt, 300)}” ({state}, target {q.target})"


def summary_block(doc: Document) -> Block:
    analysis = doc.analysis
    verdict = analysis.verdict
    _, _, rest = verdict.summary.partition(": ")
    status = verdict.status.label + (" (provisional)" if verdict.provisional else "")
    lines = ["## Summary", "", f"**Verdict: {status}.** {inline(rest[:1].upper() + rest[1:])}"]
    why = []
    failed = verdict.failed_gates
    why += [_gate_line(q) for q in failed[:SUMMARY_GATES]]
    if len(failed) > SUMMARY_GATES:
        more = len(failed) - SUMMARY_GATES
        why.append(f"- … and {fmt.plural(more, 'more gate', 'more gates')} under target (see Answers).")
    to_assess = verdict.gates_to_assess
    if to_assess:
        why.append(
            f"- Still to assess: {fmt.plural(len(to_assess), 'gate question', 'gate questions')}; "
            "a gate not assessed yet blocks 'ready' until the room scores it."
        )
    if verdict.provisional:
        why.append(f"- {inline(verdict.provisional_note)}")
    if verdict.status is VerdictStatus.READY_WITH_CONDITIONS or (verdict.status is VerdictStatus.NOT_READY and not why):
        why += [f"- {inline(r)}" for r in verdict.reasons[:3]]
    if why:
        lines += ["", *why]
    weakest = analysis.weakest_set
    headline = (
        f"Readiness index **{fmt.score(analysis.readiness_index)} / 100** · "
        f"**{fmt.percent(analysis.percent_to_target)}** of the way to the targets"
    )
    if weakest is not None:
        headline += f" · weakest set: {inline(weakest.title, 200)} ({fmt.score(weakest.score)})"
    lines += ["", headline + "."]
    return Block("summary", "\n".join(lines))


def scores_block(doc: Document) -> Block:
    analysis = doc.analysis
    rows = []
    for s in analysis.sets:
        under = sum(1 for q in analysis.questions if q.set_id == s.set_id and q.is_gap)
        total = s.applicable + s.not_applicable
        rows.append([
            cell(s.title),
            fmt.score(s.score),
            fmt.score(s.target_score),
            fmt.percent(s.percent_to_target),
            str(under),
            f"{total - s.unassessed} of {total}",
        ])
    rows.append([
        "**Readiness index**",
        f"**{fmt.score(analysis.readiness_index)}**",
        "",
        f"**{fmt.percent(analysis.percent_to_target)}**",
        str(sum(1 for q in analysis.questions if q.is_gap)),
        f"{_answered(analysis)} of {len(analysis.questions)}",
    ])
    body = table(["Set", "Score", "Target", "To target", "Gaps", "Answered"], rows, "lrrrrr")
    return Block("scores", f"### Scores per set\n\n{body}")


def reading_block(doc: Document) -> Block:
    note = (
        " A set's target is its score with every question exactly at target; its gaps are the questions the "
        "room answered under target. Unknown and unanswered questions score 0, not-applicable ones drop out."
    )
    return Block("reading", READING_SENTENCE + note)


def chart_block(doc: Document) -> Block:
    """A bar chart in a code block: monospace and plain ASCII, so it lines up everywhere."""
    analysis = doc.analysis
    labels = [code_text(s.title, 24) for s in analysis.sets] + ["Readiness index"]
    width = max(len(label) for label in labels)
    lines = [_bar(label, width, s.score, s.target_score) for s, label in zip(analysis.sets, labels, strict=False)]
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
        suffix = f"  (target {fmt.score(target)})"
    return f"{label.ljust(width)}  [{''.join(bar)}]  {fmt.score(value).rjust(3)}{suffix}"


def _agreed_line(doc: Document, a: RecommendedAction) -> str:
    d = a.decision
    parts = [inline(a.owner_name, 200)]
    parts.append(f"due {doc.date(d.due_date)}" if d and d.due_date else "no due date yet")
    if a.status is ActionStatus.MET:
        parts.append("done: its questions reached the level it addressed")
    return f"- **{doc.action_name(a.action_id)}** — " + ", ".join(parts)


def agreed_block(doc: Document) -> Block:
    agreed = doc.analysis.agreed
    heading = "### What the room agreed"
    if not agreed:
        return Block("agreed", f"{heading}\n\nNo action has been accepted yet.")
    lines = [_agreed_line(doc, a) for a in agreed[:SUMMARY_AGREED]]
    if len(agreed) > SUMMARY_AGREED:
        more = len(agreed) - SUMMARY_AGREED
        lines.append(f"- … and {fmt.plural(more, 'more', 'more')}, due later: all are under Agreed actions.")
    return Block("agreed", heading + "\n\n" + "\n".join(lines))


def all_agreed_block(doc: Document) -> Block | None:
    """Every agreed action, when the summary had room for the first ones only."""
    agreed = doc.analysis.agreed
    if len(agreed) <= SUMMARY_AGREED:
        return None
    return Block("all-agreed", "## Agreed actions\n\n" + "\n".join(_agreed_line(doc, a) for a in agreed))


def people_block(doc: Document) -> Block | None:
    """Who took part, when the room was too large to list in the summary."""
    participants = doc.session.participants
    if len(participants) <= SUMMARY_PEOPLE:
        return None
    rows = [[cell(p.name, 200), cell(p.role, 200)] for p in participants]
    return Block("people", f"## Who took part\n\n{table(['Name', 'Role'], rows)}")


def _when(a: RecommendedAction) -> str:
    return fmt.horizon_text(a.horizon)


def next_block(doc: Document) -> Block:
    analysis = doc.analysis
    upcoming = analysis.next_actions(NEXT_ACTIONS)
    remaining = sum(1 for a in analysis.actions if a.status is ActionStatus.OPEN and not a.provisional)
    heading = "### Next recommended actions"
    if remaining > len(upcoming):
        heading += f" (the first {len(upcoming)} of {remaining} not decided yet)"
    if not upcoming:
        if analysis.provisional_actions:
            text = "None yet: every open action is called for by questions the room has not assessed."
        elif analysis.actions:
            text = "Every recommended action has been decided."
        else:
            text = "No action is recommended: every question is at or above the level its actions address."
        return Block("next", f"{heading}\n\n{text}")
    items = [
        f"- **{doc.action_name(a.action_id)}** — {inline(a.owner_name, 200)}, {_when(a)}" for a in upcoming
    ]
    return Block("next", heading + "\n\n" + "\n".join(items))


# --- details --------------------------------------------------------------------------


def targets_block(doc: Document) -> Block | None:
    changes = doc.session.target_changes
    if not changes:
        return None
    prompts = {q.question_id: q.prompt for q in doc.analysis.questions}
    rows = []
    for c in changes:
        question = doc.session.bank.question(c.question_id)
        default = question.target if question else None

        def level(value: int | None, default: int | None = default) -> str:
            return f"{default} (the set's)" if value is None else str(value)

        row = [doc.prompt(prompts.get(c.question_id, c.question_id)), level(c.old_target), level(c.new_target),
               f"{doc.date(c.changed_at.date())} {c.changed_at.strftime('%H:%M')}"]
        if doc.facilitator:
            row.insert(0, code(c.question_id))
        rows.append(row)
    header = ["Question", "From", "To", "When"]
    if doc.facilitator:
        header.insert(0, "Id")
    intro = "The facilitator raised or lowered these targets for this workshop; the scores use the new ones."
    return Block("targets", f"## Targets changed in this workshop\n\n{intro}\n\n{table(header, rows)}")


def _result(q: QuestionScore, reason_limit: int | None) -> str:
    gate = (" · gate" if q.gate else "") + (" · verify" if q.low_confidence else "")
    if q.status is ScoreStatus.NOT_APPLICABLE:
        return "not applicable" + (f": {cell(q.reason, reason_limit)}" if q.reason.strip() else "")
    if q.status is ScoreStatus.UNASSESSED:
        return "still to assess" + gate
    if q.status is ScoreStatus.UNKNOWN:
        return f"unknown: gap {q.gap}{gate}"
    if q.gap > 0:
        return f"gap {q.gap}{gate}"
    return ("above target" if q.level > q.target else "meets target") + gate


def _level(q: QuestionScore) -> str:
    return {ScoreStatus.UNASSESSED: "–", ScoreStatus.UNKNOWN: "?", ScoreStatus.NOT_APPLICABLE: "n/a"}.get(
        q.status, str(q.level))


def answers_blocks(doc: Document) -> list[Block]:
    analysis = doc.analysis
    intro = (
        "Every question, set by set. Level 0-4 as the room scored it (? unknown, scored 0; – not assessed "
        "yet, scored 0); the gap is how many levels are missing to the target. *Verify*: the room was not "
        "sure of its answer; check it before acting on it."
    )
    blocks = [Block("answers", f"## Answers\n\n{intro}"), Block("heatmap", "")]
    by_section: dict[str, list[QuestionScore]] = {}
    for q in analysis.questions:
        by_section.setdefault(q.section_id, []).append(q)
    for s in analysis.sets:
        rows = []
        for section in s.sections:
            for i, q in enumerate(by_section.get(section.section_id, [])):
                row = [
                    cell(section.title) if i == 0 else "",
                    doc.prompt(q.prompt),
                    _level(q),
                    str(q.target),
                    _result(q, None if doc.html else 200),
                ]
                if doc.facilitator:
                    row.append(code(q.question_id))
                rows.append(row)
        header = ["Section", "Question", "Level", "Target", "Result"] + (["Id"] if doc.facilitator else [])
        heading = (
            f"### {inline(s.title, 200)}: score {fmt.score(s.score)}, target {fmt.score(s.target_score)}"
        )
        blocks.append(Block("set-chart", "", s.set_id))
        blocks.append(Block(f"answers-{s.set_id}", f"{heading}\n\n{table(header, rows, 'llrrl' + 'l' * doc.facilitator)}"))
    return blocks


def _recommendation_line(doc: Document, a: RecommendedAction, previous: str | None = None,
                         listed: frozenset[str] = frozenset()) -> str:
    """One line per action. A dependency is named by number and title; by its number alone when the
    list already showed it (just above, or earlier)."""
    parts = [inline(a.owner_name, 200), f"effort {a.effort.value}"]
    if a.status is ActionStatus.ACCEPTED:
        due = a.decision.due_date if a.decision else None
        parts.append(f"accepted, due {doc.date(due)}" if due else "accepted")
    if a.depends_on:
        names = []
        for d in a.depends_on:
            if d in doc.action_titles and d == previous:
                names.append(f"#{doc.action_titles[d][0]} just above")
            elif d in doc.action_titles and d in listed:
                names.append(f"#{doc.action_titles[d][0]} (above)")
            else:
                names.append(doc.action_name(d))
        parts.append("after " + "; ".join(names))
    return f"**{doc.action_name(a.action_id)}** — " + ", ".join(parts)


def recommendations_block(doc: Document) -> Block:
    analysis = doc.analysis
    heading = "## Recommendations" if not doc.facilitator else "## Action plan"
    groups = analysis.actions_by_horizon()
    provisional = analysis.actions_by_horizon(provisional=True)
    if not groups and not provisional:
        return Block(
            "recommendations",
            f"{heading}\n\nNo action is recommended: every question is at or above the level its actions address.",
        )
    intro = RANKING_SENTENCE + " The number after # stays the same for the whole workshop."
    if doc.facilitator:
        intro += (
            " Priority = Σ weight × gap × (2 for a gate) ÷ effort cost (S 1, M 2, L 3); readiness gain = index "
            "points won if its questions reach the level where it is no longer needed."
        )
    parts = [heading, intro]
    previous = {a.action_id: b.action_id for b, a in zip(analysis.actions, analysis.actions[1:], strict=False)
                if a.horizon is b.horizon and a.provisional is b.provisional}
    if doc.facilitator:
        def render(a: RecommendedAction) -> str:
            return _action_detail(doc, a)
    else:
        listed: set[str] = set()

        def render(a: RecommendedAction) -> str:
            line = _recommendation_line(doc, a, previous.get(a.action_id), frozenset(listed))
            listed.add(a.action_id)
            return line
    for horizon, items in groups:
        parts += [f"### {fmt.horizon_text(horizon, capital=True)}", _numbered(items, render)]
    if provisional:
        count = sum(len(items) for _, items in provisional)
        missing = len(analysis.verdict.unassessed)
        note = (
            f"{fmt.plural(count, 'action is', 'actions are')} called for only by the "
            f"{fmt.plural(missing, 'question', 'questions')} not assessed yet; they rank after everything above "
            "and may not be needed once the room has scored them."
        )
        parts += ["### Once the open questions are assessed (provisional)", note]
        if doc.facilitator:
            for horizon, items in provisional:
                parts += [f"#### {fmt.horizon_text(horizon, capital=True)}", _numbered(items, render)]
    return Block("recommendations", "\n\n".join(p for p in parts if p))


def _numbered(items: Sequence[RecommendedAction], render) -> str:
    return "\n".join(f"{a.rank}. " + render(a).replace("\n", "\n" + " " * len(f"{a.rank}. ")) for a in items)


def _action_detail(doc: Document, a: RecommendedAction) -> str:
    """The facilitator's full entry: what, why, owner, effort, priority, gain, decision, dependencies.

    One paragraph of hard-broken lines rather than a nested list: as readable, shorter in print, and
    several times faster for markdown-it on a plan of thousands of actions.
    """
    lines = [f"**{doc.action_name(a.action_id)}** ({code(a.action_id)})"]
    lines.append(f"What: {paragraph(a.detail, '', 2_000)}")
    lines += [f"Why: {inline(t.sentence)}" for t in a.triggers]
    if a.needed_first:
        lines.append(f"Needed first: {fmt.NEEDED_FIRST}")
    owner = inline(a.owner_name, 200)
    if a.owner_name != a.owner:
        owner += f" (role: {inline(a.owner, 200)})"
    lines.append(
        f"Owner: {owner} · effort {a.effort.value} · priority {fmt.decimal(a.priority)} · "
        f"readiness {fmt.gain(a.gain)}"
    )
    lines.append(f"Decided: {inline(fmt.decision_text(a))}")
    if a.verify_first:
        lines.append("**Verify first:** an answer behind this action was given with low confidence.")
    if a.depends_on:
        lines.append("After: " + "; ".join(doc.action_name(d) for d in a.depends_on))
    if a.brought_forward:
        needed = "; ".join(doc.action_name(d) for d in a.needed_by)
        lines.append(f"Brought forward from {fmt.horizon_text(a.planned_horizon)}: needed by {needed}.")
    return "\\\n".join(lines)


def rejected_block(doc: Document) -> Block | None:
    rejected = doc.analysis.rejected
    if not rejected:
        return None
    rows = [
        [
            cell(doc.action_name(a.action_id), 300),
            cell(a.decision.note if a.decision and a.decision.note.strip() else "no reason recorded", 500),
            a.decision.decided_at.strftime("%Y-%m-%d") if a.decision and a.decision.decided_at else "",
        ]
        for a in rejected
    ]
    intro = "The room rejected these recommended actions; they are out of the ranking."
    return Block("rejected", f"## Rejected actions\n\n{intro}\n\n{table(['Action', 'Why', 'Decided'], rows)}")


def misaligned_block(doc: Document) -> Block:
    items = doc.analysis.misaligned
    heading = "## Misaligned questions"
    if not items:
        return Block("misaligned", f"{heading}\n\nNo question's votes spread by {MISALIGNED_SPREAD} levels or more.")
    rows = []
    for d in items:
        votes = (
            ", ".join(f"{cell(v.name, 60)}: {'?' if v.level is None else v.level}" for v in d.votes)
            if doc.facilitator
            else spread_text(d)
        )
        rows.append([doc.prompt(d.prompt), votes, d.consensus, cell(d.reason, 300) if d.reason.strip() else ""])
    intro = (
        f"Participants' blind votes spread by {MISALIGNED_SPREAD} levels or more: the room sees the same fact "
        "differently. Settle what is true before acting on the level."
    )
    body = table(["Question", "Votes", "Room's level", "Reason"], rows, "llrl")
    return Block("misaligned", f"{heading}\n\n{intro}\n\n{body}")


def verify_block(doc: Document) -> Block | None:
    questions = doc.analysis.low_confidence
    if not questions:
        return None
    rows = [[doc.prompt(q.prompt), q.level_text, str(q.target)] for q in questions]
    intro = "The room gave these answers with low confidence: check them before acting on them."
    return Block("verify", f"## Answers to verify\n\n{intro}\n\n{table(['Question', 'Level', 'Target'], rows, 'lrr')}")


def _notes_list(doc: Document, fields: Sequence[tuple[str, str]]) -> str:
    items = []
    for q in doc.analysis.questions:
        answer = doc.session.answer(q.question_id)
        texts = [(label, getattr(answer, attr)) for label, attr in fields if getattr(answer, attr).strip()]
        if not texts:
            continue
        head = f"- {inline(q.prompt, 300)}" + (f" ({code(q.question_id)})" if doc.facilitator else "")
        lines = [head] + [f"  - {label}: {paragraph(text, '    ')}" for label, text in texts]
        items.append("\n".join(lines))
    return "\n".join(items)


def notes_block(doc: Document) -> Block | None:
    body = _notes_list(doc, [("Note", "note"), ("Evidence", "evidence")])
    return Block("notes", f"## Notes\n\n{body}") if body else None


# --- facilitator only -----------------------------------------------------------------


def private_notes_block(doc: Document) -> Block | None:
    body = _notes_list(doc, [("Private note", "private_note")])
    return Block("private-notes", f"## Private notes\n\n{body}") if body else None


def to_assess_block(doc: Document) -> Block | None:
    questions = doc.analysis.unknown + doc.analysis.unassessed
    if not questions:
        return None
    rows = [
        [code(q.question_id), doc.prompt(q.prompt), cell(doc.set_titles.get(q.set_id, q.set_id)),
         q.status.label + (" · gate" if q.gate else "")]
        for q in questions
    ]
    intro = "Each scores 0 until the room knows: not knowing is itself a gap."
    body = table(["Id", "Question", "Set", "Status"], rows)
    return Block("to-assess", f"## Unknown and still to assess\n\n{intro}\n\n{body}")


def flags_block(doc: Document) -> Block | None:
    flagged = doc.analysis.flagged
    if not flagged:
        return None
    rows = [[code(q.question_id), doc.prompt(q.prompt), q.level_text, cell(doc.session.answer(q.question_id).note)]
            for q in flagged]
    body = table(["Id", "Question", "Level", "Note"], rows)
    return Block("flags", f"## Flagged\n\nQuestions flagged during the workshop.\n\n{body}")


def votes_block(doc: Document) -> Block | None:
    """Every vote by name. Columns are numbered (P1, P2, …) with a key below, so fifteen voters fit."""
    analysis, session = doc.analysis, doc.session
    if not analysis.divergences:
        return None
    voters: dict[int, str] = {}
    roles: dict[int, str] = {}
    for p in session.participants:
        if p.id is not None:
            voters[p.id], roles[p.id] = p.name, p.role
    for d in analysis.divergences:
        for v in d.votes:
            voters.setdefault(v.participant_id, v.name)
    ids = list(voters)
    header = ["Question", *(f"P{n}" for n in range(1, len(ids) + 1)), "Spread", "Room"]
    rows = []
    for d in analysis.divergences:
        cast = {v.participant_id: "?" if v.level is None else str(v.level) for v in d.votes}
        rows.append([doc.prompt(d.prompt), *(cast.get(pid, "") for pid in ids), str(d.spread), d.consensus])
    align = "l" + "r" * len(ids) + "rr"
    key = "; ".join(
        f"P{n} {inline(voters[pid], 60)}" + (f" ({inline(roles[pid], 60)})" if roles.get(pid, "").strip() else "")
        for n, pid in enumerate(ids, start=1)
    )
    body = table(header, rows, align)
    return Block("votes", f"## Votes per participant\n\n{body}\n\n{key}. ? = don't know; empty = did not vote.")


def references_block(doc: Document) -> Block | None:
    rows = []
    for q in doc.session.bank.questions():
        if q.references:
            rows.append([code(q.id), doc.prompt(q.prompt), cell("; ".join(r.label for r in q.references), 400)])
    if not rows:
        return None
    intro = "Where public frameworks ask the same thing as a question, for an auditor's own checklist."
    body = table(["Id", "Question", "Framework references"], rows)
    return Block("references", f"## Framework references\n\n{intro}\n\n{body}")


def history_block(doc: Document) -> Block | None:
    history = doc.history
    if not history:
        return None
    analysis = doc.analysis
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
                doc.prompt(prompts.get(qid, "(no longer in the question sets)")),
                ", ".join(f"{cell(f, 30)} ×{n}" for f, n in fields.items()),
                trail,
                entries[-1].changed_at.strftime("%Y-%m-%d %H:%M"),
            ]
        )
    body = table(["Id", "Question", "Changes", "Level and status", "Last change"], rows)
    return Block("history", f"## Answer history\n\n{len(history)} recorded changes.\n\n{body}")


# --- re-assessment ----------------------------------------------------------------------


def reassessment_block(doc: Document) -> Block | None:
    """In an export: what changed since the earlier workshop it was compared with, named."""
    comparison = doc.comparison
    if comparison is None:
        return None
    title = (
        f"## Since the workshop of {comparison.before_date.isoformat()} (workshop {comparison.before_session})"
    )
    return Block("reassessment", comparison_markdown(comparison, title, doc.set_titles, ids=doc.facilitator,
                                                     prompt_limit=None if doc.html else PROMPT_LIMIT))


def _progress_sentence(comparison: Comparison) -> str:
    if comparison.progress is None:
        return "There was no gap to close before, so progress to date is not measured."
    return f"Progress to date: {fmt.percent(comparison.progress)} of the earlier gap closed."


def comparison_markdown(
    comparison: Comparison,
    title: str,
    set_titles: dict[str, str] | None = None,
    ids: bool = True,
    prompt_limit: int | None = PROMPT_LIMIT,
) -> str:
    """Per set, then per question that changed; sub-headings one level under `title`."""
    titles = set_titles or {}
    sub = "#" * (len(title) - len(title.lstrip("#")) + 1)
    lines = [
        title,
        "",
        f"Readiness index {fmt.score(comparison.readiness_before)} → {fmt.score(comparison.readiness_after)}. "
        + _progress_sentence(comparison),
    ]
    lines += [""] + [f"- {inline(w)}" for w in comparison.warnings] if comparison.warnings else []
    set_rows = [
        [
            cell(s.title),
            fmt.score(s.before_score),
            fmt.score(s.after_score),
            s.change.label,
            fmt.percent(s.progress) if s.progress is not None else "no gap before",
        ]
        for s in comparison.sets
    ]
    lines += ["", f"{sub} Sets then and now", "", table(["Set", "Before", "Now", "Change", "Progress"], set_rows, "lrrlr")]
    changed = [q for q in comparison.questions if q.change.value != "unchanged"]
    counts = comparison.counts()
    lines += [
        "",
        f"{sub} Questions that changed",
        "",
        ", ".join(f"{n} {c.label}" for c, n in counts.items() if n) + "." if any(counts.values())
        else "No question compared.",
    ]
    if changed:
        rows = []
        for q in changed:
            row = [
                cell(q.prompt, prompt_limit),
                cell(titles.get(q.set_id, q.set_id)),
                "n/a" if q.before_level is None else str(q.before_level),
                "n/a" if q.after_level is None else str(q.after_level),
                str(q.target),
                q.change.label,
                fmt.percent(q.progress) if q.progress is not None else "no gap before",
            ]
            rows.append([code(q.question_id), *row] if ids else row)
        header = ["Question", "Set", "Before", "Now", "Target", "Change", "Progress"]
        align = "llrrrlr"
        if ids:
            header, align = ["Id", *header], "l" + align
        lines += ["", table(header, rows, align)]
    return "\n".join(lines)


def render_comparison(comparison: Comparison, set_titles: dict[str, str] | None = None) -> str:
    """The re-assessment as a Markdown document of its own (`workshop compare`)."""
    title = (
        f"# Re-assessment: {comparison.before_date.isoformat()} → {comparison.after_date.isoformat()} "
        f"(workshop {comparison.before_session} → workshop {comparison.after_session})"
    )
    return comparison_markdown(comparison, title, set_titles) + "\n"


# --- the documents ------------------------------------------------------------------


def document_blocks(doc: Document) -> list[Block]:
    summary: list[Block | None] = [
        title_block(doc),
        summary_block(doc),
        scores_block(doc),
        chart_block(doc),
        reading_block(doc),
        agreed_block(doc),
        next_block(doc),
    ]
    details: list[Block | None] = [
        all_agreed_block(doc),
        targets_block(doc),
        reassessment_block(doc),
        *answers_blocks(doc),
        recommendations_block(doc),
    ]
    if doc.facilitator:
        details.append(rejected_block(doc))
    details += [misaligned_block(doc), notes_block(doc), people_block(doc)]
    if doc.facilitator:
        details += [
            verify_block(doc),
            votes_block(doc),
            to_assess_block(doc),
            flags_block(doc),
            private_notes_block(doc),
            references_block(doc),
            history_block(doc),
        ]
    blocks = [b for b in summary if b is not None]
    blocks.append(Block("details", ""))  # where the summary page ends
    return blocks + [b for b in details if b is not None]


def markdown_blocks(
    session: Session,
    analysis: Analysis,
    audience: Audience | str = Audience.PARTICIPANTS,
    history: Sequence[HistoryEntry] = (),
    comparison: Comparison | None = None,
    html: bool = False,
) -> list[Block]:
    return document_blocks(Document(session, analysis, Audience(audience), tuple(history), comparison, html))


def render_markdown(
    session: Session,
    analysis: Analysis,
    audience: Audience | str = Audience.PARTICIPANTS,
    history: Sequence[HistoryEntry] = (),
    comparison: Comparison | None = None,
) -> str:
    blocks = markdown_blocks(session, analysis, audience, history, comparison)
    return "\n\n".join(b.markdown for b in blocks if b.markdown) + "\n"

