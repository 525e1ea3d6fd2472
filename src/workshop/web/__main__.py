"""`python -m workshop.web SESSION [--db PATH] [--host HOST] [--port PORT]`: serve one workshop to phones.

Exit status: 0 when stopped (Ctrl+C or SIGTERM), 1 for a data problem (unknown workshop, damaged
database, port in use), 2 for a usage problem. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from workshop.paths import default_db_path
from workshop.web.server import ANY_HOST, DEFAULT_PORT, EXIT_USAGE, ServeError, serve


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"workshop: error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(EXIT_USAGE)


def _number(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"expected a number, not '{text}'")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m workshop.web",
                     description="Serve one workshop's blind votes to the participants' phones, until Ctrl+C.")
    parser.add_argument("session", type=_number, metavar="SESSION", help="the workshop's id (see 'workshop list')")
    parser.add_argument("--db", type=Path, metavar="PATH", help="database file (default: $WORKSHOP_DB or the user data folder)")
    parser.add_argument("--host", default=ANY_HOST,
                        help=f"IP address to listen on (default: {ANY_HOST}, every network of this laptop)")
    parser.add_argument("--port", type=_number, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)

    def announce(text: str) -> None:
        print(text, flush=True)

    try:
        return serve(args.db or default_db_path(), args.session, args.host, args.port, announce)
    except ServeError as exc:
        print(f"workshop: error: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
