"""The vote panel on its own: it owns the keyed entry (who is next, who was skipped, whose level is
on its way to the store) and posts each typed level for its screen to commit."""

from __future__ import annotations

import datetime as dt

from textual.app import App, ComposeResult

from workshop.session import Participant, RoundState, Vote, VoteRound
from workshop.tui.widgets.vote_panel import VotePanel

from tui_harness import plain

ROOM = (Participant(id=1, name="Priya"), Participant(id=2, name="Tom"), Participant(id=3, name="Lena"))
OPENED = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def round_with(*votes: tuple[int, int | None]) -> VoteRound:
    return VoteRound(id=7, question_id="q.one", state=RoundState.OPEN, opened_at=OPENED,
                     votes=tuple(Vote(question_id="q.one", participant_id=p, level=level, round_id=7)
                                 for p, level in votes))


class Host(App[None]):
    """A screen that only collects what the panel posts (it commits nothing)."""

    def __init__(self) -> None:
        super().__init__()
        self.keyed: list[tuple[str, str, int | None]] = []

    def compose(self) -> ComposeResult:
        yield VotePanel(id="votes")

    def on_vote_panel_keyed(self, event: VotePanel.Keyed) -> None:
        self.keyed.append((event.question_id, event.participant.name, event.level))


async def test_levels_typed_faster_than_they_are_committed_go_to_the_next_participants():
    app = Host()
    async with app.run_test() as pilot:
        panel = app.query_one(VotePanel)
        panel.show_round(round_with(), ROOM)
        panel.start_keyed()
        panel.key_level(2)
        panel.key_level(None)  # before the first is committed: already Tom's
        await pilot.pause()
        assert app.keyed == [("q.one", "Priya", 2), ("q.one", "Tom", None)]

        panel.not_saved(ROOM[1])  # Tom's did not reach the store: he is next again
        panel.show_round(round_with((1, 2)), ROOM)  # Priya's did
        assert panel.next_voter() == ROOM[1]
        assert "1 of 3 have voted" in plain(panel) and "Tom: press 0-4" in plain(panel)
        assert "2" not in plain(panel).split("\n", 1)[1]  # nobody's level before the reveal

        panel.skip()
        panel.key_level(4)
        panel.key_level(1)  # nobody left: said, and nothing posted
        await pilot.pause()
        assert app.keyed[-1] == ("q.one", "Lena", 4) and len(app.keyed) == 3
        assert any("Everyone has voted or been skipped" in n.message for n in app._notifications)


async def test_a_new_round_forgets_who_was_skipped_and_what_was_on_its_way():
    app = Host()
    async with app.run_test():
        panel = app.query_one(VotePanel)
        panel.show_round(round_with(), ROOM)
        panel.start_keyed()
        panel.skip()
        panel.key_level(3)
        assert panel.next_voter() == ROOM[2]
        panel.show_round(round_with().model_copy(update={"id": 8}), ROOM)  # another window opened a new one
        assert panel.next_voter() == ROOM[0]
