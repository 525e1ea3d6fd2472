"""How numbers read in every export: whole scores, floored percentages, short priorities."""

from __future__ import annotations

from workshop.analysis import percent_floor


def score(value: float | None) -> str:
    """A 0-100 score as a whole number, half rounded up; 'n/a' when nothing applies."""
    return "n/a" if value is None else str(int(value + 0.5))


def percent(fraction: float | None) -> str:
    """A 0-1 fraction as a percentage rounded down, so 79.6% never reads as the 80% threshold."""
    return "n/a" if fraction is None else f"{percent_floor(fraction)}%"


def decimal(value: float, places: int = 2) -> str:
    """12.0 -> '12', 1.3333 -> '1.33'."""
    return f"{value:.{places}f}".rstrip("0").rstrip(".")


def gain(points: float) -> str:
    return f"+{points:.1f} points"
