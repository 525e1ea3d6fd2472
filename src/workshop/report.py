"""Gather what an export needs from the store, analyse, and write it. Used by the CLI and the app."""

from __future__ import annotations

from pathlib import Path

from workshop.analysis import analyse, compare
from workshop.export import Audience, ExportError, Format, write_export
from workshop.parsing import Since, parse_since
from workshop.session import Session
from workshop.store import Store

__all__ = ["Since", "earlier_workshop", "export_workshop", "parse_since"]


def earlier_workshop(store: Store, session: Session, since: Since = "auto") -> Session | None:
    """The workshop an export compares with: the latest earlier active one on the same organisation and
    initiative ('auto'), none at all ('none'), or the one the user chose by id."""
    if since == "none":
        return None
    if since == "auto":
        return store.earlier_session(session)
    if int(since) == session.id:
        raise ExportError(f"workshop {session.id} cannot be compared with itself: choose another with --since")
    return store.load_session(int(since))


def export_workshop(
    store: Store,
    session_id: int,
    audience: Audience | str,
    fmt: Format | str,
    out: Path | None,
    default_dir: Path,
    since: Since = "auto",
) -> Path:
    """Write one workshop's export and return its path; raises ExportError or StoreError in one line.

    The facilitator's export carries the answer history. An export of a re-assessed initiative carries
    what changed since the workshop `since` names (by default the latest earlier one on it), and says
    which workshop that is. The open database and its backups are never overwritten.
    """
    session = store.load_session(session_id)
    history = store.history(session_id) if Audience(audience) is Audience.FACILITATOR else []
    earlier = earlier_workshop(store, session, since)
    comparison = compare(earlier, session) if earlier is not None else None
    return write_export(
        session, analyse(session), audience, fmt, out, default_dir, history, comparison, database=store.path
    )
