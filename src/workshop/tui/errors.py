"""Errors worded for the screen."""

from __future__ import annotations


def first_line(error: BaseException | None) -> str:
    """An error as one line for the screen: its message's first line, or its type."""
    if error is None:
        return ""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
