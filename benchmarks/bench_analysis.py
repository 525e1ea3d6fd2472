"""Analysis and export on a very large question bank: prints figures, asserts nothing.

A valid question set of 5,016 questions (4 sets x 12 sections x 104.5 questions on average, 3 actions
each, chains of dependencies across sections) is written as TOML, loaded and validated like a user's
set, stored as a workshop with every question answered, votes on some and decisions on some actions,
then analysed and exported in every format for both audiences, the way `workshop export` does it.

    .venv/bin/python benchmarks/bench_analysis.py [--questions 5016]

Goal (issue 13): analysis and export linear in the size of the bank; with 5,000 questions an export
within 3 s and the analysis a dashboard needs within 2 s. The built-in 66-question workshop is timed
too, for scale.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from workshop.analysis import analyse, verdict_of
from workshop.export import render
from workshop.questionnaire import DEFAULT_SETS, builtin_dir, load_paths
from workshop.report import export_workshop
from workshop.session import ActionDecision, AnswerChange, Decision, NewSession, Participant
from workshop.store import Store

SETS = ("alpha", "beta", "gamma", "delta")
LEVELS = ["Nothing is in place.", "Someone has started.", "Partly done.", "Done and signed off.", "Proven in use."]


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def big_set(set_id: str, questions: int, sections: int = 12) -> str:
    """One question set as TOML text: `questions` questions in `sections` sections, three actions each."""
    lines = [f"id = {toml_string(set_id)}", f"title = {toml_string(set_id.title())}", 'version = "1.0"',
             f"description = {toml_string('A synthetic set for the benchmark.')}"]
    per_section = [questions // sections + (1 if i < questions % sections else 0) for i in range(sections)]
    n = 0
    for s, count in enumerate(per_section):
        lines += ["", "[[sections]]", f'id = "{set_id}.s{s}"', f'title = "Section {s} of {set_id}"']
        for _ in range(count):
            qid = f"{set_id}.q{n}"
            lines += [
                "", "[[sections.questions]]", f'id = "{qid}"',
                f"prompt = {toml_string(f'Is practice {n} of {set_id} in place and owned by a named person?')}",
                'guidance = "Why it matters, in one sentence."',
                "levels = [" + ", ".join(toml_string(f"{text} ({n})") for text in LEVELS) + "]",
                f"weight = {1 + n % 3}", f"target = {2 + n % 3}", f"gate = {'true' if n % 25 == 0 else 'false'}",
            ]
            for a, (effort, horizon) in enumerate((("S", "before-go-live"), ("M", "during-rollout"),
                                                   ("L", "after-launch"))):
                deps = [f"{set_id}.q{n - 1}.a{a}"] if n % 7 and n > 0 else []
                lines += [
                    "", "[[sections.questions.actions]]", f'id = "{qid}.a{a}"',
                    f"title = {toml_string(f'Put practice {n} step {a} in place')}",
                    'detail = "What to do, concretely, in one or two sentences."', 'owner = "Project lead"',
                    f'effort = "{effort}"', f'horizon = "{horizon}"', f"applies_below = {2 + a % 3}",
                    "depends_on = [" + ", ".join(toml_string(d) for d in deps) + "]",
                ]
            n += 1
    return "\n".join(lines) + "\n"


def timed(fn: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """(median seconds, last result)."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def fill(store: Store, sid: int) -> None:
    session = store.load_session(sid)
    questions = session.bank.questions()
    for i, q in enumerate(questions):
        level = "unknown" if i % 97 == 13 else str((i * 7) % 5)
        store.record_answer(sid, q.id, AnswerChange.from_level_text(level, note="A note." if i % 50 == 0 else None))
    people = store.load_session(sid).participants
    for i, q in enumerate(questions[::250]):
        store.open_round(sid, q.id)
        for p in people:
            store.record_vote(sid, q.id, p.id, (i + p.id) % 5)
        store.reveal_round(sid, q.id)
    for i, aid in enumerate(list(session.bank.actions())[::40]):
        decision = Decision.ACCEPTED if i % 3 else Decision.REJECTED
        store.decide(sid, ActionDecision(action_id=aid, decision=decision, owner_name="Dana" if i % 2 else "",
                                         due_date=dt.date(2027, 1, 1) + dt.timedelta(days=i), note="Not now."))


def report(label: str, store: Store, sid: int, out: Path) -> None:
    load_s, session = timed(lambda: store.load_session(sid), 1)
    questions = len(session.bank.questions())
    analyse_s, analysis = timed(lambda: analyse(session))
    verdict_s, _ = timed(lambda: verdict_of(session))
    print(f"\n{label}: {questions:,} questions, {len(session.bank.actions()):,} actions, "
          f"{len(analysis.actions):,} in the plan")
    print(f"  load the workshop from the store     {load_s * 1000:9.0f} ms")
    print(f"  analyse (what the dashboard needs)   {analyse_s * 1000:9.0f} ms")
    print(f"  verdict only (home screen)           {verdict_s * 1000:9.0f} ms")
    for audience in ("participants", "facilitator"):
        for fmt in ("md", "html", "json", "csv"):
            seconds, text = timed(lambda a=audience, f=fmt: render(session, analysis, a, f), 1)
            print(f"  render {fmt:<4} {audience:<12}          {seconds * 1000:9.0f} ms  {len(text.encode()) / 1024:8.0f} kB")
    seconds, _ = timed(lambda: export_workshop(store, sid, "facilitator", "html", out, out), 1)
    print(f"  workshop export (load, analyse, write html) {seconds:6.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=5016)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sets_dir = folder / "sets"
        sets_dir.mkdir()
        per_set = [args.questions // len(SETS) + (1 if i < args.questions % len(SETS) else 0) for i in range(len(SETS))]
        for set_id, count in zip(SETS, per_set, strict=True):
            (sets_dir / f"{set_id}.toml").write_text(big_set(set_id, count), encoding="utf-8")
        load_s, loaded = timed(lambda: load_paths([sets_dir]), 1)
        if loaded.problems:
            print("the synthetic set is not valid:", loaded.problems[0], file=sys.stderr)
            return 1
        print(f"load and validate {args.questions:,} questions from TOML: {load_s:.2f} s")

        with Store.open(folder / "bench.db") as store:
            builtin = load_paths([builtin_dir()]).bank
            small = store.create_session(
                NewSession(organisation="Acme", initiative="Built-in", facilitator="Fay", sets=DEFAULT_SETS,
                           participants=(Participant(name="Ann"), Participant(name="Bo"))), builtin)
            fill(store, small)
            big = store.create_session(
                NewSession(organisation="Acme", initiative="Large", facilitator="Fay", sets=SETS,
                           participants=tuple(Participant(name=f"P{i}") for i in range(6))), loaded.bank)
            start = time.perf_counter()
            fill(store, big)
            print(f"answer every question through the store: {time.perf_counter() - start:.1f} s")
            report("built-in sets", store, small, folder)
            report("synthetic bank", store, big, folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
