"""A 5,016-question bank in the app and on the command line: prints each goal with its figure.

Run: .venv/bin/python benchmarks/bench_large.py [--questions 5016] [--repeat 3]

The bank is the synthetic one of bench_analysis.py (4 sets, 3 actions a question, chains of
dependencies), written as TOML to a folder the commands get with `--questions`; one workshop runs
all of it, every question answered, with votes on some and decisions on some actions. Goals
(issue 13), each printed next to its figure:

- `workshop export` of that workshop (facilitator's HTML, as a whole process) within 3 s;
- opening it in the app, home -> walk-through drawn, within 2 s;
- its dashboard drawn (the verdict and the top actions on screen) within 2 s.

The app is timed in-process and headless (`App.run_test()`, 120x40): the clock starts when the
screen is pushed and stops when the screen is mounted, what it loads is on screen, and the app
has had a refresh; each is repeated and the median kept. Also printed: `workshop` launched on a
pty with this bank in play (`--questionnaires`) until its home screen is drawn, beside the bare
Textual app of bench_tui.py, with the question-bank cache warm and empty; and the bank loaded by
`workshop validate` and `workshop questions`, with and without the cache.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_analysis import SETS, big_set
from bench_store import child_env
from bench_tui import BARE_APP, BARE_LABEL, COLUMNS, ROWS, time_launch

from workshop.questionnaire import load_paths
from workshop.session import ActionDecision, Decision, NewSession, Participant
from workshop.store import Store
from workshop.store.connection import immediate

GOALS = {"export": 3.0, "open": 2.0, "dashboard": 2.0}


def build(folder: Path, questions: int) -> tuple[Path, Path, int]:
    """The sets folder, the database, and the id of the workshop that runs every question."""
    sets_dir = folder / "sets"
    sets_dir.mkdir()
    per_set = [questions // len(SETS) + (1 if i < questions % len(SETS) else 0) for i in range(len(SETS))]
    for set_id, count in zip(SETS, per_set, strict=True):
        (sets_dir / f"{set_id}.toml").write_text(big_set(set_id, count), encoding="utf-8")
    loaded = load_paths([sets_dir])
    if loaded.problems:
        raise SystemExit(f"the synthetic set is not valid: {loaded.problems[0]}")
    db = folder / "large.db"
    rng = random.Random(13)
    with Store.open(db) as store:
        sid = store.create_session(
            NewSession(organisation="Acme", initiative="Large bank", facilitator="Fay", sets=SETS,
                       participants=tuple(Participant(name=f"P{i}") for i in range(6))), loaded.bank)
        ids = [q.id for q in loaded.bank.questions()]
        with immediate(store.db):  # in bulk: the store's one-commit-per-answer path is timed elsewhere
            store.db["answers"].insert_all(
                {"session_id": sid, "question_id": qid, "status": "unknown" if i % 97 == 13 else "level",
                 "level": None if i % 97 == 13 else rng.randint(0, 4), "note": "A note." if i % 50 == 0 else "",
                 "flagged": int(i % 200 == 0), "updated_at": "2026-01-01T00:00:00+00:00"}
                for i, qid in enumerate(ids)
            )
        people = store.load_session(sid).participants
        for i, qid in enumerate(ids[::250]):
            store.open_round(sid, qid)
            for p in people:
                store.record_vote(sid, qid, p.id, (i + p.id) % 5)
            store.reveal_round(sid, qid)
        for i, aid in enumerate(list(loaded.bank.actions())[::40]):
            store.decide(sid, ActionDecision(action_id=aid, decision=Decision.ACCEPTED if i % 3 else Decision.REJECTED,
                                             owner_name="Dana", note="Not now."))
        store.set_position(sid, ids[len(ids) // 2])  # resume in the middle, as after a break
    return sets_dir, db, sid


def run_s(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if result.returncode != 0:
        raise RuntimeError(f"{argv[2:]} exited {result.returncode}: {result.stderr.decode()[-500:]}")
    return time.perf_counter() - start


async def _until(pilot, done: Callable[[], bool], timeout: float = 120.0) -> None:
    give_up = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > give_up:
            raise RuntimeError("timed out waiting for the app")
        await pilot.pause(0.005)


async def time_screens(db: Path, sid: int, repeat: int, exports: Path) -> dict[str, list[float]]:
    from workshop.questionnaire import builtin_dir
    from workshop.tui.app import WorkshopApp
    from workshop.tui.screens.dashboard import DashboardScreen
    from workshop.tui.screens.walkthrough import WalkthroughScreen

    times: dict[str, list[float]] = {"open": [], "dashboard": [], "back": []}
    store = Store.open(db)
    app = WorkshopApp(store, load_paths([builtin_dir()]).bank, export_dir=exports)
    try:
        async with app.run_test(size=(COLUMNS, ROWS)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            home = app.screen
            for _ in range(repeat):
                start = time.perf_counter()
                app.open_workshop(sid)
                await _until(pilot, lambda: isinstance(app.screen, WalkthroughScreen) and app.screen.is_mounted)
                walk = app.screen
                await _until(pilot, lambda w=walk: bool(w.order) and "question" in str(w.query_one("#crumbs").render()))
                await pilot.pause()
                times["open"].append(time.perf_counter() - start)

                start = time.perf_counter()
                app.open_dashboard(sid)
                await _until(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.analysis is not None)
                await pilot.pause()
                times["dashboard"].append(time.perf_counter() - start)

                app.pop_screen()
                start = time.perf_counter()  # back on the walk-through: what a facilitator waits for after `d`
                await _until(pilot, lambda w=walk: app.screen is w)
                await pilot.pause()
                times["back"].append(time.perf_counter() - start)
                app.pop_screen()
                await _until(pilot, lambda: app.screen is home)
                await app.workers.wait_for_complete()
                await pilot.pause()
    finally:
        store.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=5016)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        sets_dir, db, sid = build(folder, args.questions)
        print(f"{args.questions:,} questions in {len(SETS)} sets, one workshop answering all of them "
              f"(built in {time.perf_counter() - started:.0f} s)")
        env = child_env(WORKSHOP_DB=str(db), WORKSHOP_QUESTIONNAIRES=str(folder / "no-user-sets"),
                        WORKSHOP_CONFIG=str(folder / "no-config.toml"), WORKSHOP_CACHE=str(folder / "cache"))
        workshop = [sys.executable, "-m", "workshop", "--questionnaires", str(sets_dir)]
        run_s([*workshop, "questions"], env)  # untimed: bytecode and bank caches written, files in the page cache

        bare_script = folder / "bare_app.py"
        bare_script.write_text(BARE_APP)
        terminal = {**env, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(ROWS)}
        launches: dict[str, list[float]] = {"bare": [], "warm": [], "cold": []}
        for _ in range(args.repeat):
            launches["bare"].append(time_launch([sys.executable, str(bare_script)], terminal, BARE_LABEL) / 1000)
            launches["warm"].append(time_launch(workshop, terminal, "Large bank") / 1000)
            shutil.rmtree(folder / "cache", ignore_errors=True)
            launches["cold"].append(time_launch(workshop, terminal, "Large bank") / 1000)

        cold, warm = [], []
        for _ in range(args.repeat):
            shutil.rmtree(folder / "cache", ignore_errors=True)
            cold.append(run_s([*workshop, "questions"], env))
            warm.append(run_s([*workshop, "questions"], env))
        validate = [run_s([*workshop, "validate"], env) for _ in range(args.repeat)]
        exports = {}
        (folder / "out").mkdir()
        for fmt, audience in (("html", "facilitator"), ("md", "participants"), ("json", "facilitator"),
                              ("csv", "facilitator")):
            out = folder / "out" / f"summary.{fmt}"
            exports[(fmt, audience)] = [
                run_s([*workshop, "export", str(sid), "--format", fmt, "--audience", audience, "--out", str(out)], env)
                for _ in range(args.repeat)
            ]
        screens = asyncio.run(time_screens(db, sid, args.repeat, folder / "exports"))

    def figure(values: list[float]) -> str:
        return f"{statistics.median(values):.2f} s (min {min(values):.2f})"

    def goal(name: str, values: list[float]) -> str:
        met = statistics.median(values) <= GOALS[name]
        return f"(goal <= {GOALS[name]:.0f} s){'' if met else '  NOT MET'}"

    print(f"medians of {args.repeat} runs:")
    html = exports[("html", "facilitator")]
    print(f"  workshop export, facilitator's HTML (whole process): {figure(html)} {goal('export', html)}")
    for (fmt, audience), values in exports.items():
        if fmt != "html":
            print(f"  workshop export, {fmt} for the {audience}: {figure(values)}")
    print(f"  open the workshop in the app, home -> walk-through drawn: {figure(screens['open'])} "
          f"{goal('open', screens['open'])}")
    print(f"  its dashboard drawn (verdict, scores, top actions): {figure(screens['dashboard'])} "
          f"{goal('dashboard', screens['dashboard'])}")
    print(f"  dashboard -> back on the walk-through: {figure(screens['back'])}")
    bare = statistics.median(launches["bare"])
    for name, what in (("warm", "cached"), ("cold", "cache empty")):
        print(f"  `workshop` with the bank in play, launch to home drawn ({what}): {figure(launches[name])} "
              f"= {statistics.median(launches[name]) / bare:.1f}x the bare Textual app ({bare:.2f} s)")
    print(f"  workshop questions with the bank in play: {figure(warm)} cached, {figure(cold)} with the cache empty")
    print(f"  workshop validate (always checks every file): {figure(validate)}")


if __name__ == "__main__":
    main()
