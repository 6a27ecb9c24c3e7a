"""`armsledger export --format FORMAT --out FILE`: the register for other tools."""

from __future__ import annotations

import argparse
from pathlib import Path

from armsledger.commands.build import add_db_option
from armsledger.errors import InputError
from armsledger.export import FORMATS, write


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the command."""
    p = sub.add_parser(
        "export",
        help="write the register as CSV (SIPRI columns), JSON, Parquet, GraphML or GEXF",
        description="csv: SIPRI trade-register column order and state names, then armsledger's "
        "columns; json: rows with provenance; parquet: one row per register row; "
        "graphml/gexf: states as nodes, transfers as edges.",
    )
    p.add_argument("--format", choices=FORMATS, help="default: from the --out suffix")
    p.add_argument("--out", type=Path, required=True, help="the file to write")
    add_db_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the export."""
    fmt = args.format or args.out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise InputError(
            f"{args.out}: cannot tell the format from the suffix; give --format ({', '.join(FORMATS)})"
        )
    if not args.out.parent.is_dir():
        raise InputError(f"{args.out}: folder {args.out.parent} does not exist")
    from armsledger.store import open_store
    from armsledger.store.queries import register_view

    store = open_store(args.db, create=False)
    try:
        with store.reading() as session:
            view = register_view(session)
    finally:
        store.close()
    try:
        write(view, fmt, args.out)
    except OSError as err:
        raise InputError(f"{args.out}: cannot write ({err.strerror})") from None
    print(f"{len(view.rows)} row(s) written to {args.out} ({fmt})")
    return 0
