"""`armsledger register`: the register after analysts' edits, as a table, CSV or JSON."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from armsledger.commands.build import add_db_option
from armsledger.errors import InputError
from armsledger.export import render_csv, render_json, render_table

RENDERERS = {"table": render_table, "csv": render_csv, "json": render_json}


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the command."""
    p = sub.add_parser(
        "register",
        help="print the register (same store, same bytes)",
        description="Print every register row, sorted by row key, with analysts' edits applied; "
        "the footer reports orphaned edits and rejected rows.",
    )
    add_db_option(p)
    p.add_argument("--format", choices=tuple(RENDERERS), default="table")
    p.add_argument("--out", type=Path, help="write here instead of standard output")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the register."""
    from armsledger.store import open_store
    from armsledger.store.queries import register_view

    store = open_store(args.db, create=False)
    try:
        with store.reading() as session:
            view = register_view(session)
    finally:
        store.close()
    # Kept until the command ends and free of cycles: the collector need not scan it again while the
    # output is written (on 67,000 rows it spent more time scanning than writing).
    gc.freeze()
    body = RENDERERS[args.format](view)
    if args.out:
        try:
            args.out.write_text(body, encoding="utf-8")
        except OSError as err:
            raise InputError(f"{args.out}: cannot write ({err.strerror})") from None
    else:
        sys.stdout.write(body)
    return 0
