"""Text typed by people or read from files, made safe to show anywhere, and names made comparable.

Standard library only, so the command line can use it without importing the exports.

- `clean` drops control, invisible and bidirectional-override characters (a terminal must never
  receive an escape sequence, a bell or a right-to-left override from a note), keeping line breaks.
- `one_line` also folds line breaks and runs of spaces: for names, titles, table cells, errors.
- `normalise_name` is what a name is stored as: NFKC (so a full-width "Ｂｏ" is "Bo") and one line.
- `skeleton` is what two names are compared by: case, accents and look-alike letters from other
  scripts folded, so "Bo", "BO" and "Bо" (with a Cyrillic о) are the same person.
"""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls other than the line breaks handled below; zero-width, joiner and bidi controls;
# soft hyphen, invisible fillers, variation selectors, tag characters and the BOM.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U000e0000-\U000e007f\ud800-\udfff]"
)
_BREAKS = re.compile(r"\r\n|[\r\n\t\x0b\x0c\x85\u2028\u2029]")
_SPACES = re.compile(r"[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]{2,}")
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")

# Letters from Cyrillic and Greek that look like Latin ones, folded for comparing names (a
# compact subset of Unicode's confusables: the ones a keyboard or a paste can produce).
_LOOKALIKES = str.maketrans(dict(zip(
    "аеорсухіјѕԁԛԝһӏвмнктпьѵ" "αβεικνορτυχγω",
    "aeopcyxijsdqwhlbmhktnbv" "abeikvoptuxyw",
    strict=True,
)))


def clean(text: str) -> str:
    """Drop control and invisible characters; keep line breaks as '\\n'."""
    return _BREAKS.sub(lambda m: " " if m.group() == "\t" else "\n", _INVISIBLE.sub("", str(text)))


def collapse_spaces(text: str) -> str:
    """Runs of spaces (and no-break or other wide spaces) as one space."""
    return _SPACES.sub(" ", text)


def one_line(text: str) -> str:
    """The text on one line with runs of spaces collapsed: for names, titles and file names."""
    return collapse_spaces(clean(text).replace("\n", " ")).strip()


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, ending with '…' when cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


def terminal(value: object, limit: int | None = None) -> str:
    """Any value as one safe line for the terminal (errors, tables), cut at `limit` characters."""
    text = one_line("" if value is None else str(value))
    return text if limit is None else shorten(text, limit)


def normalise_name(text: str) -> str:
    """A name as stored: NFKC-normalised, invisible characters dropped, one line, odd spaces plain."""
    return one_line(_ODD_SPACES.sub(" ", unicodedata.normalize("NFKC", clean(text))))


def skeleton(text: str) -> str:
    """A key under which names that look the same are equal: case, accents and look-alikes folded."""
    folded = unicodedata.normalize("NFKD", normalise_name(text).casefold())
    without_marks = "".join(c for c in folded if not unicodedata.combining(c))
    return without_marks.translate(_LOOKALIKES)


def has_surrogates(text: str) -> bool:
    """True for text decoded from invalid UTF-8 (Python keeps the bad bytes as lone surrogates)."""
    return any("\ud800" <= c <= "\udfff" for c in text)
