"""`armsledger show ROW`: one register row, how each figure was chosen, and every source sentence."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from armsledger.commands.build import add_db_option
from armsledger.export import render_row


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the command."""
    p = sub.add_parser(
        "show",
        help="show one register row with its provenance and sources",
        description="Print a register row: each figure with the rule that chose it and the claims "
        "and documents behind it, the claims that disagree, then every source sentence "
        "with its document id and offsets.",
    )
    p.add_argument(
        "row", metavar="ROW", help="a row key as `armsledger register` prints it, e.g. TUR/UKR/bayraktartb2"
    )
    add_db_option(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the row."""
    from armsledger.store import open_store
    from armsledger.store.queries import claims_by_key, find_row, register_view

    store = open_store(args.db, create=False)
    try:
        with store.reading() as session:
            view = register_view(session)
            row = find_row(view.curated, args.row)
            wanted = set(row.claims)
            for prov in row.provenance.values():
                wanted.update(prov.disagree)
            claims = claims_by_key(session, wanted)
    finally:
        store.close()
    if args.format == "json":
        data = row.to_json()
        data["edits"] = view.notes(row)
        data["sipri"] = view.sipri_note(row)
        comparison = view.sipri.comparison(row)
        if comparison is not None:
            compared = {r.line for r in comparison.compared}
            data["sipri_comparison"] = {
                "agree": comparison.agree,
                "differ": comparison.differ,
                "not_compared": comparison.unchecked,
                "lines": [{**asdict(r), "compared": r.line in compared} for r in comparison.matches],
            }
        data["sources"] = [
            {
                "claim": k,
                "doc": c.doc,
                "start": c.start,
                "end": c.end,
                "published": c.published,
                "status": c.status,
                "deal": c.deal,
                "quantity": c.quantity,
                "year": c.year,
                "evidence": c.evidence,
            }
            for k, c in sorted(claims.items())
            if k in set(row.claims)
        ]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_row(view, row, claims))
    return 0
