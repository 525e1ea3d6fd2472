"""docs/coverage.md: every seed checkpoint and what in the bank assesses it, kept true of the bank.

A renamed or removed question or action, a row without a status, a gap without its reason or a count that
no longer adds up fails here, so the table cannot quietly rot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from workshop.questionnaire import QuestionBank, builtin_dir, load_paths

COVERAGE = Path(__file__).resolve().parents[1] / "docs" / "coverage.md"
STATUSES = ("covered", "partial", "not covered")
# The audit's item-by-item table (question-bank-coverage.md): primary structures and supplementary lists.
PRIMARY = {"CL": 35, "PB": 25, "FS": 40, "VL": 5, "FM": 5, "FP": 4, "EW": 4, "RC": 4, "KL": 6, "ST": 16,
           "IC": 5, "TI": 6, "CB": 4, "KF": 5, "EX": 22}
SUPPLEMENTARY = {"MM": 19, "FA": 16, "MI": 5, "VQ": 15}

_ROW = re.compile(r"^\| ([A-Z]{2})-(\d{2}) \|")
_COUNT = re.compile(r"^\| ([A-Z]{2}) \|")
_TOTAL = re.compile(r"^\| \| \*\*All (primary|supplementary) ")
# A question or action id anywhere in the text: a set prefix and at least two more dotted parts.
_BANK_ID = re.compile(r"\b(?:biz|tech|org|risk|genai)(?:\.[a-z][a-z0-9_]*){2,}")
_CHECKPOINT = re.compile(r"\b[A-Z]{2}-\d{2}\b")


@dataclass(frozen=True)
class Row:
    id: str
    structure: str
    status: str
    questions: tuple[str, ...]
    actions: tuple[str, ...]
    reason: str


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _ids(cell: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("`") for part in cell.split(",") if part.strip())


def parse_rows(text: str) -> list[Row]:
    rows = []
    for line in text.splitlines():
        match = _ROW.match(line)
        if match:
            cells = _cells(line)
            cells += [""] * (7 - len(cells))
            rows.append(Row(id=cells[0], structure=match.group(1), status=cells[3], questions=_ids(cells[4]),
                            actions=_ids(cells[5]), reason=cells[6]))
    return rows


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%"


def _expected_counts(rows: list[Row], codes) -> list[str]:
    chosen = [r for r in rows if r.structure in codes]
    n = len(chosen)
    c, p, u = (sum(r.status == s for r in chosen) for s in STATUSES)
    return [str(n), str(c), str(p), str(u), _percent(c, n) if n else "-", _percent(c + p, n) if n else "-"]


def problems(text: str, bank: QuestionBank) -> list[str]:
    """Everything in the coverage document that is not true of `bank` or of itself."""
    found: list[str] = []
    questions = {q.id for q in bank.questions()}
    actions = set(bank.actions())
    rows = parse_rows(text)

    seen: set[str] = set()
    for row in rows:
        if row.id in seen:
            found.append(f"{row.id}: listed twice")
        seen.add(row.id)
        if row.status not in STATUSES:
            found.append(f"{row.id}: status {row.status!r} is not one of {', '.join(STATUSES)}")
        if row.status != "covered" and not row.reason:
            found.append(f"{row.id}: {row.status or 'no status'} but no reason given")
        if row.status == "covered" and not row.questions:
            found.append(f"{row.id}: covered, but no question assesses it")
        if row.status != "not covered" and not (row.questions or row.actions):
            found.append(f"{row.id}: {row.status} by nothing")
        found += [f"{row.id}: no question {qid}" for qid in row.questions if qid not in questions]
        found += [f"{row.id}: no action {aid}" for aid in row.actions if aid not in actions]
    for bank_id in sorted(set(_BANK_ID.findall(text))):
        if bank_id not in questions and bank_id not in actions:
            found.append(f"{bank_id}: named in the document, but no such question or action")

    structures = {**PRIMARY, **SUPPLEMENTARY}
    counted: set[str] = set()
    for line in text.split("## Counts", 1)[-1].split("\n## ", 1)[0].splitlines():
        if _COUNT.match(line):
            cells = _cells(line)
            code, kind, shown = cells[0], cells[3], cells[4:10]
            counted.add(code)
            expected_kind = "primary" if code in PRIMARY else "supplementary" if code in SUPPLEMENTARY else "?"
            if kind != expected_kind:
                found.append(f"counts: {code} is {expected_kind}, not {kind}")
            if shown != _expected_counts(rows, {code}):
                found.append(f"counts: {code} shows {shown}, the rows give {_expected_counts(rows, {code})}")
        elif match := _TOTAL.match(line):
            kind = match.group(1)
            shown = [cell.strip("*") for cell in _cells(line)[4:10]]
            expected = _expected_counts(rows, PRIMARY if kind == "primary" else SUPPLEMENTARY)
            if shown != expected:
                found.append(f"counts: all {kind} shows {shown}, the rows give {expected}")
            counted.add(kind)
    for missing in sorted((set(structures) | {"primary", "supplementary"}) - counted):
        found.append(f"counts: no line for {missing}")

    summary = text.split("What remains short of covered", 1)[-1].split("\n## ", 1)[0]
    named = set(_CHECKPOINT.findall(summary))
    short = {row.id for row in rows if row.status != "covered"}
    found += [f"{rid}: short of covered, but missing from the summary of reasons" for rid in sorted(short - named)]
    found += [f"{rid}: in the summary of reasons, but covered" for rid in sorted(named - short)]
    return found


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    result = load_paths([builtin_dir()])
    assert [str(p) for p in result.problems] == []
    return result.bank


@pytest.fixture(scope="module")
def text() -> str:
    return COVERAGE.read_text(encoding="utf-8")


def test_the_coverage_table_is_true_of_the_builtin_bank(text, bank):
    assert problems(text, bank) == []


def test_the_table_lists_every_checkpoint_of_the_audit_once_in_order(text):
    rows = parse_rows(text)
    for code, size in {**PRIMARY, **SUPPLEMENTARY}.items():
        ids = [row.id for row in rows if row.structure == code]
        assert ids == [f"{code}-{n:02d}" for n in range(1, size + 1)], code
    assert sum(PRIMARY.values()) == 186 and sum(SUPPLEMENTARY.values()) == 55
    assert len(rows) == 241


def test_the_gaps_named_in_issue_12_are_each_covered_or_explained(text):
    """Agile delivery, a scaling roadmap, a data-governance body, talent retention, learning rate,
    event-driven integration, improvement within 30 days."""
    rows = {row.id: row for row in parse_rows(text)}
    for rid in ("PB-08", "PB-23", "FS-21", "FS-30", "ST-08", "TI-01", "IC-04"):
        assert rows[rid].status == "covered" or len(rows[rid].reason) > 40, rid
    assert rows["PB-08"].questions == ("org.team.cadence",)
    assert rows["ST-08"].questions == ("biz.value.learning",)


# --- the checker itself fails when the document is wrong --------------------------------------------


def _break(text: str, old: str, new: str, count: int = 1) -> str:
    assert old in text, old
    return text.replace(old, new, count)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("| `org.team.cadence` | `org.team.cadence.set`", "| `org.team.rhythm` | `org.team.cadence.set`",
         "PB-08: no question org.team.rhythm"),
        ("`org.team.cadence.set`, `org.team.cadence.release`", "`org.team.cadence`, `org.team.cadence.release`",
         "PB-08: no action org.team.cadence"),
        ("| PB-08 | Process Frameworks and Operational Models | Delivery in short cycles with frequent demos and "
         "iterative releases | covered |",
         "| PB-08 | Process Frameworks and Operational Models | Delivery in short cycles with frequent demos and "
         "iterative releases |  |", "PB-08: status ''"),
        ("| ST-16 | Stage 5 Autonomous Operations | AI makes every employee a force multiplier | not covered |  |  "
         "| an aim, not something a room can show |",
         "| ST-16 | Stage 5 Autonomous Operations | AI makes every employee a force multiplier | not covered |  |  "
         "|  |", "ST-16: not covered but no reason given"),
        ("| CL | Enterprise AI Scale-Up Checklist for Production Readiness | `002` | primary | 35 | 35 |",
         "| CL | Enterprise AI Scale-Up Checklist for Production Readiness | `002` | primary | 35 | 34 |",
         "counts: CL shows"),
        ("**186** | **144**", "**186** | **145**", "counts: all primary shows"),
        ("| `org.skills.plan` L3 |", "| `org.skills.planning` L3 |", "org.skills.planning: named in the document"),
        ("| covered | `biz.value.learning` | `biz.value.learning.measure`",
         "| partial | `biz.value.learning` | `biz.value.learning.measure`", "ST-08: short of covered, but missing"),
    ],
)
def test_the_checker_catches_a_document_that_is_wrong(text, bank, old, new, expected):
    found = problems(_break(text, old, new), bank)
    assert any(expected in problem for problem in found), found


def test_the_checker_catches_a_question_removed_from_the_bank(text, bank):
    found = problems(text, bank.subset(("business", "technical", "organizational", "risk")))
    assert "PB-06: no question genai.act.literacy" in found


# --- the audit answers ------------------------------------------------------------------------------

AUDIT = COVERAGE.with_name("audit.md")
# Ids docs/audit.md records as removed from the bank; every other id it names must exist.
REMOVED = {"org.scale.platform.propose", "genai.run.fallback.brief"}


def test_the_audit_answers_name_only_questions_and_actions_that_exist(bank):
    text = AUDIT.read_text(encoding="utf-8")
    known = {q.id for q in bank.questions()} | set(bank.actions())
    named = set(_BANK_ID.findall(text))
    assert named - known == REMOVED
    assert not REMOVED & known
