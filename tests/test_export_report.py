"""report.export_workshop: what the CLI and the app call; which earlier workshop an export compares with."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from workshop.export import ExportError
from workshop.questionnaire import builtin_dir, load_paths
from workshop.report import earlier_workshop, export_workshop, parse_since
from workshop.session import AnswerChange, NewSession, SessionStatus
from workshop.store import Store, StoreError


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "w.db") as opened:
        yield opened


def _workshop(store, date, organisation="Acme", initiative="Claims triage", level="1"):
    bank = load_paths([builtin_dir()]).bank
    sid = store.create_session(
        NewSession(organisation=organisation, initiative=initiative, facilitator="Fay", date=date,
                   sets=("business",)),
        bank,
    )
    store.record_answer(sid, "biz.kpi.agreed", AnswerChange.from_level_text(level))
    return sid


def _reassessment(store, sid, tmp_path, **kwargs):
    path = export_workshop(store, sid, "participants", "json", tmp_path, tmp_path, **kwargs)
    return json.loads(path.read_text(encoding="utf-8"))["reassessment"]


def test_since_chooses_the_workshop_compared_with_or_none(store, tmp_path):
    first = _workshop(store, dt.date(2026, 3, 1))
    second = _workshop(store, dt.date(2026, 6, 1), organisation="ACME", initiative="claims TRIAGE")
    latest = _workshop(store, dt.date(2026, 11, 1), level="3")

    assert _reassessment(store, latest, tmp_path)["before_session"] == second  # auto: the latest earlier one
    assert _reassessment(store, latest, tmp_path, since=first)["before_session"] == first
    assert _reassessment(store, latest, tmp_path, since="none") is None
    store.set_status(second, SessionStatus.ARCHIVED)
    chosen = _reassessment(store, latest, tmp_path)
    assert (chosen["before_session"], chosen["before_date"]) == (first, "2026-03-01")  # archived ones are skipped


def test_since_refuses_the_workshop_itself_and_unknown_ids(store, tmp_path):
    sid = _workshop(store, dt.date(2026, 11, 1))
    with pytest.raises(ExportError, match="cannot be compared with itself"):
        export_workshop(store, sid, "participants", "md", tmp_path, tmp_path, since=sid)
    with pytest.raises(StoreError):
        earlier_workshop(store, store.load_session(sid), 999)
    assert list(tmp_path.glob("*.md")) == []


@pytest.mark.parametrize(("text", "expected"), [("3", 3), ("none", "none"), ("NONE", "none"), ("auto", "auto")])
def test_parse_since(text, expected):
    assert parse_since(text) == expected


@pytest.mark.parametrize("text", ["", "0", "-1", "latest", "1.5", "３", str(2**63)])
def test_parse_since_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_since(text)
