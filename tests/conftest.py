"""Shared fixtures. Tests never touch the user's real data or config folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from workshop.questionnaire import QuestionBank, load_paths
from workshop.session import NewSession, Participant
from workshop.store import Store

from helpers import FIXTURE_SETS


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("WORKSHOP_DB", str(home / "workshop.db"))
    monkeypatch.setenv("WORKSHOP_QUESTIONNAIRES", str(home / "no-user-sets"))
    return home


@pytest.fixture
def bank() -> QuestionBank:
    result = load_paths([FIXTURE_SETS])
    assert not result.problems
    return result.bank


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "workshop.db"


@pytest.fixture
def store(db_path):
    with Store.open(db_path) as opened:
        yield opened


@pytest.fixture
def session_id(store, bank) -> int:
    return store.create_session(
        NewSession(
            organisation="Acme Insurance",
            initiative="Claims triage",
            facilitator="Ann Facilitator",
            participants=(Participant.parse("Bo:IT"), Participant.parse("Cy:Business")),
            sets=("pilot", "ops"),
        ),
        bank,
    )


@pytest.fixture(autouse=True, scope="session")
def _quick_pilot():
    """Pilot waits after every key until the app has been idle for a whole 1/50 s slice (twice per
    key): most of a TUI test's time is that sleep. A shorter slice checks the same idleness, more
    often. Each key still waits for every message it caused to be handled (Pilot's own guarantee)."""
    import textual._wait as wait

    saved = wait.SLEEP_GRANULARITY, wait.SLEEP_IDLE
    wait.SLEEP_GRANULARITY = 1 / 250
    wait.SLEEP_IDLE = wait.SLEEP_GRANULARITY / 20
    yield
    wait.SLEEP_GRANULARITY, wait.SLEEP_IDLE = saved
