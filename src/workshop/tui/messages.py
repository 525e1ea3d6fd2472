"""Messages the app sends to its screens."""

from __future__ import annotations

from textual.message import Message


class StoreChanged(Message):
    """Another window, process or command committed to the database: reload what is shown."""
