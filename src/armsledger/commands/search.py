"""`armsledger search QUERY`: full-text search over stored documents and evidence sentences."""

from __future__ import annotations

import argparse
import sys

from armsledger.commands.build import add_db_option
from armsledger.render import text_table


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the command."""
    p = sub.add_parser(
        "search",
        help="full-text search over documents and evidence",
        description="Search stored document text and claims' evidence sentences. On SQLite the "
        'query uses FTS5 syntax: words, "a phrase", OR, NOT, prefix*.',
    )
    p.add_argument("query", nargs="+", metavar="QUERY")
    add_db_option(p)
    p.add_argument("--limit", type=int, default=20, help="most results to print (default 20)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the matches, best first."""
    from armsledger.store import open_store
    from armsledger.store.queries import search

    store = open_store(args.db, create=False)
    try:
        with store.reading() as session:
            hits = search(session, " ".join(args.query), max(1, args.limit))
    finally:
        store.close()
    rows = [[h["kind"], h["ref"], " ".join(h["snippet"].split())] for h in hits]
    sys.stdout.write(text_table(["kind", "ref", "match"], rows, {2: 100}) + f"{len(hits)} match(es)\n")
    return 0
