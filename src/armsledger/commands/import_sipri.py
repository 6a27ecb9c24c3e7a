"""`armsledger import-sipri FILE.csv`: load a SIPRI trade-register export to check the register against."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from armsledger.commands.build import add_db_option
from armsledger.knowledge import default_knowledge
from armsledger.sipri import read_sipri


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the command."""
    p = sub.add_parser(
        "import-sipri",
        help="load a SIPRI trade-register CSV export for comparison",
        description="Read SIPRI's CSV export (preamble, '?' flag columns, Windows-1252) and map its "
        "state names to codes. It replaces any earlier import; the register then says, "
        "per row, whether SIPRI has it too and where the figures differ.",
    )
    p.add_argument("file", type=Path, metavar="FILE.csv")
    add_db_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Import and summarise."""
    kb = default_knowledge()
    result = read_sipri(args.file, kb)
    for warning in result.warnings:
        print(f"armsledger: warning: {warning}", file=sys.stderr)
    for note in result.notes:
        print(f"armsledger: note: {note}", file=sys.stderr)
    from armsledger.store import open_store
    from armsledger.store.ledger import replace_sipri
    from armsledger.store.queries import register_view

    store = open_store(args.db)
    try:
        stored = replace_sipri(store, str(args.file), result.records)
        with store.reading() as session:
            view = register_view(session, kb)
    finally:
        store.close()
    skipped = result.rows_read - stored
    print(f"{result.rows_read} SIPRI rows read, {stored} imported, {skipped} skipped")
    if view.rows:
        kinds: Counter[str] = Counter()
        for row in view.rows:
            found = view.sipri.comparison(row)
            if found is None or not found.matches:
                kinds["not"] += 1
            elif found.differ_fields:
                kinds["differs"] += 1
            elif found.agree:
                kinds["also"] += 1
            else:
                kinds["uncompared"] += 1
        print(
            f"register: {kinds['also']} row(s) also in SIPRI, {kinds['differs']} differ from SIPRI, "
            f"{kinds['uncompared']} in SIPRI with nothing to compare, {kinds['not']} not in SIPRI"
        )
    return 0
