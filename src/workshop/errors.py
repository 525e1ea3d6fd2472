"""Validation errors worded for people: one line, naming the field. One home for the wording.

Takes pydantic's error dicts (`ValidationError.errors()`) without importing pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workshop.text import terminal


class DataProblem(Exception):
    """A problem with the data a person named: a file, an id, a path. Shown as one line (exit status 1)."""


def error_message(err: Mapping[str, Any]) -> str:
    """One error's message, as a person would write it."""
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind == "string_too_short":
        return "required"
    if kind == "string_too_long":
        limit = (err.get("ctx") or {}).get("max_length")
        return f"too long (at most {limit} characters)" if limit else "too long"
    return terminal(str(err.get("msg", "invalid")).removeprefix("Value error, "))


def error_field(err: Mapping[str, Any]) -> str:
    """The dotted path of the field an error is about ('' for the whole model)."""
    return ".".join(str(part) for part in err.get("loc", ()))


def first_error(exc: Exception) -> tuple[str, str]:
    """(field, message) of a validation error's first problem; any other error as ('', its text)."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        found = errors()
        if found:
            return error_field(found[0]), error_message(found[0])
    return "", terminal(str(exc))


def one_line_error(exc: Exception) -> str:
    """'field: message', or the message alone."""
    field, message = first_error(exc)
    return f"{field}: {message}" if field else message
