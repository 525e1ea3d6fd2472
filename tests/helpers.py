"""Helpers shared by the tests (imported as `helpers`; pytest puts tests/ on sys.path)."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


# Root without the two capabilities that let it ignore file permissions: it reads what its owner
# may read (its own private folders too: the suite may run from a clone in a 0700 folder, where
# `nobody` could not even start our interpreter) and writes nothing a mode forbids its owner.
AS_PERMISSION_BOUND_ROOT = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                            "--inh-caps=-dac_override,-dac_read_search"]


@functools.cache
def other_user_prefix() -> list[str]:
    """A command prefix for a user who cannot write our read-only files: root bound by permissions
    when the tests run as root (root otherwise writes anywhere), else nothing (ourselves, after chmod)."""
    if os.geteuid() != 0:
        return []
    probe = subprocess.run([*AS_PERMISSION_BOUND_ROOT, "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("running as root, and root's permission override cannot be dropped here (setpriv)")
    return AS_PERMISSION_BOUND_ROOT


def run_cli_as_reader(*args: str, db: Path, cwd: Path | None = None, timeout: float = 60):
    """`python -m workshop ARGS` as a user for whom `db` and its folder are read-only."""
    env = dict(os.environ, WORKSHOP_DB=str(db), HOME=str(cwd or db.parent),
               WORKSHOP_QUESTIONNAIRES=str(db.parent / "no-user-sets"))
    return subprocess.run(
        [*other_user_prefix(), sys.executable, "-m", "workshop", *args],
        capture_output=True, text=True, env=env, timeout=timeout, cwd=cwd,
    )


def make_read_only(*paths: Path) -> None:
    """Files readable by anyone and writable by nobody else; folders enterable and not writable."""
    for path in paths:
        path.chmod(0o555 if path.is_dir() else 0o444)


@dataclasses.dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run_main(*args: str, db: Path | None = None) -> Ran:
    """`workshop ARGS` in this process (fast): the same `main` the console script calls."""
    from workshop.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.get("WORKSHOP_DB")
    if db is not None:
        os.environ["WORKSHOP_DB"] = str(db)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(list(args))
    finally:
        if db is not None:
            if saved is None:
                os.environ.pop("WORKSHOP_DB", None)
            else:
                os.environ["WORKSHOP_DB"] = saved
    return Ran(status, out.getvalue(), err.getvalue())
