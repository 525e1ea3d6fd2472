"""Question sets: the pydantic models, loading TOML files, and validating them.

A question set is one TOML file. Loading never raises on a bad file: every
problem becomes a one-line `Problem` naming the file, the line where one can
be found, the question or action id and the field.

`load_paths` always reads and checks every file (`workshop validate`); `load_bank` reads the bank
checked last time from a cache while the files' bytes are the same (see `workshop.setfiles`).
Both are linear in the number of questions.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from workshop import setfiles
from workshop.errors import DataProblem, error_message
from workshop.files import read_small_text
from workshop.setfiles import builtin_dir as builtin_dir  # found there; importable from here as before
from workshop.setfiles import toml_files
from workshop.text import terminal

ID_PATTERN = r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

LEVELS = (0, 1, 2, 3, 4)
# The order a workshop walks the built-in sets in; other sets follow in file order.
BUILTIN_ORDER = ("business", "technical", "organizational", "risk", "genai")
# What a new workshop runs unless the facilitator chooses: the four sets every pilot needs.
DEFAULT_SETS = ("business", "technical", "organizational", "risk")
MAX_LEVEL = 4


class Effort(StrEnum):
    S = "S"
    M = "M"
    L = "L"

    @property
    def cost(self) -> int:
        """Relative cost used by the action ranking: S=1, M=2, L=3."""
        return {"S": 1, "M": 2, "L": 3}[self.value]


class Horizon(StrEnum):
    BEFORE_GO_LIVE = "before-go-live"
    DURING_ROLLOUT = "during-rollout"
    AFTER_LAUNCH = "after-launch"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Action(_Model):
    id: Id
    title: Text
    detail: Text
    owner: Text = Field(description="The role that owns the action, e.g. 'Business sponsor'.")
    effort: Effort
    horizon: Horizon
    applies_below: int = Field(
        ge=1, le=MAX_LEVEL, description="Recommended while the question's level is under this."
    )
    depends_on: tuple[Id, ...] = ()


class Framework(StrEnum):
    """Public frameworks a question can cite, so an auditor can trace it to their own checklist."""

    NIST_AI_RMF = "nist-ai-rmf"  # NIST AI 100-1, a subcategory such as "MEASURE 2.5"
    ISO_42001 = "iso-42001"  # ISO/IEC 42001:2023 Annex A, a control such as "A.6.2.4"
    EU_AI_ACT = "eu-ai-act"  # Regulation (EU) 2024/1689, an article such as "Article 14(4)"
    ML_TEST_SCORE = "ml-test-score"  # Breck et al. 2017, a test such as "Monitor 1"

    @property
    def label(self) -> str:
        return {
            "nist-ai-rmf": "NIST AI RMF", "iso-42001": "ISO/IEC 42001", "eu-ai-act": "EU AI Act",
            "ml-test-score": "ML Test Score",
        }[self.value]


# How many subcategories each NIST AI RMF 1.0 category has (GOVERN 1 has 1.1-1.7, ...): 19 + 18 + 22 + 13
# = 72, as in the Core tables of NIST AI 100-1 (January 2023).
NIST_SUBCATEGORIES = {
    "GOVERN": (7, 3, 2, 3, 2, 2),
    "MAP": (6, 3, 5, 2, 2),
    "MEASURE": (3, 13, 3, 3),
    "MANAGE": (4, 4, 2, 3),
}
# ISO/IEC 42001:2023 Annex A: the controls in each clause (A.2 has A.2.2-A.2.4, A.6 has two groups), 38 in
# all; each clause's A.n.1 (and A.6.1.1, A.6.2.1) is its objective, not a control.
ISO_42001_CONTROLS = frozenset(
    [f"A.2.{n}" for n in range(2, 5)] + [f"A.3.{n}" for n in range(2, 4)] + [f"A.4.{n}" for n in range(2, 7)]
    + [f"A.5.{n}" for n in range(2, 6)] + [f"A.6.1.{n}" for n in range(2, 4)] + [f"A.6.2.{n}" for n in range(2, 9)]
    + [f"A.7.{n}" for n in range(2, 7)] + [f"A.8.{n}" for n in range(2, 6)] + [f"A.9.{n}" for n in range(2, 5)]
    + [f"A.10.{n}" for n in range(2, 5)]
)
EU_AI_ACT_ARTICLES = 113  # Regulation (EU) 2024/1689 ends with Article 113, "Entry into force and application"
# Breck et al., "The ML Test Score" (2017): tests for features and data, model development, ML infrastructure
# and monitoring, seven each (28 in all).
ML_TEST_SCORE_AREAS = ("Data", "Model", "Infra", "Monitor")

_NIST_REF = re.compile(r"^(GOVERN|MAP|MEASURE|MANAGE) (\d)\.(\d{1,2})$")
_EU_REF = re.compile(r"^Article (\d{1,3})(?:\(\d{1,2}\))?(?:\([a-z]\))?$")
_ML_REF = re.compile(r"^(Data|Model|Infra|Monitor) ([1-7])$")


def reference_problem(framework: Framework, ref: str) -> str | None:
    """Why `ref` names nothing in `framework`, or None when it is well formed and exists."""
    if framework is Framework.NIST_AI_RMF:
        match = _NIST_REF.match(ref)
        if not match:
            return f"'{ref}' is not a NIST AI RMF subcategory (write it like 'MEASURE 2.5')"
        counts = NIST_SUBCATEGORIES[match.group(1)]
        category, sub = int(match.group(2)), int(match.group(3))
        if not (1 <= category <= len(counts) and 1 <= sub <= counts[category - 1]):
            return f"NIST AI RMF has no subcategory {ref}"
    elif framework is Framework.ISO_42001:
        if ref not in ISO_42001_CONTROLS:
            return f"'{ref}' is not an ISO/IEC 42001 Annex A control (write it like 'A.6.2.4')"
    elif framework is Framework.EU_AI_ACT:
        match = _EU_REF.match(ref)
        if not match or not 1 <= int(match.group(1)) <= EU_AI_ACT_ARTICLES:
            return f"'{ref}' is not an EU AI Act article (write it like 'Article 14' or 'Article 50(2)')"
    elif not _ML_REF.match(ref):
        areas = ", ".join(ML_TEST_SCORE_AREAS)
        return f"'{ref}' is not an ML Test Score test (one of {areas}, then 1-7, like 'Monitor 1')"
    return None


class Reference(_Model):
    """Where a question's concern appears in a public framework."""

    framework: Framework
    ref: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]

    @field_validator("ref")
    @classmethod
    def _exists(cls, value: str, info: Any) -> str:
        framework = info.data.get("framework")
        if framework is not None and (problem := reference_problem(framework, value)):
            raise ValueError(problem)
        return value

    @property
    def label(self) -> str:
        return f"{self.framework.label} {self.ref}"


class Question(_Model):
    id: Id
    prompt: Text
    guidance: Text
    levels: tuple[Text, Text, Text, Text, Text] = Field(
        description="One observable descriptor for each level, 0 (absent) to 4 (proven)."
    )
    weight: int = Field(ge=1, le=3)
    target: int = Field(ge=1, le=MAX_LEVEL)
    gate: bool = False
    references: tuple[Reference, ...] = ()
    actions: tuple[Action, ...] = Field(min_length=1)

    @field_validator("levels", mode="before")
    @classmethod
    def _five_levels(cls, value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) != 5:
            raise ValueError(f"needs exactly 5 level descriptors (0-4), found {len(value)}")
        return value

    @field_validator("levels")
    @classmethod
    def _distinct_levels(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("level descriptors must differ from each other")
        return value


class Section(_Model):
    id: Id
    title: Text
    questions: tuple[Question, ...] = Field(min_length=1)


class QuestionSet(_Model):
    id: Id
    title: Text
    version: Text
    description: str = ""
    sections: tuple[Section, ...] = Field(min_length=1)

    def questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions


@dataclass(frozen=True)
class Located:
    """A question with the set and section it belongs to."""

    set: QuestionSet
    section: Section
    question: Question


class QuestionBank(_Model):
    """The question sets in play: the built-in and user ones, or a session's snapshot."""

    sets: tuple[QuestionSet, ...] = ()

    def set_ids(self) -> list[str]:
        return [s.id for s in self.sets]

    def get_set(self, set_id: str) -> QuestionSet | None:
        return next((s for s in self.sets if s.id == set_id), None)

    def located(self) -> Iterator[Located]:
        for qset in self.sets:
            for section in qset.sections:
                for question in section.questions:
                    yield Located(qset, section, question)

    def questions(self) -> list[Question]:
        return [loc.question for loc in self.located()]

    def locate(self, question_id: str) -> Located | None:
        return self._index().get(question_id)

    def question(self, question_id: str) -> Question | None:
        found = self.locate(question_id)
        return found.question if found else None

    def actions(self) -> dict[str, tuple[Question, Action]]:
        return {a.id: (q, a) for q in self.questions() for a in q.actions}

    def subset(self, set_ids: Iterable[str]) -> QuestionBank:
        wanted = list(set_ids)
        return QuestionBank(sets=tuple(s for sid in wanted if (s := self.get_set(sid))))

    def _index(self) -> dict[str, Located]:
        # Frozen model: build the lookup once per instance.
        cached = self.__dict__.get("_located_index")
        if cached is None:
            cached = {loc.question.id: loc for loc in self.located()}
            object.__setattr__(self, "_located_index", cached)
        return cached


# --- loading and validating files -------------------------------------------------


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    line: int | None = None
    item: str | None = None  # question or action id
    field: str | None = None

    def __str__(self) -> str:
        """One line, whatever a hostile file put in its ids: a newline cannot split a problem in two."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where]
        if self.item:
            parts.append(terminal(self.item, 100))
        if self.field:
            parts.append(self.field)
        return terminal(": ".join([*parts, self.message]))


@dataclass
class LoadResult:
    bank: QuestionBank
    problems: list[Problem]
    files: list[Path]


class QuestionnaireError(DataProblem):
    """Raised when question sets in play have problems; `problems` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = str(problems[0]) if problems else "invalid question set"
        more = f" (and {len(problems) - 1} more; run 'workshop validate')" if len(problems) > 1 else ""
        super().__init__(first + more)


@dataclass(frozen=True)
class _Loaded:
    path: str
    text: str
    qset: QuestionSet

    def problem(self, item: str, field: str, message: str) -> Problem:
        return Problem(self.path, message, line=_line_of(self.text, item), item=item, field=field)


def load_bank(paths: Iterable[Path]) -> LoadResult:
    """`load_paths`, or the bank these very files gave last time, read from the cache.

    A cached bank had no problems when it was checked, and the key covers every byte of every file,
    so the result is the same as loading them; only the time differs.
    """
    files = toml_files(paths)
    key = setfiles.bank_key(files)
    cached = setfiles.read_cached(key)
    if cached is not None:
        try:
            return LoadResult(QuestionBank.model_validate_json(cached), [], files)
        except ValidationError:
            pass  # written by something else, or damaged: load the files
    result = load_paths(files)
    # Cached only if no file changed while it was being checked: the key must describe the bank.
    if key is not None and not result.problems and setfiles.bank_key(files) == key:
        setfiles.write_cached(key, result.bank.model_dump_json())
    return result


def load_paths(paths: Iterable[Path]) -> LoadResult:
    """Load every file (folders expand to their `*.toml`) and check them together."""
    files = toml_files(paths)
    problems: list[Problem] = []
    loaded: list[_Loaded] = []
    for path in files:
        qset, file_problems, text = _load_one(path)
        problems.extend(file_problems)
        if qset is not None:
            loaded.append(_Loaded(str(path), text, qset))
    problems.extend(_cross_check(loaded))
    bad_files = {p.file for p in problems}
    good = [item.qset for item in loaded if item.path not in bad_files]
    good.sort(key=lambda qset: BUILTIN_ORDER.index(qset.id) if qset.id in BUILTIN_ORDER else len(BUILTIN_ORDER))
    bank = QuestionBank(sets=tuple(good))
    return LoadResult(bank, problems, files)


def _load_one(path: Path) -> tuple[QuestionSet | None, list[Problem], str]:
    name = str(path)
    try:
        text = read_small_text(path)
    except IsADirectoryError:
        return None, [Problem(name, "cannot read folder")], ""
    except FileNotFoundError:
        return None, [Problem(name, "no such file")], ""
    except OSError as exc:
        return None, [Problem(name, f"cannot read file: {exc.strerror or exc.__class__.__name__}")], ""
    except ValueError as exc:
        return None, [Problem(name, f"cannot read file: {exc}")], ""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        message = str(getattr(exc, "msg", exc)).split(" (at line")[0]
        return None, [Problem(name, f"not valid TOML: {message}", line=line)], text
    except RecursionError:
        return None, [Problem(name, "not valid TOML: nested too deeply")], text
    try:
        return QuestionSet.model_validate(raw), [], text
    except ValidationError as exc:
        return None, [_schema_problem(name, text, raw, err) for err in exc.errors()], text
    except RecursionError:
        return None, [Problem(name, "nested too deeply to be a question set")], text


def _line_from_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _schema_problem(name: str, text: str, raw: dict, err: Any) -> Problem:
    loc = tuple(err["loc"])
    item, field = _item_and_field(raw, loc)
    return Problem(name, error_message(err), line=_line_of(text, item), item=item, field=field)


def _item_and_field(raw: Any, loc: tuple) -> tuple[str | None, str | None]:
    """Walk the raw data along a pydantic error location to the innermost id."""
    item = None
    node = raw
    field_parts: list[str] = []
    for part in loc:
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            item = node["id"]
            field_parts = []
        field_parts.append(str(part))
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    if isinstance(node, dict) and isinstance(node.get("id"), str) and not field_parts:
        item = node["id"]
    field = ".".join(field_parts) or None
    return item, field


def _line_of(text: str, item: str | None) -> int | None:
    """The line where `id = "item"` is written, so an editor can jump to it."""
    if not item:
        return None
    match = re.search(rf'^\s*id\s*=\s*["\']{re.escape(item)}["\']', text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _cross_check(loaded: list[_Loaded]) -> list[Problem]:
    problems: list[Problem] = []
    first_use: dict[str, _Loaded] = {}
    actions: dict[str, tuple[_Loaded, Action]] = {}
    for item in loaded:
        ids = [item.qset.id] + [section.id for section in item.qset.sections]
        for question in item.qset.questions():
            ids.append(question.id)
            ids += [action.id for action in question.actions]
            for action in question.actions:
                actions.setdefault(action.id, (item, action))
        uses = Counter(ids)  # counted once per file: linear in the number of ids
        for ident in ids:
            first = first_use.setdefault(ident, item)
            if first is not item or uses[ident] > 1:
                where = "" if first is item else f" (already used in {first.path})"
                problems.append(item.problem(ident, "id", f"id is not unique{where}"))

    for item, action in actions.values():
        for dep in action.depends_on:
            if dep not in actions:
                problems.append(item.problem(action.id, "depends_on", f"depends on unknown action '{dep}'"))
    graph = {a.id: [d for d in a.depends_on if d in actions] for _, a in actions.values()}
    for cycle in _cycles(graph):
        item, _ = actions[cycle[0]]
        problems.append(item.problem(cycle[0], "depends_on", "dependency cycle: " + " -> ".join([*cycle, cycle[0]])))
    return _dedupe(problems)


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Each dependency cycle once, found by depth-first search."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for dep in graph.get(node, []):
            if state.get(dep) == 1:
                found.append(path[path.index(dep):])
            elif dep not in state:
                visit(dep)
        path.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node)
    return found


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    unique = []
    for problem in problems:
        if str(problem) not in seen:
            seen.add(str(problem))
            unique.append(problem)
    return unique
