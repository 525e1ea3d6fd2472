"""Store figures: one answer committed, `workshop list`, and file size, with 1,000 finished workshops.

Run: .venv/bin/python benchmarks/bench_store.py [--workshops 1000]
Prints figures; asserts nothing. Fills the database in bulk (one transaction
per workshop), then times the real write path one answer at a time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workshop.questionnaire import builtin_dir, load_paths
from workshop.session import AnswerChange, NewSession, Participant
from workshop.store import Store
from workshop.store.connection import immediate


def fill(store: Store, bank, workshops: int) -> list[int]:
    rng = random.Random(7)
    questions = [q.id for q in bank.questions()]
    ids = []
    for n in range(workshops):
        sid = store.create_session(
            NewSession(organisation=f"Org {n % 97}", initiative=f"Initiative {n}", facilitator="F",
                       participants=(Participant(name="A", role="IT"), Participant(name="B", role="Business")),
                       sets=tuple(bank.set_ids())), bank)
        with immediate(store.db):
            store.db["answers"].insert_all(
                {"session_id": sid, "question_id": q, "status": "level", "level": rng.randint(0, 4),
                 "note": "A short public note about the evidence.", "flagged": 0, "updated_at": "2026-01-01"}
                for q in questions
            )
        ids.append(sid)
    return ids


def time_answers(store: Store, sid: int, questions: list[str], samples: int) -> list[float]:
    times = []
    for i in range(samples):
        change = AnswerChange.from_level_text(str(i % 5), note=f"benchmark {i}")
        start = time.perf_counter()
        store.record_answer(sid, questions[i % len(questions)], change)
        times.append((time.perf_counter() - start) * 1000)
    return times


def child_env(**settings: str) -> dict[str, str]:
    """The environment for a timed `workshop` process: this one's, with `settings`, and bytecode caches
    on, as in an installed copy (a PYTHONDONTWRITEBYTECODE set here would make every launch compile
    workshop's modules from source; the floor's libraries are installed with theirs)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **settings}


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workshops", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    bank = load_paths([builtin_dir()]).bank
    questions = [q.id for q in bank.questions()]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        started = time.perf_counter()
        with Store.open(path) as store:
            ids = fill(store, bank, args.workshops)
            fill_s = time.perf_counter() - started
            full = time_answers(store, ids[-1], questions, args.samples)
            store.db.execute("PRAGMA synchronous=NORMAL")
            normal = time_answers(store, ids[-2], questions, args.samples)
            store.db.execute("PRAGMA synchronous=FULL")
            start = time.perf_counter()
            store.list_sessions()
            list_ms = (time.perf_counter() - start) * 1000
            start = time.perf_counter()
            store.load_session(ids[-1])
            load_ms = (time.perf_counter() - start) * 1000
        env = child_env(WORKSHOP_DB=str(path))
        subprocess.run([sys.executable, "-m", "workshop", "list"], env=env, check=True, capture_output=True)
        cli_runs = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "workshop", "list"], env=env, check=True, capture_output=True)
            cli_runs.append((time.perf_counter() - start) * 1000)
        size_mb = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*")) / 1e6

    print(f"workshops: {args.workshops} x {len(questions)} questions (filled in {fill_s:.1f} s)")
    print(f"answer committed, synchronous=FULL:   median {statistics.median(full):.2f} ms, p95 {p95(full):.2f} ms")
    print(f"answer committed, synchronous=NORMAL: median {statistics.median(normal):.2f} ms, p95 {p95(normal):.2f} ms")
    print(f"  FULL costs {statistics.median(full) - statistics.median(normal):+.2f} ms per answer (median)")
    print(f"Store.list_sessions(): {list_ms:.1f} ms; Store.load_session(): {load_ms:.1f} ms")
    print(f"`workshop list` as a command: median {statistics.median(cli_runs):.0f} ms over {len(cli_runs)} runs")
    print(f"file size: {size_mb:.1f} MB")


if __name__ == "__main__":
    main()
