"""`armsledger analyze network|entrapment|bundles|timeline`: analyse the register, from documents or the ledger."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from armsledger.analysis.bundles import bundled_deals, drone_diplomacy
from armsledger.analysis.dating import Reference, reference_date
from armsledger.analysis.entrapment import find_entrapment
from armsledger.analysis.frames import claims_frame, documents_frame, from_ledger, register_from_claims
from armsledger.analysis.network import TRANSFER_STATUSES, network_summary
from armsledger.analysis.relations import default_relations, known_codes
from armsledger.analysis.timeline import claims_by_status, pair_timeline
from armsledger.commands.arguments import at_least_one
from armsledger.errors import InputError
from armsledger.extract import extract
from armsledger.ingest import ReadFailure, read_paths
from armsledger.knowledge import default_knowledge
from armsledger.model import Document
from armsledger.render import text_table

EMPTY = "The register is empty: there are no transfers to analyse."
# What each analysis prints as JSON for an empty register: its keys with nothing in them.
EMPTY_JSON: dict[str, dict[str, list[Any]]] = {
    "network": {
        k: [] for k in ("pairs", "categories", "dependence", "centrality", "new_pairs", "shared_clients")
    },
    "entrapment": {"findings": []},
    "bundles": {"bundled_deals": [], "drone_diplomacy": []},
    "timeline": {"by_status": [], "pairs": []},
}


@dataclass(slots=True)
class Inputs:
    """What every analysis reads: register rows, claims and documents."""

    rows: pd.DataFrame
    claims: pd.DataFrame
    documents: pd.DataFrame
    source: str


def add_source_arguments(p: argparse.ArgumentParser) -> None:
    """The PATH... / --db options shared by the analysis and report commands."""
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="documents (.txt, .jsonl, folders) to extract from on the fly; without PATH the ledger is read",
    )
    p.add_argument(
        "--db", metavar="URL", help="the ledger database (default: ARMSLEDGER_DB, else ./armsledger.db)"
    )


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the command and its four analyses."""
    p = sub.add_parser(
        "analyze",
        help="analyse the register: network, entrapment, bundles, timeline",
        description="Analyse the register of transfers together with alliances, rivalries and "
        "conflicts. Reads the ledger, or extracts from documents given as PATHs.",
    )
    kinds = p.add_subparsers(dest="analysis", metavar="ANALYSIS", required=True)
    network = kinds.add_parser("network", help="the supplier-recipient network for a year range")
    entrapment = kinds.add_parser("entrapment", help="guarantors exposed by their allies' transfers")
    bundles = kinds.add_parser("bundles", help="deals bundled with other agreements, and drone diplomacy")
    timeline = kinds.add_parser("timeline", help="claims by status over the years")
    for q in (network, entrapment, bundles, timeline):
        add_source_arguments(q)
        q.add_argument("--format", choices=("table", "json"), default="table", help="table (default) or json")
    network.add_argument("--from", dest="start", type=int, metavar="YEAR", help="first year (inclusive)")
    network.add_argument("--to", dest="end", type=int, metavar="YEAR", help="last year (inclusive)")
    network.add_argument(
        "--with-interest", action="store_true", help="count rows at the interest stage as transfers too"
    )
    entrapment.add_argument(
        "--as-of",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="the date relations are checked at for a transfer with no date of its own (default: the "
        "latest publication date among the documents, else the latest year they report an order or "
        "delivery in; today only when nothing is dated)",
    )
    entrapment.add_argument(
        "--guarantor", action="append", metavar="ISO3", help="only this guarantor (repeatable)"
    )
    entrapment.add_argument(
        "--top",
        type=at_least_one("findings"),
        default=20,
        metavar="N",
        help="how many findings a table shows (default 20)",
    )
    network.set_defaults(run=run_network)
    entrapment.set_defaults(run=run_entrapment)
    bundles.set_defaults(run=run_bundles)
    timeline.set_defaults(run=run_timeline)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _from_documents(paths: list[str]) -> Inputs:
    kb = default_knowledge()
    docs: dict[str, Document] = {}
    results = []
    failures = 0
    for result in read_paths(paths):
        if isinstance(result, ReadFailure):
            failures += 1
            print(f"armsledger: warning: {result}", file=sys.stderr)
            continue
        if result.id in docs:
            continue  # the same document read twice (a .txt and its corpus line)
        docs[result.id] = result
        results.append((result, extract(result, kb)))
    if not docs:
        raise InputError(f"no document could be read from {', '.join(paths)}")
    if failures:
        print(
            f"armsledger: warning: {failures} input(s) skipped; analysing {len(docs)} document(s)",
            file=sys.stderr,
        )
    # The ledger's own reconcile makes the rows, so the scores and keys are the ledger's.
    rows, claims = register_from_claims(claims_frame(results))
    return Inputs(rows, claims, documents_frame(docs.values()), f"{len(docs)} document(s)")


def ledger_available() -> bool:
    """Whether this installation has the ledger's library API."""
    return importlib.util.find_spec("armsledger.api") is not None


def _from_ledger(db: str | None) -> Inputs:
    if not ledger_available():
        raise InputError(
            "reading the ledger needs armsledger.api, which this installation does not have; "
            "give document PATHs to analyse instead"
        )
    api = importlib.import_module("armsledger.api")
    with api.open_ledger(db) as ledger:
        rows, claims = from_ledger(ledger.register(), ledger.claims())
        documents = ledger.documents()
        where = getattr(ledger.store, "where", db or "the default ledger")
    return Inputs(rows, claims, documents, f"ledger {where}")


def load_inputs(args: argparse.Namespace) -> Inputs:
    """Rows, claims and documents from the PATHs given, else from the ledger."""
    if args.paths and args.db:
        raise InputError("give document PATHs or --db, not both")
    return _from_documents(args.paths) if args.paths else _from_ledger(args.db)


def _plain(value: Any) -> Any:
    """A JSON-ready value from a DataFrame cell."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "item"):
        value = value.item()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-ready dicts."""
    return [{str(k): _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def frame_table(frame: pd.DataFrame, widths: dict[int, int] | None = None) -> str:
    """A DataFrame as a plain-text table."""
    return text_table(
        [str(c) for c in frame.columns],
        [[_cell(v) for v in row] for row in frame.itertuples(index=False)],
        widths,
    )


def _emit(args: argparse.Namespace, payload: dict[str, Any], text: Callable[[], str]) -> int:
    if args.format == "json":
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(text())
    return 0


def _empty(args: argparse.Namespace, inputs: Inputs) -> bool:
    """Say that the register is empty, in the output's format; whether it is."""
    if not inputs.rows.empty:
        return False
    if args.format == "json":
        print(json.dumps(EMPTY_JSON[args.analysis], indent=2))
    else:
        print(EMPTY)
    return True


def check_year_range(start: int | None, end: int | None) -> None:
    """Refuse a --from/--to range that runs backwards or leaves the plausible years."""
    for name, year in (("--from", start), ("--to", end)):
        if year is not None and not 1900 <= year <= 2100:
            raise InputError(f"{name} {year}: expected a year from 1900 to 2100")
    if start is not None and end is not None and start > end:
        raise InputError(f"--from {start} is after --to {end}: the range runs backwards")


def check_guarantors(codes: list[str] | None) -> list[str] | None:
    """Guarantor codes in upper case; an unknown one is an error that suggests the code for a name."""
    if not codes:
        return None
    kb = default_knowledge()
    known = known_codes(kb)
    checked = []
    for text in codes:
        code = text.strip().upper() if not text.strip().startswith("NSA:") else text.strip()
        if code not in known:
            entry = kb.lookup(text.strip())
            hint = f"; did you mean {entry.value}?" if entry is not None and entry.kind == "state" else ""
            raise InputError(f"--guarantor {text!r} is not a known state code (ISO3 in states.csv){hint}")
        checked.append(code)
    return checked


def run_network(args: argparse.Namespace) -> int:
    """Print the network tables."""
    check_year_range(args.start, args.end)
    inputs = load_inputs(args)
    if _empty(args, inputs):
        return 0
    statuses = (*TRANSFER_STATUSES, "interest") if args.with_interest else TRANSFER_STATUSES
    tables = network_summary(inputs.rows, inputs.claims, args.start, args.end, statuses)
    titles = {
        "pairs": "Volumes by supplier-recipient pair (transfers = register rows; columns per category)",
        "categories": "Volumes by category",
        "dependence": "Dependence on the top supplier",
        "centrality": "Centrality",
        "new_pairs": "New supplier-recipient pairs by year (new: no transfer between them in any earlier year)",
        "shared_clients": "Clients shared between suppliers",
    }

    def text() -> str:
        span = f"{args.start or '...'}-{args.end or '...'}" if args.start or args.end else "all years"
        parts = [f"Network of {inputs.source}, {span}\n"]
        for name, frame in tables.items():
            parts.append(f"\n{titles[name]}\n")
            parts.append(frame_table(frame) if not frame.empty else "(none)\n")
        return "".join(parts)

    return _emit(args, {name: records(frame) for name, frame in tables.items()}, text)


def run_entrapment(args: argparse.Namespace) -> int:
    """Print the entrapment findings, best first."""
    guarantors = check_guarantors(args.guarantor)
    inputs = load_inputs(args)
    if _empty(args, inputs):
        return 0
    kb = default_knowledge()
    reference = Reference(args.as_of, "given with --as-of") if args.as_of else reference_date(inputs.claims)
    findings = find_entrapment(inputs.rows, inputs.claims, default_relations(), kb, reference.day, guarantors)

    def text() -> str:
        if not findings:
            return (
                "No entrapment findings: no ally of a guarantor arms a state opposed to the guarantor's rival.\n"
                f"{reference.describe()}\n"
            )
        shown = findings[: args.top]
        table = text_table(
            ["#", "score", "guarantor", "supplier", "recipient", "adversary", "also against", "systems"],
            [
                [
                    str(i),
                    f"{f.score:.3f}",
                    f.guarantor,
                    f.supplier,
                    f.recipient,
                    f.adversary,
                    ", ".join(f.also_against),
                    ", ".join(f.systems),
                ]
                for i, f in enumerate(shown, 1)
            ],
            {6: 24, 7: 40},
        )
        parts = [table, f"{len(findings)} finding(s) in {inputs.source}\n{reference.describe()}\n"]
        for i, f in enumerate(shown, 1):
            parts.append(f"\n#{i} {f.explanation}\n")
            for e in f.evidence:
                parts.append(f"   {e['doc']} [{e['start']}:{e['end']}] {' '.join(e['sentence'].split())}\n")
        return "".join(parts)

    payload = {
        "findings": [f.to_json() for f in findings],
        "as_of": {"date": reference.day.isoformat(), "basis": reference.basis},
    }
    return _emit(args, payload, text)


def run_bundles(args: argparse.Namespace) -> int:
    """Print bundled deals and drone diplomacy."""
    inputs = load_inputs(args)
    if _empty(args, inputs):
        return 0
    kb = default_knowledge()
    bundled = bundled_deals(inputs.claims, inputs.documents, kb)
    drones = drone_diplomacy(inputs.rows, inputs.claims, kb)

    def text() -> str:
        parts = ["Deals announced with other agreements between the same two states\n"]
        parts.append(
            frame_table(
                bundled[
                    ["doc", "supplier", "recipient", "system", "category", "status", "agreements", "sentence"]
                ],
                {7: 80},
            )
            if not bundled.empty
            else "(none)\n"
        )
        parts.append("\nDrone diplomacy: drone suppliers by new clients per year\n")
        parts.append(frame_table(drones, {7: 60}) if not drones.empty else "(none)\n")
        return "".join(parts)

    return _emit(args, {"bundled_deals": records(bundled), "drone_diplomacy": records(drones)}, text)


def run_timeline(args: argparse.Namespace) -> int:
    """Print claims by status per year and the years each pair is reported."""
    inputs = load_inputs(args)
    if _empty(args, inputs):
        return 0
    by_status = claims_by_status(inputs.claims)
    pairs = pair_timeline(inputs.claims)

    def text() -> str:
        return (
            "Claims by status and year (the claim's year, else its document's)\n"
            + frame_table(by_status)
            + "\nSupplier-recipient pairs over time\n"
            + frame_table(pairs)
        )

    return _emit(args, {"by_status": records(by_status), "pairs": records(pairs)}, text)
