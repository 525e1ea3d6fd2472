"""Render an export and write it atomically: a temporary file in the target folder, then os.replace.

Safety:
- an export never lands on the workshop database, its `-wal`, `-shm` or `-journal` file or one of
  its backups (`<db name>.bak-*`): the resolved file is compared, not the spelling, so a relative
  path, a symbolic link or a hard link to the database is refused too;
- files are created respecting the umask, except the facilitator's (private notes), which is
  always owner-only (0600).
"""

from __future__ import annotations

import contextlib
import os
import secrets
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


DATABASE_COMPANIONS = ("", "-wal", "-shm", "-journal")
PRIVATE_MODE = 0o600  # the facilitator's export holds private notes
SHARED_MODE = 0o666  # less the umask, like any file the user creates


def database_file(target: Path, database: Path) -> bool:
    """Whether writing `target` would overwrite the database, a file SQLite keeps beside it, or a backup."""
    try:
        resolved, db = target.resolve(), database.resolve()
    except OSError:
        return False
    if resolved.parent == db.parent:
        # Casefolded: on a case-insensitive file system 'Workshop.DB' is the database.
        name, db_name = resolved.name.casefold(), db.name.casefold()
        if name in {db_name + suffix for suffix in DATABASE_COMPANIONS} or name.startswith(db_name + ".bak-"):
            return True
    if target.exists():
        companions = [db.with_name(db.name + suffix) for suffix in DATABASE_COMPANIONS]
        companions += sorted(db.parent.glob(f"{db.name}.bak-*"))
        for other in companions:
            with contextlib.suppress(OSError):
                if os.path.samefile(target, other):  # a hard link, or another spelling of the same file
                    return True
    return False


def _create_temporary(folder: Path, name: str, mode: int) -> tuple[int, Path]:
    """A new, empty file beside the target, created with `mode` less the umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    while True:
        path = folder / f".{name[:100]}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(path, flags, mode), path
        except FileExistsError:
            continue


def write_export(
    session: Session,
    analysis: Analysis,
    audience: Audience | str,
    fmt: Format | str,
    out: Path | None,
    default_dir: Path,
    history: Sequence[HistoryEntry] = (),
    comparison: Comparison | None = None,
    database: Path | None = None,
) -> Path:
    """Write the export and return its path.

    `out` None: the default file name inside `default_dir` (created if missing). `out` an existing
    folder: the default file name inside it. Otherwise `out` is the file path, and its folder must
    exist. `database`: the open database file, which (with its companions and backups) is never
    overwritten. Raises ExportError, with a one-line message, when the path is refused or the folder
    is missing or unwritable.
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
    if database is not None and database_file(target, database):
        raise ExportError(f"refusing to write over the workshop database or its backups: {target}")
    if target.is_dir():
        raise ExportError(f"output path is a folder: {target}")

    data = render(session, analysis, audience, fmt, history, comparison).encode(ENCODINGS.get(fmt, "utf-8"))
    mode = PRIVATE_MODE if audience is Audience.FACILITATOR else SHARED_MODE
    tmp_name = None
    try:
        fd, tmp_name = _create_temporary(folder, target.name, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {_reason(exc)}") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    return target
