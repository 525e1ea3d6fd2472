"""Reading small text files that a user points at (question sets, settings) without surprises.

A FIFO would block for ever and a device or a link to /dev/zero would read until memory runs out:
they are refused before they are opened. Standard library only.
"""

from __future__ import annotations

import stat
from pathlib import Path

MAX_FILE_BYTES = 2_000_000  # the built-in question sets are about 30 kB each


def read_small_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """A regular file's text, at most `limit` bytes, UTF-8 with or without a BOM.

    Raises FileNotFoundError, IsADirectoryError, another OSError, or ValueError with a plain reason.
    """
    st = path.stat()  # follows links: a link to /dev/zero is a device
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(path)
    if not stat.S_ISREG(st.st_mode):
        raise ValueError("not a regular file")
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit // 1_000_000} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
