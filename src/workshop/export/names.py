"""Safe file names for exports: `2026-11-22-acme-claims-triage-w12-participants.md`.

Built from ASCII letters, digits and single hyphens only, so no path separator, `..`, control
character, leading dot or reserved character can survive; each part and the whole name are capped.
The workshop's id (`w12`) makes the name unique per workshop: two workshops whose organisation and
initiative slug alike ('a/b' + 'X' and 'A B' + 'x' on one date) never overwrite each other's export.
"""

from __future__ import annotations

import re
import unicodedata

from workshop.session import Session

PART_LIMIT = 36  # date, two parts, the id and the audience always fit in NAME_LIMIT
NAME_LIMIT = 120
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_EXTENSION = re.compile(r"^[a-z0-9]{1,8}$")
# Names Windows refuses whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def slug(text: str, limit: int = PART_LIMIT) -> str:
    """Lowercase ASCII words joined by hyphens: 'Acme GmbH / Zürich' -> 'acme-gmbh-zurich'."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    words = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-")


def safe_filename(stem: str, extension: str) -> str:
    """A file name made of `stem` (slugged, capped) and `extension` (letters and digits only)."""
    ext = extension.lower().lstrip(".")
    if not _EXTENSION.match(ext):
        raise ValueError(f"not a file extension: {extension!r}")
    base = slug(stem, NAME_LIMIT - len(ext) - 1) or "export"
    if base in _RESERVED:
        base += "-export"
    return f"{base}.{ext}"


def default_filename(session: Session, audience: str, extension: str) -> str:
    """`<date>-<organisation>-<initiative>-w<id>-<audience>.<ext>`, each part made safe and capped."""
    parts = [
        session.date.isoformat(),
        slug(session.organisation),
        slug(session.initiative),
        f"w{int(session.id)}",
        slug(str(audience), 20),
    ]
    return safe_filename("-".join(p for p in parts if p), extension)
