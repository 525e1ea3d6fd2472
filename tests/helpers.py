"""Helpers shared by the tests (imported as `helpers`; pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FIXTURE_SETS = Path(__file__).parent / "fixtures" / "sets"


def run_cli(*args: str, db: Path | None = None, env: dict | None = None, timeout: float = 60, cwd: Path | None = None):
    """Run `python -m workshop ARGS` as a user would, returning the CompletedProcess."""
    full_env = dict(os.environ)
    if db is not None:
        full_env["WORKSHOP_DB"] = str(db)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "workshop", *args],
        capture_output=True, text=True, env=full_env, timeout=timeout, cwd=cwd,
    )
