"""Every `workshop` command as a whole process, against the import floor, with 1,000 workshops in the file.

Run: .venv/bin/python benchmarks/bench_cli.py [--workshops 1000] [--rounds 15] [--only answer,list]
Prints figures; asserts nothing. Goal (issue 13): every command within 1.3x of the import floor,
`python -c "import sqlite_utils, pydantic"`, measured side by side.

Each round runs the floor, then every command once, each a fresh interpreter (`subprocess`, no
shell), so a busy moment on the machine hits the floor and the commands alike; the medians are
compared. One uncounted round first puts the files in the page cache, writes the bytecode caches
and fills the question-bank cache, as on a machine where workshop has run before; the first run
after the question sets changed (bank cache empty) is timed on its own.

Two more references are printed, not goals: a bare `python -c pass`, and the floor with pydantic's
model machinery loaded (`from pydantic import BaseModel`): `import pydantic` alone loads almost
nothing (pydantic imports lazily), so any command that builds one pydantic model pays that on top.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_store import child_env, fill

from workshop.questionnaire import builtin_dir, load_paths
from workshop.store import Store

GOAL = 1.3
FLOOR = [sys.executable, "-c", "import sqlite_utils, pydantic"]
REFERENCES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "floor + pydantic.BaseModel": [sys.executable, "-c", "import sqlite_utils; from pydantic import BaseModel"],
}


def commands(newest: int, older: int, question: str, action: str, out: Path) -> list[tuple[str, list[str]]]:
    """(name, arguments) in an order that keeps every one valid when repeated: ask, vote, vote, reveal."""
    return [
        ("--version", ["--version"]),
        ("validate", ["validate"]),
        ("questions", ["questions"]),
        ("questions --json", ["questions", "--json"]),
        ("new", ["new", "--org", "Bench", "--initiative", "Timing", "--facilitator", "Fay"]),
        ("list", ["list"]),
        ("list --json", ["list", "--json"]),
        ("answer", ["answer", str(newest), question, "3", "--note", "timed"]),
        ("ask", ["ask", str(newest), question, "--again"]),  # each round asks for a new vote
        ("vote", ["vote", str(newest), question, "A", "2"]),
        ("reveal", ["reveal", str(newest)]),
        ("show", ["show", str(newest)]),
        ("target", ["target", str(newest), question, "4"]),
        ("decide", ["decide", str(newest), action, "accepted", "--owner", "Dana"]),
        ("export md", ["export", str(newest), "--out", str(out / "summary.md")]),
        ("export html", ["export", str(newest), "--format", "html", "--audience", "facilitator",
                         "--out", str(out / "summary.html")]),
        ("compare", ["compare", str(older), str(newest)]),
        ("archive", ["archive", str(older)]),
        ("archive --restore", ["archive", str(older), "--restore"]),
        ("backup", ["backup", str(out / "backup.db")]),
    ]


def run_ms(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = (time.perf_counter() - start) * 1000
    if result.returncode != 0:
        raise RuntimeError(f"{argv[3:]} exited {result.returncode}: {result.stderr.decode()[-500:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workshops", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--only", default="", help="comma-separated command names (default: all)")
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()}

    bank = load_paths([builtin_dir()]).bank
    question = bank.questions()[0].id
    action = bank.questions()[0].actions[0].id
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.db"
        with Store.open(db) as store:
            ids = fill(store, bank, args.workshops)
        out = folder / "out"
        out.mkdir()
        env = child_env(WORKSHOP_DB=str(db), WORKSHOP_QUESTIONNAIRES=str(folder / "no-user-sets"),
                        WORKSHOP_CONFIG=str(folder / "no-config.toml"), WORKSHOP_CACHE=str(folder / "cache"))
        workshop = [sys.executable, "-m", "workshop"]
        chosen = [(name, argv) for name, argv in commands(ids[-1], ids[-2], question, action, out)
                  if not only or name in only]
        runs: dict[str, list[float]] = {name: [] for name in ["floor", *REFERENCES, *(n for n, _ in chosen)]}

        cold = []  # the question-bank cache emptied before each run
        for counted in [False] + [True] * args.rounds:
            timings = [("floor", run_ms(FLOOR, env))]
            timings += [(name, run_ms(argv, env)) for name, argv in REFERENCES.items()]
            timings += [(name, run_ms([*workshop, *argv], env)) for name, argv in chosen]
            if counted:
                for name, ms in timings:
                    runs[name].append(ms)
                shutil.rmtree(folder / "cache", ignore_errors=True)
                cold.append(run_ms([*workshop, "questions"], env))

    floor = statistics.median(runs["floor"])
    print(f"workshops in the file: {args.workshops}; {args.rounds} interleaved rounds; medians (min)")
    print(f"  floor: python -c 'import sqlite_utils, pydantic'  {floor:6.0f} ms ({min(runs['floor']):.0f})")
    for name in REFERENCES:
        ms = statistics.median(runs[name])
        print(f"  reference: {name:<37}{ms:6.0f} ms ({min(runs[name]):.0f})  = {ms / floor:.2f}x the floor")
    met = 0
    for name, _ in chosen:
        ms = statistics.median(runs[name])
        ok = ms / floor <= GOAL
        met += ok
        print(f"  workshop {name:<20} {ms:6.0f} ms ({min(runs[name]):.0f}) = {ms / floor:.2f}x the floor "
              f"(goal <= {GOAL}x){'' if ok else '  NOT MET'}")
    print(f"  {met} of {len(chosen)} commands within {GOAL}x")
    cold_ms = statistics.median(cold)
    print(f"  workshop questions, question-bank cache empty: {cold_ms:.0f} ms = {cold_ms / floor:.2f}x the floor "
          "(the first run after a question set changed)")


if __name__ == "__main__":
    main()
