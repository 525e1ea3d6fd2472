"""Question set files: where they are, and the bank checked from them, cached by their content.

Loading the question sets means parsing every TOML file and checking every question and action
(each id unique across the files, every dependency known, no cycle): about 30 ms for the built-in
sets, seconds for a bank of thousands of questions. While no file has changed, a command or the
app reads the bank checked last time instead.

The key is a hash of this version of workshop and of every file's bytes, in order: editing,
adding, removing or reordering a set, or upgrading workshop, gives a new key, so a cached bank is
never one the files no longer describe. Only a bank without problems is cached, so a broken set is
reported every time. A cache that cannot be written or read is skipped: the files are loaded.

Standard library only: the app checks for a cached bank before it imports pydantic.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from workshop import __version__
from workshop.files import read_small_text
from workshop.paths import cache_dir

CACHE_FORMAT = 1  # bump when what is cached changes shape
KEEP = 8  # cached banks kept: one per combination of sets recently in play


def builtin_dir() -> Path:
    """The built-in sets: shipped in the wheel, or at the repo root in a checkout."""
    packaged = Path(__file__).parent / "questionnaires"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "questionnaires"


def toml_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to the `*.toml` files inside them, sorted; keep files as given."""
    found: list[Path] = []
    for path in paths:
        try:
            found.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
        except OSError:
            found.append(path)  # a folder that cannot be listed: reading it reports why
    return found


def bank_key(files: Sequence[Path]) -> str | None:
    """The cache key of the bank these files make, or None when one of them cannot be read."""
    digest = hashlib.sha256(f"workshop {__version__} question bank {CACHE_FORMAT}\n".encode())
    for path in files:
        try:
            text = read_small_text(path)
        except (OSError, ValueError):
            return None  # the loader reports why
        digest.update(f"{len(text)}\n".encode())  # the length first: no two file lists hash alike
        digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _entry(key: str) -> Path:
    return cache_dir() / "banks" / f"{key}.json"


def is_cached(key: str | None) -> bool:
    return key is not None and _entry(key).is_file()


def read_cached(key: str | None) -> str | None:
    """The bank cached under `key`, as JSON text, or None."""
    if key is None:
        return None
    try:
        text = read_small_text(_entry(key), limit=200_000_000)
    except (OSError, ValueError):
        return None
    with contextlib.suppress(OSError):
        os.utime(_entry(key))  # recently used: pruned last
    return text


def write_cached(key: str, text: str) -> None:
    """Keep the bank's JSON under `key` (written whole or not at all); keep the KEEP most recent."""
    folder = _entry(key).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, _entry(key))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink()
    except OSError:
        pass  # a cache is an optimisation: a read-only or full disk only makes loading slower
