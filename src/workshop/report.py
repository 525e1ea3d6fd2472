"""Gather what an export needs from the store, analyse, and write it. Used by the CLI and the app."""

from __future__ import annotations

from pathlib import Path

from workshop.analysis import analyse, compare
from workshop.export import Audience, Format, write_export
from workshop.store import Store


def export_workshop(
    store: Store, session_id: int, audience: Audience | str, fmt: Format | str, out: Path | None, default_dir: Path
) -> Path:
    """Write one workshop's export and return its path; raises ExportError or StoreError in one line.

    The facilitator's export carries the answer history; any export of a re-assessed initiative
    carries what changed since the latest earlier workshop on it.
    """
    session = store.load_session(session_id)
    history = store.history(session_id) if Audience(audience) is Audience.FACILITATOR else []
    earlier = store.earlier_session(session)
    comparison = compare(earlier, session) if earlier is not None else None
    return write_export(session, analyse(session), audience, fmt, out, default_dir, history, comparison)
