"""`armsledger export --format FORMAT --out FILE`: the register for other tools."""

from __future__ import annotations

import argparse
import gc
import sys
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
        "columns (--layout sipri: SIPRI's own layout and meaning, to diff against a SIPRI export); "
        "json: rows with provenance; parquet: one row per register row; "
        "graphml/gexf: states as nodes, transfers as edges.",
    )
    p.add_argument("--format", choices=FORMATS, help="default: from the --out suffix")
    p.add_argument("--out", type=Path, required=True, help="the file to write")
    p.add_argument(
        "--layout",
        choices=("armsledger", "sipri"),
        default="armsledger",
        help="csv only. armsledger (default): SIPRI's columns with our stage in 'status', then our own "
        "columns, every row. sipri: SIPRI's 16 columns only, 'status' as SIPRI means it (New/Second hand, "
        "empty: not known from news), our stage in Comments, SIPRI's spelling of a designation when an "
        "imported SIPRI line names the system; only ordered, delivered and cancelled rows",
    )
    p.add_argument(
        "--all-stages",
        action="store_true",
        help="with --layout sipri: also the rows at interest or planned stage",
    )
    p.add_argument(
        "--encoding",
        default="utf-8",
        help="csv only: the text encoding (default utf-8; cp1252 as SIPRI's own export); characters it "
        "cannot hold are written as '?' and counted",
    )
    add_db_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the export."""
    fmt = args.format or args.out.suffix.lstrip(".").lower()
    if fmt != "csv" and (args.layout != "armsledger" or args.encoding.lower().replace("-", "") != "utf8"):
        raise InputError("--layout and --encoding are for CSV; other formats are written as UTF-8")
    if args.all_stages and args.layout != "sipri":
        raise InputError("--all-stages goes with --layout sipri (the armsledger layout has every row)")
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
    # Kept until the command ends and free of cycles: the collector need not scan it again while the
    # output is written (on 67,000 rows it spent more time scanning than writing).
    gc.freeze()
    from armsledger.export import SIPRI_STAGES, sipri_layout_records

    sipri_layout = fmt == "csv" and args.layout == "sipri"
    stages = None if args.all_stages else SIPRI_STAGES
    try:
        replaced = write(view, fmt, args.out, layout=args.layout, stages=stages, encoding=args.encoding)
    except OSError as err:
        raise InputError(f"{args.out}: cannot write ({err.strerror})") from None
    written = len(sipri_layout_records(view, stages)) if sipri_layout else len(view.rows)
    left = (
        f"; {len(view.rows) - written} row(s) at interest or planned stage left out (--all-stages)"
        if (written < len(view.rows))
        else ""
    )
    print(f"{written} row(s) written to {args.out} ({fmt}{', SIPRI layout' if sipri_layout else ''}){left}")
    if replaced:
        print(
            f"armsledger: warning: {replaced} character(s) that {args.encoding} cannot hold were written as '?'",
            file=sys.stderr,
        )
    return 0
