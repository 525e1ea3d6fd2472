"""The command line: parses, calls the core, prints. No business logic lives here.

Exit status: 0 ok, 1 a data problem (unknown id, bad file, unwritable path),
2 a usage problem (missing or malformed arguments). Errors are one line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from workshop import __version__
from workshop.paths import default_db_path, default_export_dir, user_questionnaire_dir
from workshop.questionnaire import DEFAULT_SETS, QuestionBank, QuestionnaireError, builtin_dir, load_paths
from workshop.session import ActionDecision, AnswerChange, NewSession, Participant, SessionStatus
from workshop.store import Store, StoreError
from workshop.text import one_line

EXIT_DATA = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Arguments that parse but make no sense together (exit status 2)."""


class DataError(Exception):
    """A problem with the data named on the command line (exit status 1)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"workshop: error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(EXIT_USAGE)


def _session_id(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"a workshop id is a number, not '{text}'")
    return int(text)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"dates are written YYYY-MM-DD, not '{text}'") from None


def _time_box(text: str) -> tuple[str, int]:
    set_id, _, minutes = text.partition("=")
    if not minutes.isdigit():
        raise argparse.ArgumentTypeError(f"a time box is SET=MINUTES, e.g. business=40, not '{text}'")
    return set_id.strip(), int(minutes)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="workshop",
        description="Run AI production-readiness workshops. With no command, opens the facilitator's app.",
    )
    parser.add_argument("--version", action="version", version=f"workshop {__version__}")
    parser.add_argument("--db", type=Path, help="database file (default: $WORKSHOP_DB or the user data folder)")
    parser.add_argument(
        "--questionnaires", type=Path, action="append", default=[], metavar="DIR",
        help="a folder of extra question sets (*.toml); may be repeated",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("validate", help="check question set files and report every problem")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders (default: every set in play)")
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("questions", help="list the question bank")
    p.add_argument("--set", dest="set_id", metavar="SET", help="only this set")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_questions)

    p = sub.add_parser("new", help="start a workshop and print its id")
    p.add_argument("--org", required=True, help="the organisation")
    p.add_argument("--initiative", required=True, help="the AI initiative assessed")
    p.add_argument("--facilitator", required=True)
    p.add_argument("--date", type=_date, help="YYYY-MM-DD (default: today)")
    p.add_argument("--participant", action="append", default=[], metavar="NAME:ROLE")
    p.add_argument("--sets", default=",".join(DEFAULT_SETS), help="comma-separated set ids")
    p.add_argument("--time-box", action="append", type=_time_box, default=[], metavar="SET=MINUTES")
    p.set_defaults(run=cmd_new)

    p = sub.add_parser("list", help="list workshops with their progress")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_list)

    p = sub.add_parser("answer", help="record the room's answer to a question")
    p.add_argument("session", type=_session_id, metavar="SESSION")
    p.add_argument("question", metavar="QUESTION_ID")
    p.add_argument("level", metavar="LEVEL", help="0-4, 'unknown' or 'na'")
    p.add_argument("--reason", help="why not applicable (required with 'na'), or why the room settled here")
    p.add_argument("--note", help="public note, shown to participants")
    p.add_argument("--private-note", help="facilitator's note, never exported to participants")
    p.add_argument("--evidence", help="what the room cited")
    p.add_argument("--confidence", choices=["low", "medium", "high"])
    p.add_argument("--flag", action="store_true", default=None, help="flag for follow-up")
    p.add_argument("--by", dest="answered_by", help="who recorded it (default: the facilitator)")
    p.set_defaults(run=cmd_answer)

    p = sub.add_parser("ask", help="open a blind vote on a question (earlier votes on it are kept)")
    p.add_argument("session", type=_session_id, metavar="SESSION")
    p.add_argument("question", metavar="QUESTION_ID")
    p.set_defaults(run=cmd_ask)

    p = sub.add_parser("reveal", help="reveal the open vote (the one opened last, or --question's)")
    p.add_argument("session", type=_session_id, metavar="SESSION")
    p.add_argument("--question", metavar="QUESTION_ID")
    p.set_defaults(run=cmd_reveal)

    p = sub.add_parser("vote", help="record one participant's level in a question's open vote")
    p.add_argument("session", type=_session_id, metavar="SESSION")
    p.add_argument("question", metavar="QUESTION_ID")
    p.add_argument("participant", metavar="PARTICIPANT", help="name or id")
    p.add_argument("level", type=int, choices=range(5), metavar="LEVEL")
    p.set_defaults(run=cmd_vote)

    p = sub.add_parser("show", help="every answer of a workshop")
    p.add_argument("session", type=_session_id, metavar="SESSION")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_show)

    p = sub.add_parser("target", help="raise or lower a question's target for one workshop")
    p.add_argument("session", type=_session_id, metavar="SESSION")
    p.add_argument("question", metavar="QUESTION_ID")
    p.add_argument("target", metavar="LEVEL", help="1-4, or 'default'")
    p.set_defaults(run=cmd_target)

    p = sub.add_parser("decide", help="accept or reject a remediation action")
    p.add_argument("session", type=_session_id, metavar="SESSION")
    p.add_argument("action", metavar="ACTION_ID")
    p.add_argument("decision", choices=["accepted", "rejected"])
    p.add_argument("--owner", default="", help="the person who owns it")
    p.add_argument("--due", type=_date, help="YYYY-MM-DD")
    p.add_argument("--note", default="")
    p.set_defaults(run=cmd_decide)

    p = sub.add_parser("export", help="write the summary: Markdown, HTML, JSON or CSV")
    p.add_argument("session", type=_session_id, metavar="SESSION")
    p.add_argument("--audience", choices=["participants", "facilitator"], default="participants",
                   help="participants never see private notes (default: participants)")
    p.add_argument("--format", dest="fmt", choices=["md", "html", "json", "csv"], default="md")
    p.add_argument("--out", metavar="PATH", help="a file, or a folder (default: ./exports/)")
    p.set_defaults(run=cmd_export)

    p = sub.add_parser("compare", help="re-assessment: what changed since an earlier workshop")
    p.add_argument("sessions", type=_session_id, nargs="+", metavar="SESSION",
                   help="OLD NEW, or just NEW to compare with the latest earlier workshop on the same initiative")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_compare)

    p = sub.add_parser("archive", help="archive a workshop (or restore it with --restore)")
    p.add_argument("session", type=_session_id, metavar="SESSION")
    p.add_argument("--restore", action="store_true")
    p.set_defaults(run=cmd_archive)

    return parser


# --- shared plumbing -----------------------------------------------------------


def load_bank(args: argparse.Namespace, strict: bool = True) -> QuestionBank:
    """Built-in sets, the user's folder, and any --questionnaires folders."""
    result = load_paths(_questionnaire_sources(args))
    if strict and result.problems:
        raise QuestionnaireError(result.problems)
    return result.bank


def _questionnaire_sources(args: argparse.Namespace) -> list[Path]:
    sources = [builtin_dir()]
    user_dir = user_questionnaire_dir()
    if user_dir.is_dir():
        sources.append(user_dir)
    for folder in args.questionnaires:
        if not folder.is_dir():
            raise UsageError(f"--questionnaires {folder}: no such folder")
        sources.append(folder)
    return sources


def open_store(args: argparse.Namespace) -> Store:
    return Store.open(args.db or default_db_path())


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[_one_line(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _one_line(value: Any, limit: int = 60) -> str:
    """For the terminal: one line, no control characters (a note must not move the cursor), cut short."""
    text = one_line("" if value is None else str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- commands ---------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    result = load_paths(args.paths or _questionnaire_sources(args))
    for problem in result.problems:
        print(problem)
    if not result.files:
        print("workshop: error: no question set files found", file=sys.stderr)
        return EXIT_DATA
    if result.problems:
        print(f"{len(result.problems)} problem(s) in {len(result.files)} file(s)", file=sys.stderr)
        return EXIT_DATA
    print(f"ok: {len(result.files)} file(s), {len(result.bank.sets)} set(s), "
          f"{len(result.bank.questions())} questions")
    return 0


def cmd_questions(args: argparse.Namespace) -> int:
    bank = load_bank(args)
    if args.set_id and bank.get_set(args.set_id) is None:
        raise UsageError(f"unknown question set '{args.set_id}' (known: {', '.join(bank.set_ids())})")
    rows = [
        {
            "id": loc.question.id, "set": loc.set.id, "section": loc.section.title,
            "prompt": loc.question.prompt, "weight": loc.question.weight, "target": loc.question.target,
            "gate": loc.question.gate, "actions": len(loc.question.actions),
        }
        for loc in bank.located()
        if not args.set_id or loc.set.id == args.set_id
    ]
    if args.json:
        _print_json(rows)
    else:
        _print_table(
            ["ID", "SET", "W", "T", "GATE", "ACTIONS", "PROMPT"],
            [[r["id"], r["set"], r["weight"], r["target"], "gate" if r["gate"] else "", r["actions"], r["prompt"]]
             for r in rows],
        )
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    bank = load_bank(args)
    try:
        participants = tuple(Participant.parse(spec) for spec in args.participant)
        fields: dict[str, Any] = {
            "organisation": args.org, "initiative": args.initiative, "facilitator": args.facilitator,
            "participants": participants, "sets": tuple(s.strip() for s in args.sets.split(",") if s.strip()),
            "time_boxes": dict(args.time_box),
        }
        if args.date:
            fields["date"] = args.date
        new = NewSession(**fields)
    except ValidationError as exc:
        raise UsageError(_validation_message(exc)) from None
    with open_store(args) as store:
        print(store.create_session(new, bank))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        sessions = store.list_sessions()
    if args.json:
        _print_json([s.model_dump(mode="json") for s in sessions])
        return 0
    if not sessions:
        print("No workshops yet. Start one with: workshop new --org ORG --initiative NAME --facilitator NAME")
        return 0
    _print_table(
        ["ID", "DATE", "ORGANISATION", "INITIATIVE", "PROGRESS", "STATUS"],
        [[s.id, s.date, s.organisation, s.initiative, f"{s.answered}/{s.total}", s.status.value] for s in sessions],
    )
    return 0


def cmd_answer(args: argparse.Namespace) -> int:
    extra = {
        "note": args.note, "private_note": args.private_note, "evidence": args.evidence,
        "confidence": args.confidence, "flagged": args.flag, "answered_by": args.answered_by,
    }
    try:
        change = AnswerChange.from_level_text(args.level, reason=args.reason, **extra)
    except (ValueError, ValidationError) as exc:
        raise UsageError(_validation_message(exc)) from None
    with open_store(args) as store:
        if change.answered_by is None:
            change = change.model_copy(update={"answered_by": store.load_session(args.session).facilitator})
        answer = store.record_answer(args.session, args.question, change)
    print(f"saved {args.question} = {answer.describe()}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        store.open_round(args.session, args.question)
    print(f"vote open on {args.question}")
    return 0


def cmd_reveal(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        revealed = store.reveal_round(args.session, args.question)
    levels = [v.level for v in revealed.votes]
    spread = ", ".join(f"{levels.count(n)} at level {n}" for n in range(5) if levels.count(n))
    print(f"revealed {revealed.question_id}: {len(levels)} vote(s); {spread or 'no votes'}")
    return 0


def cmd_vote(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        store.record_vote(args.session, args.question, args.participant, args.level)
    print(f"saved vote {args.participant} on {args.question} = {args.level}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        session = store.load_session(args.session)
    if args.json:
        _print_json(session.model_dump(mode="json", exclude={"bank"}))
        return 0
    print(f"Workshop {session.id}: {_one_line(session.organisation)} / {_one_line(session.initiative)}, "
          f"{session.date}, facilitated by {_one_line(session.facilitator)}")
    if session.participants:
        print("Participants: " + ", ".join(f"{p.name} ({p.role})" if p.role else p.name
                                           for p in session.participants))
    print(f"Answered {session.answered_count} of {session.total}\n")
    rows = []
    for loc in session.bank.located():
        answer = session.answer(loc.question.id)
        rows.append([
            loc.question.id, answer.describe(), session.target(loc.question.id),
            answer.confidence.value if answer.confidence else "", "flag" if answer.flagged else "",
            answer.note or answer.reason, answer.private_note,
        ])
    _print_table(["QUESTION", "LEVEL", "TARGET", "CONFIDENCE", "FLAG", "NOTE", "PRIVATE NOTE"], rows)
    return 0


def cmd_target(args: argparse.Namespace) -> int:
    if args.target == "default":
        target = None
    elif args.target in {"1", "2", "3", "4"}:
        target = int(args.target)
    else:
        raise UsageError(f"a target is 1-4 or 'default', not '{args.target}'")
    with open_store(args) as store:
        store.set_target(args.session, args.question, target)
    print(f"saved target {args.question} = {args.target}")
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    decision = ActionDecision(
        action_id=args.action, decision=args.decision, owner_name=args.owner, due_date=args.due, note=args.note
    )
    with open_store(args) as store:
        store.decide(args.session, decision)
    print(f"saved {args.action}: {args.decision}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from workshop.export import ExportError, resolve_out
    from workshop.report import export_workshop

    with open_store(args) as store:
        try:
            out = resolve_out(args.out or "", default_export_dir())
            path = export_workshop(store, args.session, args.audience, args.fmt, out, default_export_dir())
        except ExportError as exc:
            raise DataError(str(exc)) from None
    print(path)
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from workshop.analysis import compare
    from workshop.export import render_comparison

    if len(args.sessions) > 2:
        raise UsageError("compare takes OLD NEW, or just NEW")
    with open_store(args) as store:
        after = store.load_session(args.sessions[-1])
        if len(args.sessions) == 2:
            before = store.load_session(args.sessions[0])
        else:
            before = store.earlier_session(after)
            if before is None:
                raise DataError(f"no earlier workshop on {after.organisation} / {after.initiative} to compare with")
    comparison = compare(before, after)
    if args.json:
        _print_json(asdict(comparison))
    else:
        titles = {s.id: s.title for s in (*before.bank.sets, *after.bank.sets)}
        print(render_comparison(comparison, titles))
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    status = SessionStatus.ACTIVE if args.restore else SessionStatus.ARCHIVED
    with open_store(args) as store:
        store.set_status(args.session, status)
    print(f"workshop {args.session} is {status.value}")
    return 0


def _validation_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        return f"{where}: {message}" if where else message
    return str(exc)


def run_app(args: argparse.Namespace) -> int:
    # Imported here so that scripted commands never pay for Textual's import.
    from workshop.tui.app import WorkshopApp

    bank = load_bank(args)
    store = open_store(args)
    try:
        WorkshopApp(store=store, bank=bank).run()
    finally:
        store.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = getattr(args, "run", run_app)
    try:
        return run(args)
    except UsageError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except (StoreError, QuestionnaireError, DataError) as exc:
        return _fail(str(exc), EXIT_DATA)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _fail(message: str, status: int) -> int:
    print(f"workshop: error: {message}", file=sys.stderr)
    return status
