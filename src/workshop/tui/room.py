"""The room view: a second window, for the projector, that follows the facilitator and shows only
what the whole room may see.

`workshop room SESSION` opens it beside the facilitator's app, which stays on the laptop. It never
writes and has no key but quitting. A few times a second it asks the database whether another
connection committed (`PRAGMA data_version`, microseconds on its own read connection); when one did,
it reads the workshop again and redraws: the question at the facilitator's position, its five level
descriptors, the vote, the time box and the progress per set. A room view that dies loses nothing,
and one opened later shows the same thing.

Everything drawn passes one door, `room_view()`, which copies out only what the room may see: never
private notes, flags, evidence or confidence, and never who voted what. While a vote is open no
level is read out of it, and the question's earlier answer is hidden until the room has settled, so
it cannot anchor the vote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from workshop.analysis import MISALIGNED_SPREAD, spread_of, spread_text
from workshop.questionnaire import MAX_LEVEL
from workshop.session import AnswerStatus, Participant, RoundState, Session, VoteRound
from workshop.store import Store, StoreError
from workshop.tui.errors import first_line
from workshop.tui.safe import content, line
from workshop.tui.widgets.time_box import TimeBox
from workshop.web.launch import process_alive, running

WATCH_SECONDS = 0.25  # how often the database is asked whether anything changed
SERVER_CHECK_SECONDS = 2.0  # how often a phone-vote server shown is checked to be alive
WIDE_COLUMNS = 110  # from this width the progress per set (and the QR code) get a column of their own
TALL_ROWS = 32  # from this height there is room for spacing, and for the QR code beside the question
EVERYONE_LISTED = 10  # up to this many participants the vote names each; beyond, only who is missing
DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


# --- what the room may see: one door -------------------------------------------------------------


@dataclass(frozen=True)
class SetProgress:
    title: str
    answered: int
    total: int
    current: bool


@dataclass(frozen=True)
class RoomVote:
    """A vote round as the room may see it: who has voted while it is open, the spread once revealed."""

    state: RoundState
    participants: int
    voted_count: int
    voted: tuple[str, ...] = ()  # open: who has voted (names only, never a level)
    waiting: tuple[str, ...] = ()  # open: who has not
    counts: tuple[int, ...] = ()  # revealed or settled: votes per level 0-4, no names
    dont_know: int = 0
    spread: int = 0
    summary: str = ""  # "1 at level 1, 2 at level 3"


@dataclass(frozen=True)
class RoomView:
    """Everything the room view draws, and nothing else."""

    heading: str
    set_id: str
    set_title: str
    section_title: str
    number: int
    total: int
    prompt: str
    levels: tuple[str, ...]
    target: int
    gate: bool
    status: AnswerStatus | None  # the room's answer; None when there is none, or while a vote runs
    level: int | None
    reason: str  # why not applicable, or why the room settled on its level
    vote: RoomVote | None
    progress: tuple[SetProgress, ...]
    join_link: str | None = None


def current_question(session: Session) -> str:
    """The question at the facilitator's position; without one, the first unanswered (else the first)."""
    order = [q.id for q in session.bank.questions()]
    if session.position in order:
        return session.position
    return next((qid for qid in order if not session.answer(qid).answered), order[0])


def room_view(session: Session, join_link: str | None = None) -> RoomView:
    """What the room may see of a workshop now. The only way the room view reads a session."""
    question_id = current_question(session)
    located = session.bank.locate(question_id)
    assert located is not None
    answer = session.answer(question_id)
    round_ = session.latest_round(question_id)
    # An answer given before a vote stays hidden until the room has settled: it would anchor the vote.
    answer_shown = round_ is None or round_.state is RoundState.SETTLED
    status = answer.status if answer_shown else None
    settled_level = status is AnswerStatus.LEVEL and round_ is not None
    reason = answer.reason if status is AnswerStatus.NOT_APPLICABLE or settled_level else ""
    order = [q.id for q in session.bank.questions()]
    progress = tuple(
        SetProgress(
            title=qset.title,
            answered=sum(1 for q in qset.questions() if session.answer(q.id).answered),
            total=sum(1 for _ in qset.questions()),
            current=qset.id == located.set.id,
        )
        for qset in session.bank.sets
    )
    return RoomView(
        heading=f"{session.organisation} · {session.initiative}",
        set_id=located.set.id,
        set_title=located.set.title,
        section_title=located.section.title,
        number=order.index(question_id) + 1,
        total=len(order),
        prompt=located.question.prompt,
        levels=tuple(located.question.levels),
        target=session.target(question_id),
        gate=located.question.gate,
        status=status,
        level=answer.level if status is AnswerStatus.LEVEL else None,
        reason=reason,
        vote=_vote(round_, session.participants) if round_ is not None else None,
        progress=progress,
        join_link=join_link,
    )


def _vote(round_: VoteRound, participants: tuple[Participant, ...]) -> RoomVote:
    voters = round_.voters
    if round_.is_open:  # the levels of an open round are not even read
        return RoomVote(
            state=round_.state,
            participants=len(participants),
            voted_count=len(voters),
            voted=tuple(p.name for p in participants if p.id in voters),
            waiting=tuple(p.name for p in participants if p.id not in voters),
        )
    levels = [v.level for v in round_.votes]
    return RoomVote(
        state=round_.state,
        participants=len(participants),
        voted_count=len(voters),
        counts=tuple(levels.count(level) for level in range(MAX_LEVEL + 1)),
        dont_know=levels.count(None),
        spread=spread_of(round_.levels()),
        summary=spread_text(round_.votes),
    )


def clock_only(session: Session) -> Session:
    """The session as the time box needs it: its clocks, and none of the room's answers or votes."""
    return session.model_copy(update={"answers": {}, "rounds": (), "participants": (), "decisions": {}})


# --- drawing ---------------------------------------------------------------------------------------


Part = str | Content | tuple[str, str]


def vote_text(view: RoomView) -> Content | None:
    """The vote or the answer, in words; None when the question has neither yet."""
    vote = view.vote
    if vote is not None and vote.state is RoundState.OPEN:
        parts: list[Part] = [("Blind vote   ", "bold"),
                             (f"{vote.voted_count} of {vote.participants} have voted", "bold $text-accent"),
                             ("   levels stay hidden until the reveal", "$text-muted"), "\n"]
        if vote.participants and not vote.waiting:
            parts.append(("Everyone has voted.", "bold"))
        elif vote.participants <= EVERYONE_LISTED:
            for name in vote.voted:  # participant order is kept within each group
                parts += [("● ", "$text-success"), content(name, 30), "   "]
            for name in vote.waiting:
                parts += [("○ ", "$text-muted"), content(name, 30).stylize("$text-muted"), "   "]
        else:
            parts += [f"Still to vote ({len(vote.waiting)}): ", content(", ".join(vote.waiting), 200)]
        return Content.assemble(*parts).rstrip()
    if vote is not None and vote.state is RoundState.REVEALED:
        return Content.assemble(("Votes revealed   ", "bold"), (vote.summary, "bold"), "\n", _spread_line(vote))
    answer = _answer_text(view)
    if vote is not None:  # settled
        return Content.assemble(
            answer or Content.assemble(("Agreed   ", "bold"), "not yet"), "\n",
            (f"The vote: {vote.summary}. ", "$text-muted"), _spread_line(vote, muted=True),
        )
    return answer


def _answer_text(view: RoomView) -> Content | None:
    label = ("Agreed   " if view.vote is not None else "Answer   ", "bold")
    parts: list[Part]
    if view.status is AnswerStatus.LEVEL:
        parts = [label, (f"level {view.level}", "bold $text-accent")]
    elif view.status is AnswerStatus.UNKNOWN:
        parts = [label, ("unknown", "bold $text-warning"), " (not knowing is a gap: it scores 0)"]
    elif view.status is AnswerStatus.NOT_APPLICABLE:
        parts = [label, ("not applicable", "bold")]
    else:
        return None
    if view.reason:
        parts += [("   because ", "$text-muted"), content(view.reason, 240)]
    return Content.assemble(*parts)


def _spread_line(vote: RoomVote, muted: bool = False) -> Content:
    if not vote.voted_count:
        return Content.styled("Nobody voted.", "$text-muted")
    if vote.spread >= MISALIGNED_SPREAD:
        style = "$text-muted" if muted else "bold $text-error"
        return Content.styled(f"A spread of {vote.spread} levels: the room sees this differently.", style)
    plural = "" if vote.spread == 1 else "s"
    return Content.styled(f"A spread of {vote.spread} level{plural}.", "$text-muted" if muted else "$text-success")


def crumbs_text(view: RoomView) -> Content:
    parts: list[Part] = [
        content(view.set_title, 40).stylize("bold"), "  ›  ", content(view.section_title, 50),
        f"     Question {view.number} of {view.total}     ", ("◆", "$text-accent"), f" target {view.target}",
    ]
    if view.gate:
        parts += ["     ", (" GATE ", "bold reverse"), (" below target blocks production", "$text-muted")]
    return Content.assemble(*parts)


def fit_lines(wrapped: list[list[Text]], height: int) -> list[int]:
    """How many of its wrapped lines each row may keep so that all fit in `height` (each keeps one)."""
    needed = [len(w) for w in wrapped]
    if sum(needed) <= height:
        return needed
    allowed = [1] * len(needed)
    spare = height - len(needed)
    while spare > 0:  # a line at a time, round the rows still cut
        grew = False
        for i, need in enumerate(needed):
            if spare > 0 and allowed[i] < need:
                allowed[i] += 1
                spare -= 1
                grew = True
        if not grew:
            break
    return allowed


class Levels(Widget):
    """The five level descriptors, fitted to the space they have; after a reveal each row carries its
    count of votes as a bar, so the rows are the histogram. Descriptors too long for the space are
    shortened (ending in …), never dropped."""

    COMPONENT_CLASSES = {"levels--digit", "levels--target", "levels--chosen", "levels--bar", "levels--muted"}
    MARK_CELLS = 6  # "▶◆ 3  "

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view: RoomView | None = None

    def show(self, view: RoomView) -> None:
        self.view = view
        self.refresh()

    def render(self) -> Text:
        view = self.view
        if view is None:
            return Text()
        vote = view.vote
        counts = vote.counts if vote is not None else ()
        rows: list[tuple[str, Text, int | None]] = [
            (str(level), line(descriptor), counts[level] if counts else None)
            for level, descriptor in enumerate(view.levels)
        ]
        if vote is not None and vote.dont_know:
            rows.append(("?", Text("Don't know"), vote.dont_know))
        width, height = max(24, self.size.width), max(len(rows), self.size.height)  # every row keeps a line
        bar_cells = max(6, min(24, width // 6)) if counts else 0
        bar_column = bar_cells + 6 if counts else 0  # the bar, its count (up to 100), a gap
        text_cells = max(10, width - self.MARK_CELLS - bar_column)
        console = self.app.console
        wrapped = [list(descriptor.wrap(console, text_cells)) or [Text()] for _, descriptor, _ in rows]
        gaps = sum(len(w) for w in wrapped) + len(rows) - 1 <= height
        allowed = fit_lines(wrapped, height - (len(rows) - 1 if gaps else 0))

        digit = self.get_component_rich_style("levels--digit")
        target = self.get_component_rich_style("levels--target")
        chosen = self.get_component_rich_style("levels--chosen")
        bar = self.get_component_rich_style("levels--bar")
        muted = self.get_component_rich_style("levels--muted")
        total_votes = sum(counts) + (vote.dont_know if vote is not None else 0)
        out = Text(no_wrap=True, overflow="crop")
        for index, ((label, _, count), lines, keep) in enumerate(zip(rows, wrapped, allowed, strict=True)):
            is_chosen = view.status is AnswerStatus.LEVEL and label == str(view.level)
            if index:
                out.append("\n\n" if gaps else "\n")
            kept = lines[:keep]
            if keep < len(lines):  # shortened: say so
                last = kept[-1].copy()
                last.truncate(text_cells - 1)
                last.rstrip()
                last.append("…")
                kept[-1] = last
            for n, segment in enumerate(kept):
                if n:
                    out.append("\n")
                if n == 0:
                    out.append("▶" if is_chosen else " ", chosen if is_chosen else digit)
                    out.append("◆" if label == str(view.target) else " ", target)
                    out.append(f" {label}  ", muted if label == "?" else digit)
                else:
                    out.append(" " * self.MARK_CELLS)
                if counts:
                    if n == 0 and count:
                        cells = max(1, round(bar_cells * count / max(1, total_votes)))
                        label_cells = len(f" {count}")
                        out.append("█" * cells, bar)
                        out.append(f" {count}", digit)
                        out.append(" " * (bar_column - cells - label_cells))
                    else:
                        out.append(" " * bar_column)
                segment = segment.copy()
                segment.truncate(text_cells, pad=is_chosen)
                if is_chosen:
                    segment.stylize(chosen)
                elif label == "?":
                    segment.stylize(muted)
                out.append_text(segment)
        return out


class Progress(Widget):
    """Questions answered per set: one line when `compact`, else a row and a bar for each set."""

    COMPONENT_CLASSES = {"progress--current", "progress--bar", "progress--empty", "progress--muted"}

    def __init__(self, *, compact: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self.compact = compact
        self.sets: tuple[SetProgress, ...] = ()

    def show(self, sets: tuple[SetProgress, ...]) -> None:
        self.sets = sets
        self.refresh(layout=not self.compact)

    def render(self) -> Text:
        current = self.get_component_rich_style("progress--current")
        muted = self.get_component_rich_style("progress--muted")
        if self.compact:
            return self._one_line(current, muted)
        bar_style = self.get_component_rich_style("progress--bar")
        empty = self.get_component_rich_style("progress--empty")
        width = max(20, self.size.width)
        title_cells = min(16, max((cell_len(s.title) for s in self.sets), default=0))
        bar_cells = max(4, width - title_cells - 8)
        text = Text("Answered per set\n", muted)
        for qset in self.sets:
            filled = round(bar_cells * qset.answered / qset.total) if qset.total else 0
            title = line(qset.title, title_cells)
            if qset.current:
                title.stylize(current)
            text.append_text(title)
            text.append(" " * (title_cells - cell_len(title.plain) + 1))
            text.append("█" * filled, bar_style)
            text.append("░" * (bar_cells - filled), empty)
            text.append(f" {qset.answered:>2}/{qset.total}\n", current if qset.current else muted)
        text.rstrip()
        return text

    def _one_line(self, current: Style, muted: Style) -> Text:
        width = max(20, self.size.width)
        for limit in (40, 14, 4):  # full titles, then shortened, until the line fits
            text = Text(no_wrap=True, overflow="ellipsis")
            for index, qset in enumerate(self.sets):
                if index:
                    text.append("   ")
                title = line(qset.title, limit)
                if qset.current:
                    title.stylize(current)
                text.append_text(title)
                text.append(f" {qset.answered}/{qset.total}", current if qset.current else muted)
            if cell_len(text.plain) <= width:
                break
        return text


class RoomApp(App[None]):
    """The room view (`workshop room SESSION`). Read-only: give it `Store.open_for_reading`."""

    CSS_PATH = Path(__file__).parent / "room.tcss"
    TITLE = "workshop room"
    ENABLE_COMMAND_PALETTE = False
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_COLUMNS, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (TALL_ROWS, "-tall")]
    # Quitting is all: no key hints, no help toast (Textual's own ctrl+c would show one).
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, system=True),
        Binding("q", "quit", "Quit", show=False),
    ]

    def __init__(
        self,
        store: Store,
        session_id: int,
        *,
        wall_clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        watch_seconds: float = WATCH_SECONDS,
        light: bool = False,
    ) -> None:
        super().__init__()
        self.store = store
        self.session_id = session_id
        self.wall_clock = wall_clock  # the time box's; injected so tests and snapshots are stable
        self.watch_seconds = watch_seconds
        self.light = light
        self.view: RoomView | None = None
        self._data_version: int | None = None
        self._server_pid: int | None = None
        self._qr_for: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Static(id="heading")
            yield TimeBox(self.wall_clock, heartbeat=False, id="clock")
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield Static(id="crumbs")
                yield Static(id="prompt")
                yield Static(id="vote")
                yield Static(id="join")
                yield Levels(id="levels")
                yield Progress(compact=True, id="progress-line")
            with Vertical(id="side"):
                yield Static("Vote from your phone", id="qr-title")
                yield Static(id="qr")
                yield Static(id="qr-link")
                yield Progress(compact=False, id="progress-table")
        yield Static(id="problem")

    def on_mount(self) -> None:
        self.theme = LIGHT_THEME if self.light else DARK_THEME
        try:
            self._data_version = self.store.data_version()
        except StoreError as exc:
            self._problem(exc)
        self.reload()
        self.set_interval(self.watch_seconds, self.check_for_changes, name="watch the database")
        self.set_interval(SERVER_CHECK_SECONDS, self._check_server, name="watch the phone-vote server")

    # --- the store is the bus --------------------------------------------------------------------

    def check_for_changes(self) -> bool:
        """Has anything been committed since the last look? Then redraw. Runs four times a second;
        tests call it instead of waiting."""
        try:
            version = self.store.data_version()
        except StoreError as exc:
            self._problem(exc)
            return False
        if version == self._data_version:
            return False
        self._data_version = version  # read before the data: a commit in between is seen next time
        self.reload()
        return True

    def reload(self) -> None:
        """Read the workshop and draw it; on a failed read, keep what is shown and say so."""
        try:
            session = self.store.load_session(self.session_id)
            server = running(self.store, self.session_id)
        except StoreError as exc:
            self._problem(exc)
            return
        self._server_pid = server[1] if server else None
        self.view = room_view(session, server[0] if server else None)
        self._draw(self.view, clock_only(session))

    def _check_server(self) -> None:
        """A phone-vote server killed outright leaves its link in the database: stop showing it."""
        if self._server_pid is not None and not process_alive(self._server_pid):
            self.reload()

    def _problem(self, error: BaseException) -> None:
        problem = self.query_one("#problem", Static)
        problem.update(Content.assemble((" Cannot read the workshop: ", "bold"), content(first_line(error), 200),
                                        " (showing what was last read)"))
        problem.display = True

    # --- drawing ---------------------------------------------------------------------------------

    def _draw(self, view: RoomView, clock_session: Session) -> None:
        self.query_one("#problem", Static).display = False
        self.query_one("#heading", Static).update(Content.assemble(" ", content(view.heading, 120).stylize("bold")))
        self.query_one(TimeBox).show(clock_session, view.set_id, view.set_title)
        self.query_one("#crumbs", Static).update(crumbs_text(view))
        self.query_one("#prompt", Static).update(content(view.prompt))
        vote = vote_text(view)
        vote_widget = self.query_one("#vote", Static)
        vote_widget.display = vote is not None
        if vote is not None:
            vote_widget.update(vote)
        self.query_one(Levels).show(view)
        for progress in self.query(Progress):
            progress.show(view.progress)
        self._draw_join(view.join_link)

    def _draw_join(self, link: str | None) -> None:
        self.screen.set_class(link is not None, "-phones")
        if link == self._qr_for:
            return
        self._qr_for = link
        if link is None:
            return
        from workshop.web.qr import qr_lines

        self.query_one("#join", Static).update(Content.assemble(("Vote by phone: ", "bold"), content(link)))
        code = qr_lines(link, on_dark=True)  # drawn light on the black the stylesheet gives it
        qr = self.query_one("#qr", Static)
        qr.update(Content("\n".join(code)))
        qr.styles.width = cell_len(code[0])  # exactly the code: no dark edge beside its quiet zone
        self.query_one("#qr-link", Static).update(content(link))
        self.query_one("#side").styles.width = max(36, cell_len(code[0]) + 4)
