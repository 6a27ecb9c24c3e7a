"""`armsledger eval CORPUS GOLD`: extract a corpus and score it against gold claims."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from armsledger.commands.extract import extract_all
from armsledger.errors import InputError
from armsledger.evaluate import (
    diagnose,
    document_counts,
    format_report,
    load_claim_file,
    score,
    scores_to_json,
)
from armsledger.ingest import ReadFailure


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the command."""
    p = sub.add_parser(
        "eval",
        help="score extraction against gold claims",
        description="Run extraction on a corpus and print precision, recall and F1 by the "
        "annotation guidelines' rules, with the errors per document.",
    )
    p.add_argument("corpus", type=Path, help="corpus .jsonl (or .txt files / a folder)")
    p.add_argument("gold", type=Path, help="gold claims .jsonl")
    p.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    p.add_argument(
        "--errors",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="list false positives and misses per document (default: yes)",
    )
    p.add_argument("--pred-out", type=Path, help="also write the predictions here as JSONL")
    p.add_argument("--min-f1", type=float, help="exit 1 when triple F1 is below this")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Extract, score, print."""
    if not args.corpus.exists():
        raise InputError(f"{args.corpus}: no such corpus file")
    gold = load_claim_file(args.gold)
    pred: dict[str, list[dict]] = {}
    failures = 0
    for result in extract_all([str(args.corpus)], progress=False):
        if isinstance(result, ReadFailure):
            failures += 1
            print(f"armsledger: error: {result}", file=sys.stderr)
            continue
        doc, claims = result
        pred.setdefault(doc.id, []).extend(c.to_json() for c in claims)
    if args.pred_out:
        with args.pred_out.open("w", encoding="utf-8") as handle:
            for doc_id, claims in pred.items():
                handle.write(json.dumps({"doc": doc_id, "transfers": claims}, ensure_ascii=False) + "\n")
    scores = score(gold, pred)
    if args.json:
        print(json.dumps(scores_to_json(scores, documents=document_counts(gold, pred)), indent=1))
    else:
        print(format_report(scores, diagnose(gold, pred), show_errors=args.errors).rstrip("\n"))
    if failures:
        return 1
    if args.min_f1 is not None and scores["triple"].f1 < args.min_f1:
        return 1
    return 0
