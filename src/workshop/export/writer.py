"""Render an export and write it atomically: a temporary file in the target folder, then os.replace."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from workshop.analysis import Analysis, Comparison
from workshop.export.csv_export import render_csv
from workshop.export.html import render_html
from workshop.export.json_export import render_json
from workshop.export.markdown import render_markdown
from workshop.export.names import default_filename
from workshop.export.options import Audience, ExportError, Format
from workshop.session import HistoryEntry, Session

Renderer = Callable[[Session, Analysis, Audience, Sequence[HistoryEntry], Comparison | None], str]

RENDERERS: dict[Format, Renderer] = {
    Format.MD: render_markdown,
    Format.HTML: render_html,
    Format.JSON: render_json,
    Format.CSV: render_csv,
}

# A byte-order mark lets spreadsheet programs recognise UTF-8 CSV files.
ENCODINGS: dict[Format, str] = {Format.CSV: "utf-8-sig"}


def render(
    session: Session,
    analysis: Analysis,
    audience: Audience | str = Audience.PARTICIPANTS,
    fmt: Format | str = Format.MD,
    history: Sequence[HistoryEntry] = (),
    comparison: Comparison | None = None,
) -> str:
    """The export as text, without writing anything."""
    return RENDERERS[Format(fmt)](session, analysis, Audience(audience), tuple(history), comparison)


def _reason(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


def resolve_out(text: str, default_dir: Path) -> Path | None:
    """What a typed output path means for `write_export`: None for the default folder, else the path.

    A path ending with a separator names a folder, which must exist (otherwise `write_export`
    would take it for a file name).
    """
    text = text.strip()
    if not text:
        return None
    path = Path(text).expanduser().absolute()  # shown back to the user: say exactly where
    if path == default_dir.expanduser().absolute():
        return None  # the default folder is created on first use
    if text.endswith(("/", os.sep)) and not path.is_dir():
        raise ExportError(f"output folder does not exist: {path}")
    return path


def write_export(
    session: Session,
    analysis: Analysis,
    audience: Audience | str,
    fmt: Format | str,
    out: Path | None,
    default_dir: Path,
    history: Sequence[HistoryEntry] = (),
    comparison: Comparison | None = None,
) -> Path:
    """Write the export and return its path.

    `out` None: the default file name inside `default_dir` (created if missing). `out` an existing
    folder: the default file name inside it. Otherwise `out` is the file path, and its folder must
    exist. Raises ExportError, with a one-line message, when the folder is missing or unwritable.
    """
    audience, fmt = Audience(audience), Format(fmt)
    name = default_filename(session, audience.value, fmt.value)
    if out is None:
        try:
            default_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"cannot create the export folder {default_dir}: {_reason(exc)}") from None
        target = default_dir / name
    elif out.is_dir():
        target = out / name
    else:
        target = out
    folder = target.parent
    if not folder.exists():
        raise ExportError(f"output folder does not exist: {folder}")
    if not folder.is_dir():
        raise ExportError(f"output folder is not a folder: {folder}")

    data = render(session, analysis, audience, fmt, history, comparison).encode(ENCODINGS.get(fmt, "utf-8"))
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {_reason(exc)}") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    return target
