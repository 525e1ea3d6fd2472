"""The command line: parses, calls the core, prints. No business logic lives here.

Built on click, which sqlite-utils already loads: every command has its own `--help`, and shells
complete commands and options (`eval "$(_WORKSHOP_COMPLETE=bash_source workshop)"`).

Exit status: 0 ok, 1 a data problem (unknown id, bad file, unwritable path), 2 a usage problem
(missing or malformed arguments). Every error is one line on stderr, never a traceback, and any
text from a user or a file is cleaned before it reaches the terminal.

The core is imported inside the commands, so each command pays only for what it uses.
"""

from __future__ import annotations

import gc
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from workshop import __version__
from workshop.errors import DataProblem
from workshop.parsing import (
    parse_date,
    parse_path,
    parse_session_id,
    parse_sets,
    parse_since,
    parse_target,
    parse_time_box,
    parse_vote,
)
from workshop.text import has_surrogates, terminal

if TYPE_CHECKING:
    from workshop.questionnaire import QuestionBank
    from workshop.store import Store

EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70  # EX_SOFTWARE: never expected; the tests treat it as a failure
CELL_LIMIT = 60


class UsageError(Exception):
    """Arguments that parse but make no sense together (exit status 2)."""


class DataError(DataProblem):
    """A problem with the data named on the command line (exit status 1)."""


# --- argument types: each one the core parser, so the CLI, forms and screens agree --------------


class Parsed(click.ParamType):
    """A click type that reads its value with one of `workshop.parsing`'s parsers."""

    def __init__(self, name: str, parser: Callable[[str], Any]) -> None:
        self.name = name
        self.parser = parser

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return self.parser(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


SESSION = Parsed("SESSION", parse_session_id)
PATH = Parsed("PATH", parse_path)

SINCE = Parsed("ID|auto|none", parse_since)


def _path_as_typed(text: str) -> str:
    """Checked like any path, but kept as typed: a trailing '/' says 'a folder' to the export."""
    parse_path(text)
    return text


PATH_TEXT = Parsed("PATH", _path_as_typed)
DATE = Parsed("DATE", parse_date)
TIME_BOX = Parsed("SET=MINUTES", parse_time_box)
SETS = Parsed("SETS", parse_sets)
TARGET = Parsed("LEVEL", parse_target)
VOTE = Parsed("LEVEL", parse_vote)




# --- shared plumbing --------------------------------------------------------------------------


@dataclass
class Options:
    db: Path | None
    questionnaires: tuple[Path, ...]

    def db_path(self) -> Path:
        from workshop.paths import default_db_path

        return self.db or default_db_path()

    def store(self) -> Store:
        """For commands that write: opens (creates, upgrades) the file for writing."""
        from workshop.store import Store

        return Store.open(self.db_path())

    def reading_store(self) -> Store:
        """For commands that only read: never waits for, nor blocks, a facilitator writing."""
        from workshop.store import Store

        return Store.open_for_reading(self.db_path())

    def sources(self) -> list[Path]:
        from workshop.paths import user_questionnaire_dir
        from workshop.setfiles import builtin_dir

        sources = [builtin_dir()]
        user_dir = user_questionnaire_dir()
        if _exists(user_dir):
            sources.append(user_dir)  # a folder that cannot be read is reported by the loader
        for folder in self.questionnaires:
            if not _exists(folder):
                raise UsageError(f"--questionnaires {terminal(folder)}: no such folder")
            sources.append(folder)
        return sources

    def bank(self) -> QuestionBank:
        """Built-in sets, the user's folder, and any --questionnaires folders; refuses broken ones.

        Read from the cache while no file has changed since it was last checked.
        """
        from workshop.questionnaire import QuestionnaireError, load_bank

        result = load_bank(self.sources())
        if result.problems:
            raise QuestionnaireError(result.problems)
        return result.bank

    def bank_checked(self) -> bool:
        """Has the bank these files make been checked (and found without problems) before?"""
        from workshop.setfiles import bank_key, is_cached, toml_files

        return is_cached(bank_key(toml_files(self.sources())))


pass_options = click.make_pass_decorator(Options)


def _exists(path: Path) -> bool:
    try:
        path.stat()
    except FileNotFoundError:
        return False
    except OSError:
        return True  # there, but unreadable: let the loader say so in one line
    return True


def _print_json(data: Any) -> None:
    print(safe_json(data))


def safe_json(data: Any) -> str:
    """JSON for the terminal: non-ASCII kept readable, but invisible and bidi characters escaped."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# Inside JSON strings only (JSON itself escapes C0 controls): characters a terminal would act on.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]")


def _print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[terminal(c, CELL_LIMIT) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _model(build: Callable[[], Any]) -> Any:
    """Build a model from arguments; a validation problem is a usage error in one line."""
    from pydantic import ValidationError

    from workshop.errors import one_line_error

    try:
        return build()
    except (ValidationError, ValueError) as exc:
        raise UsageError(one_line_error(exc)) from None


# --- the commands -----------------------------------------------------------------------------

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(invoke_without_command=True, context_settings=CONTEXT)
@click.option("--db", type=PATH, metavar="PATH",
              help="Database file (default: $WORKSHOP_DB or the user data folder).")
@click.option("--questionnaires", type=PATH, multiple=True, metavar="DIR",
              help="A folder of extra question sets (*.toml); may be repeated.")
@click.version_option(__version__, prog_name="workshop", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, questionnaires: tuple[Path, ...]) -> int | None:
    """Run AI production-readiness workshops. With no command, opens the facilitator's app."""
    ctx.obj = Options(db, questionnaires)
    if ctx.invoked_subcommand is None:
        return run_app(ctx.obj)
    return None


@cli.command()
@click.argument("paths", nargs=-1, type=PATH, metavar="[PATH]...")
@pass_options
def validate(options: Options, paths: tuple[Path, ...]) -> int:
    """Check question set files (default: every set in play); one line per problem."""
    from workshop.questionnaire import load_paths

    result = load_paths(list(paths) or options.sources())
    for problem in result.problems:
        print(problem)
    if not result.files:
        raise DataError("no question set files found")
    if result.problems:
        print(f"{len(result.problems)} problem(s) in {len(result.files)} file(s)", file=sys.stderr)
        return EXIT_DATA
    print(f"ok: {len(result.files)} file(s), {len(result.bank.sets)} set(s), {len(result.bank.questions())} questions")
    return 0


@cli.command()
@click.option("--set", "set_id", metavar="SET", help="Only this set.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_options
def questions(options: Options, set_id: str | None, as_json: bool) -> int:
    """List the question bank."""
    bank = options.bank()
    if set_id and bank.get_set(set_id) is None:
        raise UsageError(f"unknown question set '{terminal(set_id, 40)}' (known: {', '.join(bank.set_ids())})")
    rows = [
        {
            "id": loc.question.id, "set": loc.set.id, "section": loc.section.title,
            "prompt": loc.question.prompt, "weight": loc.question.weight, "target": loc.question.target,
            "gate": loc.question.gate, "actions": len(loc.question.actions),
            "references": [{"framework": r.framework.value, "ref": r.ref, "label": r.label}
                           for r in loc.question.references],
        }
        for loc in bank.located()
        if not set_id or loc.set.id == set_id
    ]
    if as_json:
        _print_json(rows)
    else:
        _print_table(
            ["ID", "SET", "W", "T", "GATE", "ACTIONS", "PROMPT"],
            [[r["id"], r["set"], r["weight"], r["target"], "gate" if r["gate"] else "", r["actions"], r["prompt"]]
             for r in rows],
        )
    return 0


@cli.command()
@click.option("--org", required=True, help="The organisation.")
@click.option("--initiative", required=True, help="The AI initiative assessed.")
@click.option("--facilitator", required=True, help="Who runs the workshop.")
@click.option("--date", type=DATE, help="YYYY-MM-DD (default: today).")
@click.option("--participant", "participants", multiple=True, metavar="NAME:ROLE", help="May be repeated.")
@click.option("--sets", type=SETS, help="Comma-separated set ids (default: the four core sets).")
@click.option("--time-box", "time_boxes", type=TIME_BOX, multiple=True, help="Minutes per set; may be repeated.")
@pass_options
def new(options: Options, org: str, initiative: str, facilitator: str, date: Any, participants: tuple[str, ...],
        sets: tuple[str, ...] | None, time_boxes: tuple[tuple[str, int], ...]) -> int:
    """Start a workshop and print its id."""
    from workshop.questionnaire import DEFAULT_SETS
    from workshop.session import NewSession, Participant

    fields: dict[str, Any] = {"date": date} if date else {}
    new_session = _model(lambda: NewSession(
        organisation=org, initiative=initiative, facilitator=facilitator,
        participants=tuple(Participant.parse(spec) for spec in participants),
        sets=sets or DEFAULT_SETS, time_boxes=dict(time_boxes), **fields,
    ))
    bank = options.bank()
    with options.store() as store:
        print(store.create_session(new_session, bank))
    return 0


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_options
def list_(options: Options, as_json: bool) -> int:
    """Workshops, newest first, with their progress."""
    from workshop.store import NoDatabase

    start = "Start one with: workshop new --org ORG --initiative NAME --facilitator NAME"
    try:
        store = options.reading_store()
    except NoDatabase:  # said, so that a moved or deleted file never reads as "no workshops yet"
        print("[]" if as_json else f"No workshops: there is no database at {options.db_path()}. {start}")
        return 0
    with store:
        if as_json:
            _print_json([s.model_dump(mode="json") for s in store.list_sessions()])
            return 0
        rows = store.session_rows()  # plain rows: the table needs no model
    if not rows:
        print(f"No workshops yet. {start}")
        return 0
    _print_table(
        ["ID", "DATE", "ORGANISATION", "INITIATIVE", "PROGRESS", "STATUS"],
        [[s.id, s.date, s.organisation, s.initiative, f"{s.answered}/{s.total}", s.status] for s in rows],
    )
    return 0


@cli.command()
@click.argument("session", type=SESSION)
@click.argument("question", metavar="QUESTION_ID")
@click.argument("level", metavar="LEVEL")
@click.option("--reason", help="Why not applicable (required with 'na'), or why the room settled here.")
@click.option("--note", help="Public note, shown to participants.")
@click.option("--private-note", help="Facilitator's note, never exported to participants.")
@click.option("--evidence", help="What the room cited.")
@click.option("--confidence", type=click.Choice(["low", "medium", "high"]))
@click.option("--flag", is_flag=True, default=None, help="Flag for follow-up.")
@click.option("--by", "answered_by", help="Who recorded it (default: the facilitator).")
@pass_options
def answer(options: Options, session: int, question: str, level: str, **extra: Any) -> int:
    """Record the room's answer to a question. LEVEL is 0-4, 'unknown' or 'na'."""
    from workshop.session import AnswerChange

    reason = extra.pop("reason")
    extra["flagged"] = extra.pop("flag")
    change = _model(lambda: AnswerChange.from_level_text(level, reason=reason, **extra))
    with options.store() as store:
        if change.answered_by is None:
            change = change.model_copy(update={"answered_by": store.facilitator(session)})
        saved = store.record_answer(session, question, change)
    print(f"saved {question} = {saved.describe()}")
    return 0


@cli.command()
@click.argument("session", type=SESSION)
@click.argument("question", metavar="QUESTION_ID")
@click.option("--again", is_flag=True, help="Vote again on a question voted on before (that round is kept).")
@pass_options
def ask(options: Options, session: int, question: str, again: bool) -> int:
    """Open a blind vote on a question; a vote already open on it carries on."""
    from workshop.store import VotedBefore

    with options.store() as store:
        try:
            opened = store.open_round(session, question, again=again)
        except VotedBefore as exc:
            raise DataError(f"{exc}: add --again to vote on it again") from None
    counted = f" ({len(opened.votes)} voted so far)" if opened.votes else ""
    print(f"vote open on {question}{counted}")
    return 0


@cli.command()
@click.argument("session", type=SESSION)
@click.argument("question", metavar="QUESTION_ID")
@click.argument("participant", metavar="PARTICIPANT")
@click.argument("level", type=VOTE)
@pass_options
def vote(options: Options, session: int, question: str, participant: str, level: int | None) -> int:
    """Record one participant's level (0-4, or 'unknown') in a question's open vote."""
    with options.store() as store:
        store.record_vote(session, question, participant, level)
    print(f"saved vote {terminal(participant, CELL_LIMIT)} on {question} = {'unknown' if level is None else level}")
    return 0


@cli.command()
@click.argument("session", type=SESSION)
@click.option("--question", metavar="QUESTION_ID", help="Reveal this question's open vote.")
@pass_options
def reveal(options: Options, session: int, question: str | None) -> int:
    """Reveal the open vote (the one opened last, or --question's): the spread, without names."""
    from workshop.analysis import spread_text

    with options.store() as store:
        revealed = store.reveal_round(session, question)
    print(f"revealed {revealed.question_id}: {len(revealed.votes)} vote(s); {spread_text(revealed.votes)}")
    return 0


@cli.command()
@click.argument("session", type=SESSION)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_options
def show(options: Options, session: int, as_json: bool) -> int:
    """Every answer of a workshop."""
    with options.reading_store() as store:
        loaded = store.load_session(session)
    if as_json:
        _print_json(loaded.model_dump(mode="json", exclude={"bank"}))
        return 0
    print(f"Workshop {loaded.id}: {terminal(loaded.organisation)} / {terminal(loaded.initiative)}, "
          f"{loaded.date}, facilitated by {terminal(loaded.facilitator)}")
    if loaded.participants:
        print("Participants: " + ", ".join(
            terminal(f"{p.name} ({p.role})" if p.role else p.name, CELL_LIMIT) for p in loaded.participants
        ))
    print(f"Answered {loaded.answered_count} of {loaded.total}\n")
    rows = []
    for loc in loaded.bank.located():
        a = loaded.answer(loc.question.id)
        rows.append([
            loc.question.id, a.describe(), loaded.target(loc.question.id),
            a.confidence.value if a.confidence else "", "flag" if a.flagged else "", a.note or a.reason,
            a.private_note,
        ])
    _print_table(["QUESTION", "LEVEL", "TARGET", "CONFIDENCE", "FLAG", "NOTE", "PRIVATE NOTE"], rows)
    return 0


@cli.command()
@click.argument("session", type=SESSION)
@click.argument("question", metavar="QUESTION_ID")
@click.argument("target", type=TARGET)
@pass_options
def target(options: Options, session: int, question: str, target: int | None) -> int:
    """Raise or lower a question's target for one workshop: 1-4, or 'default'."""
    with options.store() as store:
        store.set_target(session, question, target)
    print(f"saved target {question} = {'default' if target is None else target}")
    return 0


@cli.command()
@click.argument("session", type=SESSION)
@click.argument("action", metavar="ACTION_ID")
@click.argument("decision", type=click.Choice(["accepted", "rejected"]))
@click.option("--owner", default="", help="The person who owns it.")
@click.option("--due", type=DATE, help="YYYY-MM-DD.")
@click.option("--note", default="", help="A note; for a rejection, why.")
@pass_options
def decide(options: Options, session: int, action: str, decision: str, owner: str, due: Any, note: str) -> int:
    """Accept or reject a remediation action."""
    from workshop.session import ActionDecision

    chosen = _model(lambda: ActionDecision(action_id=action, decision=decision, owner_name=owner, due_date=due,
                                           note=note))
    with options.store() as store:
        store.decide(session, chosen)
    print(f"saved {action}: {decision}")
    return 0


@cli.command()
@click.argument("session", type=SESSION)
@click.option("--audience", type=click.Choice(["participants", "facilitator"]), default="participants",
              show_default=True, help="Participants never see private notes.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json", "csv"]), default="md", show_default=True)
@click.option("--out", metavar="PATH", type=PATH_TEXT, help="A file, or a folder (default: ./exports/).")
@click.option("--since", type=SINCE, default="auto", show_default=True,
              help="Compare with this earlier workshop (an id), or 'none'; 'auto' is the latest earlier active "
              "one on the same organisation and initiative.")
@pass_options
def export(options: Options, session: int, audience: str, fmt: str, out: str | None, since: int | str) -> int:
    """Write the summary: Markdown, HTML, JSON or CSV; prints the path written."""
    from workshop.export import ExportError, resolve_out
    from workshop.paths import default_export_dir
    from workshop.report import export_workshop

    with options.reading_store() as store:
        try:
            target_path = resolve_out(out or "", default_export_dir())
            path = export_workshop(store, session, audience, fmt, target_path, default_export_dir(), since=since)
        except ExportError as exc:
            raise DataError(str(exc)) from None
    print(terminal(path))
    return 0


@cli.command()
@click.argument("sessions", type=SESSION, nargs=-1, required=True, metavar="[OLD] NEW")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_options
def compare(options: Options, sessions: tuple[int, ...], as_json: bool) -> int:
    """Re-assessment: what changed since an earlier workshop (default: the latest earlier one)."""
    from workshop.analysis import compare as compare_sessions
    from workshop.export import render_comparison

    if len(sessions) > 2:
        raise UsageError("compare takes OLD NEW, or just NEW")
    with options.reading_store() as store:
        after = store.load_session(sessions[-1])
        before = store.load_session(sessions[0]) if len(sessions) == 2 else store.earlier_session(after)
        if before is None:
            raise DataError(f"no earlier workshop on {terminal(after.organisation)} / "
                            f"{terminal(after.initiative)} to compare with")
    comparison = compare_sessions(before, after)
    if as_json:
        _print_json(comparison.as_dict())
    else:
        titles = {s.id: s.title for s in (*before.bank.sets, *after.bank.sets)}
        print(render_comparison(comparison, titles))
    return 0


@cli.command()
@click.argument("session", type=SESSION)
@click.option("--restore", is_flag=True, help="Make an archived workshop active again.")
@pass_options
def archive(options: Options, session: int, restore: bool) -> int:
    """Archive a workshop (or restore it)."""
    status = "active" if restore else "archived"  # SessionStatus values: this command builds no model
    with options.store() as store:
        store.set_status(session, status)
    print(f"workshop {session} is {status}")
    return 0


@cli.command()
@click.argument("dest", type=PATH, metavar="DEST")
@pass_options
def backup(options: Options, dest: Path) -> int:
    """Copy the whole database safely to DEST (a file or a folder), even while the app is open."""
    with options.reading_store() as store:
        written = store.backup(dest)
    print(terminal(written))
    return 0


@cli.command()
@click.argument("session", type=SESSION)
@click.option("--host", default="0.0.0.0", show_default=True,
              help="The address to listen on: 0.0.0.0 is every network of this laptop.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="The port (0: any free one).")
@pass_options
def serve(options: Options, session: int, host: str, port: int) -> int:
    """Let participants vote blind from their phones: serves one workshop until Ctrl+C.

    Prints the join link, a QR code to scan and the address to type. Phones on the same network
    (the room's Wi-Fi or a phone hotspot) open it; nothing leaves the laptop.
    """
    from workshop.web.server import ServeError
    from workshop.web.server import serve as serve_phones

    def announce(text: str) -> None:
        print(text, flush=True)

    gc.enable()  # serves until Ctrl+C
    try:
        return serve_phones(options.db_path(), session, host, port, announce)
    except ServeError as exc:
        if exc.status == EXIT_USAGE:
            raise UsageError(str(exc)) from None
        raise DataError(str(exc)) from None


@cli.command()
@click.argument("session", type=SESSION)
@click.option("--light", is_flag=True, help="Dark text on a light background, for a bright room.")
@pass_options
def room(options: Options, session: int, light: bool) -> int:
    """Open the room view of a workshop: a second window for the projector, until q or Ctrl+Q.

    It follows the facilitator's app: the question on screen, its five levels, the vote (who has
    voted, never what; the spread after the reveal), the time box and the progress per set. It never
    shows private notes, flags, evidence or confidence, and never writes to the database.
    """
    with options.reading_store() as store:
        store.load_session(session)  # an unknown workshop is one line here, not a blank screen
        from workshop.tui.room import RoomApp  # Textual only for the command that draws

        RoomApp(store, session, light=light).run()
    return 0


def run_app(options: Options) -> int:
    # Imported here so that scripted commands never pay for Textual's import.
    from workshop.config import load_config
    from workshop.paths import user_config_file
    from workshop.store import Store
    from workshop.tui.app import WorkshopApp

    # Sets checked before and unchanged since are loaded when first needed, after the home screen is
    # drawn; new or changed ones are checked now, so a broken set is reported before the app opens.
    bank = options.bank if options.bank_checked() else options.bank()
    config = load_config(user_config_file())
    store = Store.open_or_read_only(options.db_path())
    gc.enable()  # the app runs for hours (and freezes what the imports made: see WorkshopApp.run)
    try:
        WorkshopApp(store=store, bank=bank, keymap=config.keymap, setup_problems=config.problems).run()
    finally:
        store.close()
    return 0


# --- one error route --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    # A command lives a fraction of a second and makes few reference cycles: the collector's passes
    # over what its imports create cost about 7% of its time (14 ms of `answer`). The app and the
    # phone-vote server, which run for hours, turn it back on.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _main(argv)
    finally:
        if collecting:
            gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    for arg in args:
        if has_surrogates(arg):
            return _fail(f"an argument is not valid UTF-8 text: '{terminal(arg, 40)}'", EXIT_USAGE)
    try:
        result = cli.main(args=args, prog_name="workshop", standalone_mode=False)
    except click.UsageError as exc:
        where = exc.ctx.command_path if exc.ctx is not None else "workshop"
        return _fail(f"{exc.format_message()} (see '{where} --help')", EXIT_USAGE)
    except click.ClickException as exc:
        return _fail(exc.format_message(), EXIT_DATA)
    except click.Abort:
        return 130
    except UsageError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except DataProblem as exc:
        return _fail(str(exc), EXIT_DATA)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still one line for the person at the keyboard, and a status of its own
        return _fail(f"internal error ({type(exc).__name__}: {exc}); please report it", EXIT_INTERNAL)
    return result if isinstance(result, int) else 0


def _fail(message: str, status: int) -> int:
    print(f"workshop: error: {terminal(message)}", file=sys.stderr)
    return status
