"""What people type, read one way everywhere: the command line, the forms and the action plan.

Standard library only. Each parser returns a value or raises `ValueError` with a message fit to show
as it is (one line, the offending text cleaned and cut short). Digits are ASCII digits only: a
full-width "３" or an Arabic-Indic "٣" is not a level, an id or a date.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

from workshop.text import terminal

MAX_LEVEL = 4
# Workshops and due dates fall in a plausible range: a typo like 0226 or 20261 is caught.
FIRST_DATE = dt.date(1990, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
MAX_SESSION_ID = 2**63 - 1  # SQLite's largest integer key
MAX_MINUTES = 600

_DIGITS = re.compile(r"[0-9]+")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
UNKNOWN_WORDS = frozenset({"u", "unknown", "?"})
NA_WORDS = frozenset({"na", "n/a", "x"})


def shown(text: str, limit: int = 40) -> str:
    """User text quoted inside an error message: one clean line, cut short."""
    return terminal(text, limit)


def ascii_int(text: str) -> int | None:
    """The number written in ASCII digits, or None."""
    text = text.strip()
    return int(text) if _DIGITS.fullmatch(text) else None


def parse_date(text: str) -> dt.date:
    """A date written YYYY-MM-DD, between FIRST_DATE and LAST_DATE."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"'{shown(text)}' is not a date: write it as YYYY-MM-DD")
    try:
        value = dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(f"'{shown(text)}' is not a day of the calendar") from None
    return check_date(value)


def check_date(value: dt.date) -> dt.date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"{value.isoformat()} is out of range ({FIRST_DATE.year}-{LAST_DATE.year})")
    return value


def parse_optional_date(text: str) -> dt.date | None:
    """An empty field clears the date; anything else must be a date."""
    return parse_date(text) if text.strip() else None


def parse_level(text: str) -> tuple[str, int | None]:
    """'0'-'4', 'unknown' (u, ?) or 'na' (n/a, x) -> ('level', n) / ('unknown', None) / ('na', None)."""
    value = text.strip().lower()
    if value in UNKNOWN_WORDS:
        return "unknown", None
    if value in NA_WORDS:
        return "na", None
    level = ascii_int(value)
    if level is not None and level <= MAX_LEVEL:
        return "level", level
    raise ValueError(f"level must be 0-4, 'unknown' or 'na', not '{shown(text)}'")


def parse_vote(text: str) -> int | None:
    """A participant's vote: '0'-'4', or 'unknown' (don't know) -> None."""
    status, level = parse_level(text)
    if status == "na":
        raise ValueError("a vote is 0-4 or 'unknown' (don't know), not 'na'")
    return level


def parse_target(text: str) -> int | None:
    """A workshop's target for a question: '1'-'4', or 'default' (or empty) for the set's own -> None."""
    value = text.strip().lower()
    if value in {"", "default"}:
        return None
    target = ascii_int(value)
    if target is None or not 1 <= target <= MAX_LEVEL:
        raise ValueError(f"a target is 1-4 or 'default', not '{shown(text)}'")
    return target


def parse_session_id(text: str) -> int:
    value = ascii_int(text)
    if value is None or not 1 <= value <= MAX_SESSION_ID:
        raise ValueError(f"a workshop id is a whole number from 1 (see 'workshop list'), not '{shown(text)}'")
    return value


Since = int | Literal["auto", "none"]


def parse_since(text: str) -> Since:
    """Which earlier workshop an export compares with: an id, 'none', or 'auto' (the latest earlier one)."""
    value = text.strip().lower()
    if value in ("auto", "none"):
        return value  # type: ignore[return-value]
    try:
        return parse_session_id(value)
    except ValueError:
        raise ValueError(f"--since takes a workshop id, 'auto' or 'none', not '{shown(text)}'") from None


def parse_sets(text: str) -> tuple[str, ...]:
    """'business,technical' -> ('business', 'technical'); each set once."""
    sets = tuple(part.strip() for part in text.split(",") if part.strip())
    if not sets:
        raise ValueError("name at least one question set")
    for set_id in sets:
        if sets.count(set_id) > 1:
            raise ValueError(f"question set '{shown(set_id)}' is listed twice")
    return sets


def parse_time_box(text: str) -> tuple[str, int]:
    """'business=40' -> ('business', 40)."""
    set_id, _, minutes_text = text.partition("=")
    minutes = ascii_int(minutes_text)
    if not set_id.strip() or minutes is None:
        raise ValueError(f"a time box is SET=MINUTES, e.g. business=40, not '{shown(text)}'")
    if not 1 <= minutes <= MAX_MINUTES:
        raise ValueError(f"a time box is 1-{MAX_MINUTES} minutes, not {minutes}")
    return set_id.strip(), minutes


def parse_path(text: str) -> Path:
    """A file or folder name as typed; '~' is the home folder. No operating system takes a NUL in one."""
    if "\x00" in text:
        raise ValueError(f"'{shown(text)}' is not a path (it holds a NUL character)")
    if not text.strip():
        raise ValueError("the path is empty")
    return Path(text).expanduser()


def parse_participant(spec: str) -> tuple[str, str]:
    """'Name: role' (the role is optional) -> (name, role)."""
    name, _, role = spec.partition(":")
    return name.strip(), role.strip()
