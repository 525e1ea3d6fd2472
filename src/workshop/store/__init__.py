"""The local SQLite store (sqlite-utils). Knows nothing of the UI."""

from workshop.store.connection import StoreError
from workshop.store.repository import Draft, NoDatabase, NotFound, NotOpen, Store, VotedBefore

__all__ = ["Draft", "NoDatabase", "NotFound", "NotOpen", "Store", "StoreError", "VotedBefore"]
