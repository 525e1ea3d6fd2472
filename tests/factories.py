"""Small sessions built straight from the models, for the analysis and export tests.

The bank has two sets and five questions; its arithmetic is simple enough to check by hand:

    set alpha "Alpha"
      section alpha.one "One"
        a.gate   weight 3, target 3, gate   actions: a.gate.fix (S, before go-live, below 3,
                                                      needs b.tool.setup)
                                                     a.gate.prove (M, during rollout, below 3,
                                                      needs a.gate.fix)
        a.plain  weight 1, target 2         actions: a.plain.doc (M, after launch, below 2)
      section alpha.two "Two"
        a.two    weight 2, target 4         actions: a.two.act (L, before go-live, below 4)
    set beta "Beta"
      section beta.main "Main"
        b.tool   weight 2, target 3         actions: b.tool.setup (S, after launch, below 3)
        b.risk   weight 1, target 2, gate   actions: b.risk.review (S, before go-live, below 2,
                                                      needs an action not in the bank)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from workshop.questionnaire import Action, Effort, Horizon, Question, QuestionBank, QuestionSet, Section
from workshop.session import (
    ActionDecision,
    Answer,
    AnswerStatus,
    Confidence,
    Decision,
    Participant,
    RoundState,
    Session,
    SessionStatus,
    Vote,
    VoteRound,
)

LEVELS = ("Absent.", "Started.", "Partly done.", "Done.", "Proven in production.")


def action(
    id: str,
    *,
    effort: str = "S",
    horizon: str = "before-go-live",
    below: int = 3,
    depends_on: tuple[str, ...] = (),
    owner: str = "Project lead",
) -> Action:
    return Action(
        id=id,
        title=f"Do {id}",
        detail=f"The detail of {id}.",
        owner=owner,
        effort=Effort(effort),
        horizon=Horizon(horizon),
        applies_below=below,
        depends_on=depends_on,
    )


def question(id: str, *, weight: int, target: int, gate: bool = False, actions: tuple[Action, ...]) -> Question:
    return Question(
        id=id,
        prompt=f"Question {id}?",
        guidance="Guidance.",
        levels=LEVELS,
        weight=weight,
        target=target,
        gate=gate,
        actions=actions,
    )


def small_bank() -> QuestionBank:
    alpha = QuestionSet(
        id="alpha",
        title="Alpha",
        version="1",
        sections=(
            Section(
                id="alpha.one",
                title="One",
                questions=(
                    question(
                        "a.gate",
                        weight=3,
                        target=3,
                        gate=True,
                        actions=(
                            action("a.gate.fix", depends_on=("b.tool.setup",), owner="Business sponsor"),
                            action(
                                "a.gate.prove", effort="M", horizon="during-rollout", depends_on=("a.gate.fix",)
                            ),
                        ),
                    ),
                    question(
                        "a.plain",
                        weight=1,
                        target=2,
                        actions=(action("a.plain.doc", effort="M", horizon="after-launch", below=2),),
                    ),
                ),
            ),
            Section(
                id="alpha.two",
                title="Two",
                questions=(
                    question("a.two", weight=2, target=4, actions=(action("a.two.act", effort="L", below=4),)),
                ),
            ),
        ),
    )
    beta = QuestionSet(
        id="beta",
        title="Beta",
        version="1",
        sections=(
            Section(
                id="beta.main",
                title="Main",
                questions=(
                    question(
                        "b.tool",
                        weight=2,
                        target=3,
                        actions=(action("b.tool.setup", horizon="after-launch", owner="IT lead"),),
                    ),
                    question(
                        "b.risk",
                        weight=1,
                        target=2,
                        gate=True,
                        actions=(action("b.risk.review", below=2, depends_on=("not.in.bank",)),),
                    ),
                ),
            ),
        ),
    )
    return QuestionBank(sets=(alpha, beta))


QUESTION_IDS = ("a.gate", "a.plain", "a.two", "b.tool", "b.risk")

PARTICIPANTS = (
    Participant(id=1, name="Ann", role="Business sponsor"),
    Participant(id=2, name="Bob", role="IT lead"),
    Participant(id=3, name="Cy", role="Risk"),
)


def answer(question_id: str, value: Any, **fields: Any) -> Answer:
    """value: 0-4, 'unknown', 'na' (with a reason) or None (notes only, not answered)."""
    if value is None:
        return Answer(question_id=question_id, **fields)
    if value == "unknown":
        return Answer(question_id=question_id, status=AnswerStatus.UNKNOWN, **fields)
    if value == "na":
        fields.setdefault("reason", "Does not apply here.")
        return Answer(question_id=question_id, status=AnswerStatus.NOT_APPLICABLE, **fields)
    return Answer(question_id=question_id, status=AnswerStatus.LEVEL, level=int(value), **fields)


def make_session(
    levels: dict[str, Any] | None = None,
    *,
    bank: QuestionBank | None = None,
    answers: dict[str, Answer] | None = None,
    low_confidence: tuple[str, ...] = (),
    votes: dict[str, dict[int, int]] | None = None,
    decisions: dict[str, ActionDecision] | None = None,
    targets: dict[str, int] | None = None,
    session_id: int = 1,
    organisation: str = "Acme",
    initiative: str = "Claims triage",
    facilitator: str = "Fay",
    date: dt.date = dt.date(2026, 11, 22),
    participants: tuple[Participant, ...] = PARTICIPANTS,
) -> Session:
    bank = bank or small_bank()
    built = dict(answers or {})
    for qid, value in (levels or {}).items():
        if qid not in built:
            confidence = Confidence.LOW if qid in low_confidence else None
            built[qid] = answer(qid, value, confidence=confidence)
    rounds = tuple(revealed_round(n, qid, by_participant) for n, (qid, by_participant) in
                   enumerate((votes or {}).items(), start=1))
    return Session(
        id=session_id,
        organisation=organisation,
        initiative=initiative,
        facilitator=facilitator,
        date=date,
        status=SessionStatus.ACTIVE,
        sets=tuple(bank.set_ids()),
        bank=bank,
        participants=participants,
        answers=built,
        rounds=rounds,
        decisions=dict(decisions or {}),
        targets=dict(targets or {}),
    )


def revealed_round(round_id: int, question_id: str, levels: dict[int, int | None],
                   state: RoundState = RoundState.REVEALED) -> VoteRound:
    """A vote round the room has seen, with each participant's level."""
    opened = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=round_id)
    return VoteRound(
        id=round_id, question_id=question_id, state=state, opened_at=opened,
        revealed_at=None if state is RoundState.OPEN else opened + dt.timedelta(seconds=30),
        votes=tuple(Vote(question_id=question_id, participant_id=pid, level=level, round_id=round_id)
                    for pid, level in sorted(levels.items())),
    )


def accepted(action_id: str, owner: str = "Jo", due: dt.date | None = dt.date(2026, 12, 1)) -> ActionDecision:
    return ActionDecision(action_id=action_id, decision=Decision.ACCEPTED, owner_name=owner, due_date=due)


# --- reading exports back -----------------------------------------------------------


def parse_tables(markdown: str) -> list[dict[str, Any]]:
    """Every table in the Markdown as {'header': [...], 'rows': [[...]], 'heading': str},
    parsed by markdown-it-py with tables on; cells are their plain inline text."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    tables: list[dict[str, Any]] = []
    heading = ""
    current: dict[str, Any] | None = None
    row: list[str] | None = None
    in_heading = False
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "inline" and in_heading:
            heading = token.content
            in_heading = False
        elif token.type == "table_open":
            current = {"header": [], "rows": [], "heading": heading, "map": token.map}
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            inline_token = tokens[i + 1]
            text = "".join(
                child.content for child in (inline_token.children or []) if child.type in ("text", "code_inline")
            )
            assert row is not None
            row.append(text)
        elif token.type == "tr_close" and current is not None and row is not None:
            if not current["header"]:
                current["header"] = row
            else:
                current["rows"].append(row)
        elif token.type == "table_close" and current is not None:
            tables.append(current)
            current = None
    return tables


def table_named(markdown: str, heading: str) -> dict[str, Any]:
    matches = [t for t in parse_tables(markdown) if t["heading"] == heading]
    assert len(matches) == 1, f"expected one table under {heading!r}, found {len(matches)}"
    return matches[0]


def source_cell_counts(markdown: str) -> list[tuple[int, int]]:
    """For each table in the source: (header cells, row cells) for every row, counted the way
    the GFM table rule splits a line (unescaped pipes), before any normalisation."""
    from markdown_it.rules_block.table import escapedSplit

    counts = []
    lines = markdown.split("\n")
    for table in parse_tables(markdown):
        start, end = table["map"]
        table_lines = lines[start:end]

        def cells(line: str) -> int:
            inner = line.strip()
            inner = inner[1:] if inner.startswith("|") else inner
            inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
            return len(escapedSplit(inner))

        header = cells(table_lines[0])
        counts += [(header, cells(line)) for line in table_lines[2:]]
    return counts


def block_structure(markdown: str, preset: str = "commonmark") -> list[str]:
    """The block-level token types (nesting included): what escaping must never change."""
    from markdown_it import MarkdownIt

    md = MarkdownIt(preset)
    if preset == "commonmark":
        md.enable("table")
    return [f"{t.type}:{t.tag}" for t in md.parse(markdown) if t.type != "inline"]


# --- a realistic workshop on the built-in sets ----------------------------------------

ROOM = (
    ("Priya Shah", "Claims operations lead"), ("Tom Berger", "Data engineering"), ("Lena Fischer", "Compliance"),
    ("Marcus Okafor", "Business sponsor"), ("Ines Duarte", "IT operations"), ("Sam Whitfield", "Security"),
    ("Ana Kovač", "Customer service"), ("Ravi Menon", "Finance"), ("Julia Brandt", "Legal"),
    ("Owen Price", "Product owner"), ("Mei Lin", "Data science"), ("Karl Weber", "Enterprise architecture"),
    ("Fatima Zahra", "Change management"), ("Noah Evans", "Claims handler"), ("Hana Sato", "Risk"),
)
NOTES = (
    "A&E target <4h; costs ~£30k * 2 sites, see file #3_final (v2).",
    "Sponsor agreed in the steering group; minutes to follow.",
    "Data team says the nightly extract still breaks about once a week.",
    "Nobody could say who would be paged at night.",
)


def builtin_workshop(answered: int | None = None, participants: int = 6, session_id: int = 1) -> Session:
    """The four default built-in sets, answered as a real room would: a spread of levels, a few unknown
    and not-applicable answers, notes, blind votes on some questions and decisions on some actions.
    `answered`: only the first n questions are answered (a workshop stopped part-way)."""
    from workshop.questionnaire import DEFAULT_SETS, builtin_dir, load_paths
    from workshop.session import TargetChange

    bank = load_paths([builtin_dir()]).bank.subset(DEFAULT_SETS)
    questions = bank.questions()
    answered = len(questions) if answered is None else answered
    pattern = (0, 1, 2, 1, 0, 3, 1, 2, 0, 1, 4, 1)
    answers: dict[str, Answer] = {}
    for i, q in enumerate(questions[:answered]):
        fields: dict[str, Any] = {}
        if i % 9 == 4:
            fields["note"] = NOTES[i % len(NOTES)]
        if i % 13 == 5:
            fields["evidence"] = "Runbook v3, signed off 2026-10-02."
        if i % 11 == 7:
            fields["private_note"] = "Ops lead was defensive here; raise it one-to-one."
        if i % 10 == 6:
            fields["confidence"] = Confidence.LOW
        if i == 17:
            answers[q.id] = answer(q.id, "unknown", **fields)
        elif i == 29:
            answers[q.id] = answer(q.id, "na", reason="The pilot makes no decision about individuals.", **fields)
        else:
            answers[q.id] = answer(q.id, pattern[i % len(pattern)], **fields)
    room = tuple(Participant(id=n, name=name, role=role) for n, (name, role) in enumerate(ROOM[:participants], 1))
    rounds = []
    for n, q in enumerate(q for i, q in enumerate(questions[:answered]) if i % 8 == 3):
        levels = {p.id: (n + p.id * (1 + n % 2)) % 5 for p in room}
        if n % 3 == 0:
            levels[room[-1].id] = None  # "don't know"
        rounds.append(revealed_round(n + 1, q.id, levels, RoundState.SETTLED))
    session = Session(
        id=session_id, organisation="Northwind Insurance", initiative="Claims triage assistant",
        facilitator="Dana Reyes", date=dt.date(2026, 11, 20), status=SessionStatus.ACTIVE,
        sets=tuple(bank.set_ids()), bank=bank, participants=room, answers=answers, rounds=tuple(rounds),
    )
    from workshop.analysis import analyse

    plan = analyse(session).actions
    decisions: dict[str, ActionDecision] = {}
    for n, a in enumerate(plan[:12]):
        if n % 4 == 3:
            decisions[a.action_id] = ActionDecision(
                action_id=a.action_id, decision=Decision.REJECTED, note="Covered by the group-wide programme.")
        else:
            decisions[a.action_id] = ActionDecision(
                action_id=a.action_id, decision=Decision.ACCEPTED, owner_name=room[n % len(room)].name if n % 5 else "",
                due_date=dt.date(2026, 12, 1) + dt.timedelta(days=7 * n))
    changed = questions[2].id
    return session.model_copy(update={
        "decisions": decisions,
        "targets": {changed: 2},
        "target_changes": (TargetChange(question_id=changed, old_target=None, new_target=2,
                                        changed_at=dt.datetime(2026, 11, 20, 10, 40, tzinfo=dt.UTC)),),
    })


# --- text typed by a hostile or careless hand -------------------------------------------

HOSTILE = (
    "a | b || c \\| d\n"
    "# Heading\n- item\n> quote\n1. one\n===\n---\n    indented code\n"
    "```\nfenced\n```\n"
    "<script>alert(1)</script> <img src=x onerror=alert(1)> <b>bold</b> <!-- c -->\n"
    "[x](javascript:alert(1)) ![i](javascript:alert(2)) <javascript:alert(3)> [ref]: javascript:alert(4)\n"
    "`tick` ``double`` **star** _under_ ~~strike~~ &lt;script&gt; &#60;img&#62; trailing\\"
)
PASTE = (HOSTILE + "\n") * (50_000 // len(HOSTILE) + 1)  # more than 50 kB
SHORT = "<img src=x onerror=alert(1)> | `x` [y](javascript:z)"  # fits a participant's name
HOSTILE_PRIVATE = "PRIVATE-MARKER-91c"


def build(text: str, paste: str, short: str):
    """The same session, with `text`, `paste` and `short` wherever people type."""
    bank = QuestionBank(
        sets=(
            QuestionSet(
                id="alpha",
                title="Alpha " + short,
                version="1",
                sections=(
                    Section(
                        id="alpha.one",
                        title=text,
                        questions=(
                            question("a.gate", weight=3, target=3, gate=True,
                                     actions=(action("a.gate.fix", owner=short),)).model_copy(
                                update={"prompt": text}
                            ),
                            question("a.two", weight=2, target=4, actions=(action("a.two.act", below=4),)),
                            question("a.na", weight=1, target=2, actions=(action("a.na.act"),)),
                        ),
                    ),
                ),
            ),
        )
    )
    return make_session(
        bank=bank,
        organisation=text,
        initiative=text,
        facilitator=short,
        participants=(Participant(id=1, name=short, role=short), *PARTICIPANTS[1:]),
        answers={
            "a.gate": answer("a.gate", 1, note=paste, evidence=text, reason=text, private_note=HOSTILE_PRIVATE + paste,
                             confidence=Confidence.LOW, flagged=True, answered_by=short),
            "a.two": answer("a.two", 1, note=text, evidence=paste, reason=paste),
            "a.na": answer("a.na", "na", reason=paste),
        },
        votes={"a.gate": {1: 0, 2: 3}, "a.two": {1: 1, 2: 4}},
        decisions={"a.gate.fix": accepted("a.gate.fix", short).model_copy(update={"note": paste})},
    )
