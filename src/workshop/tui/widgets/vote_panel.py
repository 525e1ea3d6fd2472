"""A question's vote round: who has voted (never what) while it is open, the spread once revealed.

The panel owns the keyed entry of votes in the room: which participant is next, who was skipped
and whose level was typed but is not committed yet. A level typed for the next participant is
posted as `VotePanel.Keyed` for the screen to commit; the panel only ever shows the names of those
who voted until the round is revealed. After the reveal it shows the spread as a
histogram of counts; names beside levels only when the facilitator shows private details.
"""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from workshop.analysis import MISALIGNED_SPREAD, spread_of, spread_text
from workshop.questionnaire import MAX_LEVEL
from workshop.session import Participant, RoundState, VoteRound
from workshop.tui.safe import line, show


def unanimous_level(round_: VoteRound) -> int | None:
    """The level everyone voted, when every vote is the same level (and nobody said "don't know")."""
    levels = {v.level for v in round_.votes}
    return next(iter(levels)) if len(levels) == 1 and None not in levels else None


def histogram(round_: VoteRound, names: dict[int, str] | None = None) -> Text:
    """One row per level: a bar as long as its count; with `names`, who voted it."""
    text = Text()
    levels = [v.level for v in round_.votes]
    for level in [*range(MAX_LEVEL + 1), None]:
        count = levels.count(level)
        if level is None and not count:
            continue
        label = "?" if level is None else str(level)
        text.append(f" {label} │", "bold")
        text.append("█" * (2 * count), "cyan")
        text.append(f" {count}" if count else "")
        if names and count:
            who = [names.get(v.participant_id, f"#{v.participant_id}") for v in round_.votes if v.level == level]
            text.append("  ")
            text.append_text(line(", ".join(who), 80, style="dim"))
        text.append("\n")
    return text


class VotePanel(Static):
    class Keyed(Message):
        """A level (None: "don't know") typed for the next participant: the screen commits it, then
        shows the round again; if it cannot, it calls `not_saved`."""

        def __init__(self, panel: VotePanel, question_id: str, participant: Participant, level: int | None) -> None:
            super().__init__()
            self.panel = panel
            self.question_id = question_id
            self.participant = participant
            self.level = level

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.round: VoteRound | None = None
        self.participants: tuple[Participant, ...] = ()
        self.keyed = False  # the facilitator is typing each participant's level
        self.skipped: set[int] = set()
        # Typed, not committed yet: the next key already goes to the participant after them.
        self.pending: set[int] = set()

    # --- keyed entry ---------------------------------------------------------------------

    def start_keyed(self) -> None:
        self.keyed = True
        self.skipped = set()

    def stop_keyed(self) -> None:
        self.keyed = False

    def next_voter(self) -> Participant | None:
        """The first participant who has not voted, been skipped or just had a level typed."""
        voted = self.round.voters if self.round is not None else frozenset()
        return next((p for p in self.participants
                     if p.id not in voted and p.id not in self.skipped and p.id not in self.pending), None)

    def key_level(self, level: int | None) -> None:
        """The facilitator typed the next participant's level."""
        voter = self.next_voter()
        if self.round is None or voter is None or voter.id is None:
            self.notify("Everyone has voted or been skipped: press r to reveal.", timeout=3)
            return
        self.pending.add(voter.id)
        self.post_message(self.Keyed(self, self.round.question_id, voter, level))

    def not_saved(self, participant: Participant) -> None:
        """The level typed for `participant` was not committed: they are next again."""
        self.pending.discard(participant.id)

    def skip(self) -> None:
        voter = self.next_voter()
        if voter is not None and voter.id is not None:
            self.skipped.add(voter.id)

    # --- drawing ---------------------------------------------------------------------------

    def show_round(self, round_: VoteRound | None, participants: tuple[Participant, ...], *,
                   show_names: bool = False) -> None:
        if round_ is None or self.round is None or round_.id != self.round.id:
            self.skipped, self.pending = set(), set()
            self.keyed = self.keyed and round_ is not None and round_.is_open
        else:
            self.pending -= round_.voters  # committed: now counted among those who voted
        self.round, self.participants = round_, participants
        self.display = round_ is not None
        if round_ is None:
            return
        if round_.state is RoundState.OPEN:
            show(self, self._collecting(round_))
        else:
            show(self, self._revealed(round_, show_names))

    def _collecting(self, round_: VoteRound) -> Text:
        voted = round_.voters
        text = Text.assemble(("Blind vote", "bold"), f"  {len(voted)} of {len(self.participants)} have voted")
        text.append("  (levels stay hidden until the reveal)\n", "dim")
        following = self.next_voter() if self.keyed else None
        for participant in self.participants:
            if participant.id in voted:
                mark, style = "●", "green"
            elif participant.id in self.skipped:
                mark, style = "–", "dim"
            elif following is not None and participant.id == following.id:
                mark, style = "▶", "bold"
            else:
                mark, style = "○", "dim"
            text.append(f" {mark} ", style)
            text.append_text(line(participant.name, 30, style=style))
        text.append("\n")
        if self.keyed and following is not None:
            text.append_text(line(following.name + (f" ({following.role})" if following.role else ""), 60))
            text.append(": press 0-4, u for don't know, s to skip, r to reveal")
        elif len(voted) == len(self.participants) and self.participants:
            text.append("Everyone has voted: press r to reveal the spread to the room", "bold")
        else:
            missing = len(self.participants) - len(voted)
            text.append(f"Waiting for {missing}: v keys in votes, r reveals now, escape leaves it open")
        return text

    def _revealed(self, round_: VoteRound, show_names: bool) -> Text:
        names = {p.id: p.name for p in self.participants if p.id is not None} if show_names else None
        title = "Votes revealed" if round_.state is RoundState.REVEALED else "Vote settled"
        text = Text.assemble((title, "bold"), f"  {spread_text(round_.votes)}\n")
        text.append_text(histogram(round_, names))
        spread = spread_of(round_.levels())
        if round_.votes:
            if spread >= MISALIGNED_SPREAD:
                text.append(f"Spread of {spread} levels: misaligned. Settle it before moving on.\n", "bold red")
            else:
                text.append(f"Spread of {spread} level{'s' if spread != 1 else ''}.\n", "green")
        if round_.state is RoundState.REVEALED:
            agreed = unanimous_level(round_)
            if agreed is not None:
                text.append(f"Unanimous: enter settles at level {agreed}; ", "bold")
                text.append("or press 0-4 for another level.")
            else:
                text.append("Press 0-4 for the level the room agrees on (then say why).")
        else:
            text.append("v starts a new vote (this one stays in the history).", "dim")
        return text
