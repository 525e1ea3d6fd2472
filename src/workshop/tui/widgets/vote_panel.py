"""Blind voting: each participant's level recorded hidden, then the spread revealed to the room."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from workshop.analysis import MISALIGNED_SPREAD
from workshop.analysis.divergence import spread_of
from workshop.session import Participant


class VotePanel(Static):
    def show_collecting(self, participants: tuple[Participant, ...], votes: dict[int, int], current: int) -> None:
        text = Text.assemble(("Blind vote", "bold"), "  levels stay hidden until you reveal them\n")
        for index, participant in enumerate(participants):
            if participant.id in votes:
                mark, style = "●", "green"
            elif index == current:
                mark, style = "▶", "bold"
            else:
                mark, style = "○", "dim"
            text.append(f" {mark} {participant.name}", style)
        text.append("\n")
        if current < len(participants):
            who = participants[current]
            role = f" ({who.role})" if who.role else ""
            text.append(f"{who.name}{role}: press 0-4, s to skip, r to reveal now")
        else:
            text.append("Everyone has voted: press r to reveal the spread to the room")
        self.update(text)

    def show_revealed(self, participants: tuple[Participant, ...], votes: dict[int, int]) -> None:
        text = Text.assemble(("Votes", "bold"), "\n")
        for level in range(5):
            names = [p.name for p in participants if votes.get(p.id) == level]
            bar = "█" * (2 * len(names))
            text.append(f" {level} │{bar} {', '.join(names)}\n")
        if votes:
            spread = spread_of(votes)
            if spread >= MISALIGNED_SPREAD:
                text.append(f"Spread of {spread} levels: misaligned. Settle it before moving on.\n", "bold red")
            else:
                text.append(f"Spread of {spread} level{'s' if spread != 1 else ''}.\n", "green")
        text.append("Press 0-4 to set the level the room agrees on, escape to leave it.")
        self.update(text)
