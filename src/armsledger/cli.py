"""The command line: `armsledger COMMAND ...`, one module per command under commands/.

User mistakes (bad files, bad options) end with a message and exit status 1 or 2,
never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from armsledger import __version__
from armsledger.errors import ArmsledgerError

# Command modules; each defines add_parser(subparsers) and sets args.run.
COMMANDS: tuple[str, ...] = (
    "extract",
    "evaluate",
    "analyze",
    "report",
    "build",
    "register",
    "show",
    "edit",
    "export",
    "import_sipri",
    "search",
    "batch",
    "serve",
    "user",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered command."""
    parser = argparse.ArgumentParser(
        prog="armsledger",
        description="Arms-transfer claims from news, reconciled into a register that cites its sources.",
    )
    parser.add_argument("--version", action="version", version=f"armsledger {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"armsledger.commands.{name}")
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.run(args) or 0)
    except ArmsledgerError as exc:
        print(f"armsledger: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("armsledger: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
