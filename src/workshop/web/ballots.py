"""What a phone may see and do, read from and written to the store; who has voted, for the facilitator.

This is the only door between the phones and the workshop's data. A phone sees the participants'
names, the question under vote with its five descriptors, its own vote and, after the reveal, the
spread as counts per level. Nothing else is ever read here: no notes, private notes, evidence,
answers, other questions or anyone else's vote.

Writes go through the Store's own methods (`claim_participant`, `release_participant`,
`record_vote`), called by the server's writer thread inside `Store.batch()`: writes that arrive
together share one BEGIN IMMEDIATE commit, and no phone is answered before it returned. Reads too
are the Store's (`participants`, `claims`, `current_round`): no SQL here. No web library is imported.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from workshop.questionnaire import MAX_LEVEL
from workshop.session import RoundState
from workshop.store import NotOpen, Store

LEVELS = tuple(range(MAX_LEVEL + 1))


class BallotError(Exception):
    """A request a phone may not make; the message is shown on the phone as it is."""


class NotSeated(BallotError):
    """The phone holds no participant's name, or votes as someone it does not hold."""


class NameTaken(BallotError):
    """Another phone holds that name."""


class AlreadySeated(BallotError):
    """The phone already votes under another name."""


class UnknownParticipant(BallotError):
    """The workshop has no such participant."""


class RoundClosed(BallotError):
    """The round the phone voted in is no longer open."""


class Stage(StrEnum):
    JOIN = "join"  # pick your name
    BALLOT = "ballot"  # a round is open: vote
    REVEALED = "revealed"  # the last round was revealed: the spread, without names
    WAITING = "waiting"  # between rounds


@dataclass(frozen=True)
class Seat:
    id: int
    name: str
    taken: bool  # held by another phone
    mine: bool  # held by this phone


@dataclass(frozen=True)
class Spread:
    counts: tuple[int, ...]  # votes per level, 0 to 4
    dont_know: int

    @property
    def total(self) -> int:
        return sum(self.counts) + self.dont_know


@dataclass(frozen=True)
class PhoneView:
    stage: Stage
    seats: tuple[Seat, ...]
    me: Seat | None = None
    round_id: int | None = None
    prompt: str = ""
    levels: tuple[str, ...] = ()  # the question's five descriptors
    voted: bool = False  # this phone's vote in the open round is committed
    my_level: int | None = None  # its level (None with voted: "don't know")
    spread: Spread | None = None

    @property
    def key(self) -> str:
        """Changes exactly when the page a phone shows would change: live pages poll it."""
        seats = ",".join(f"{s.id}{'t' if s.taken else ''}{'m' if s.mine else ''}" for s in self.seats)
        spread = self.spread and (self.spread.counts, self.spread.dont_know)
        text = f"{self.stage}|{seats}|{self.round_id}|{self.voted}|{self.my_level}|{spread}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def phone_view(store: Store, session_id: int, device: str | None) -> PhoneView:
    """Everything the phone with this device id may see now."""
    claims = store.claims(session_id)
    seats = tuple(
        Seat(id=p.id, name=p.name, taken=p.id in claims and claims[p.id] != device,
             mine=device is not None and claims.get(p.id) == device)
        for p in store.participants(session_id)
        if p.id is not None
    )
    me = next((s for s in seats if s.mine), None)
    if me is None:
        return PhoneView(stage=Stage.JOIN, seats=seats)
    shown = store.current_round(session_id) or store.current_round(session_id, open_only=False)
    if shown is None or shown.state is RoundState.SETTLED:
        return PhoneView(stage=Stage.WAITING, seats=seats, me=me)
    question = store.bank(session_id).question(shown.question_id)
    if question is None:  # a round on a question the snapshot does not hold: nothing to show
        return PhoneView(stage=Stage.WAITING, seats=seats, me=me)
    levels = shown.levels()
    common = dict(seats=seats, me=me, round_id=shown.id, prompt=question.prompt, levels=tuple(question.levels),
                  voted=me.id in levels, my_level=levels.get(me.id))
    if shown.is_open:
        return PhoneView(stage=Stage.BALLOT, **common)
    votes = list(levels.values())
    spread = Spread(tuple(votes.count(level) for level in LEVELS), votes.count(None))
    return PhoneView(stage=Stage.REVEALED, spread=spread, **common)


def claim(store: Store, session_id: int, device: str, participant_id: int) -> Seat:
    """Bind a name to this phone. A phone votes under one name; a name stays with its first phone."""
    names = {p.id: p.name for p in store.participants(session_id)}
    if participant_id not in names:
        raise UnknownParticipant("That name is not on this workshop's list.")
    claims = store.claims(session_id)
    held = [pid for pid, holder in claims.items() if holder == device]
    if held and held != [participant_id]:
        raise AlreadySeated(f"This phone already votes as {names[held[0]]}. Tap 'Not you?' first.")
    if not store.claim_participant(session_id, participant_id, device):
        raise NameTaken(f"{names[participant_id]} is taken on another phone. Ask the facilitator to release it.")
    return Seat(id=participant_id, name=names[participant_id], taken=False, mine=True)


def leave(store: Store, session_id: int, device: str) -> None:
    """Give back the name this phone holds (a wrong tap on the join page)."""
    for pid, holder in store.claims(session_id).items():
        if holder == device:
            store.release_participant(session_id, pid)


def cast(store: Store, session_id: int, device: str, participant_id: int, round_id: int, level: int | None) -> None:
    """Record this phone's vote in the round it was shown; committed when this returns.

    `participant_id` is the name the page was drawn for: it must be the one this phone holds.
    """
    if level is not None and level not in LEVELS:
        raise ValueError(f"a vote is a level from 0 to {MAX_LEVEL} or don't know, not {level}")
    if store.claims(session_id).get(participant_id) != device:
        raise NotSeated("This phone does not vote under that name. Pick your name again.")
    voting = store.current_round(session_id)
    if voting is None or voting.id != round_id:
        raise RoundClosed("This vote has closed. Here is where the room is now.")
    try:
        store.record_vote(session_id, voting.question_id, participant_id, level)
    except NotOpen:
        raise RoundClosed("This vote has closed. Here is where the room is now.") from None
