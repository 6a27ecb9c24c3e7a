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
        description="Search stored document text and claims' evidence sentences. Plain words: every "
        'word must occur, in any case, on SQLite and PostgreSQL alike. Also "a phrase", OR and NOT '
        "(both databases) and prefix* (SQLite only). Claims read from one sentence are one line.",
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
    rows = []

    def bare(snippet: str) -> str:
        return " ".join(snippet.split()).strip("…")

    claim_lines = [(h["doc"], bare(h["snippet"])) for h in hits if h["kind"] == "claim"]

    def listed(doc: str, snippet: str) -> bool:
        return any(d == doc and (line in snippet or snippet in line) for d, line in claim_lines)

    for hit in hits:
        snippet = " ".join(hit["snippet"].split())
        if hit["kind"] == "document" and listed(hit["doc"], bare(snippet)):
            continue  # the same sentence is listed with its claims, which name the document
        if hit["kind"] == "claim":
            claims = hit["claims"]
            ref = claims[0] + (f" (+{len(claims) - 1} more)" if len(claims) > 1 else "")
            rows.append([f"claim{'s' if len(claims) > 1 else ''}", ref, hit["doc"] or "", snippet])
        else:
            rows.append([hit["kind"], hit["ref"], hit["doc"] or "", snippet])
    sys.stdout.write(text_table(["kind", "ref", "doc", "match"], rows, {3: 100}) + f"{len(rows)} match(es)\n")
    return 0
