"""Text typed by people, made safe to show anywhere: no control or invisible characters.

Standard library only, so the command line can use it without importing the exports.
"""

from __future__ import annotations

import re

# C0/C1 controls other than the line breaks handled below, zero-width and bidi controls, BOM.
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_BREAKS = re.compile(r"\r\n|[\r\n\t\x0b\x0c\x85\u2028\u2029]")
_SPACES = re.compile(r"[ \u00a0]{2,}")


def clean(text: str) -> str:
    """Drop control and invisible characters; keep line breaks as '\\n'."""
    return _BREAKS.sub(lambda m: " " if m.group() == "\t" else "\n", _INVISIBLE.sub("", str(text)))


def collapse_spaces(text: str) -> str:
    """Runs of spaces (and no-break spaces) as one space."""
    return _SPACES.sub(" ", text)


def one_line(text: str) -> str:
    """The text on one line with runs of spaces collapsed: for names, titles and file names."""
    return collapse_spaces(clean(text).replace("\n", " ")).strip()
