"""`armsledger extract PATH...`: claims from documents, as JSON lines or a table."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from armsledger.errors import InputError
from armsledger.extract import extract
from armsledger.ingest import ReadFailure, read_paths
from armsledger.knowledge import default_knowledge
from armsledger.model import Claim, Document
from armsledger.render import claims_table


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the command."""
    p = sub.add_parser(
        "extract",
        help="extract arms-transfer claims from documents",
        description="Read .txt files, folders of them, or corpus .jsonl files, and write the "
        "arms-transfer claims each document states.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="a .txt or .jsonl file, or a folder")
    p.add_argument("--out", type=Path, help="write here instead of standard output")
    p.add_argument(
        "--format",
        choices=("jsonl", "table"),
        default="jsonl",
        help="jsonl: one {doc, transfers} line per document (default); table: for reading",
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on standard error (default: when it is a terminal)",
    )
    p.set_defaults(run=run)


def extract_all(
    paths: list[str], progress: bool | None = None
) -> Iterator[tuple[Document, list[Claim]] | ReadFailure]:
    """Documents read from paths with their claims, or the failures, in input order."""
    kb = default_knowledge()
    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(desc="extract", unit="doc", disable=not show, file=sys.stderr) as bar:
        for result in read_paths(paths):
            if isinstance(result, ReadFailure):
                yield result
                continue
            yield result, extract(result, kb)
            bar.update(1)


def run(args: argparse.Namespace) -> int:
    """Extract and write; exit 1 if any input failed."""
    failures = 0
    out: TextIO
    if args.out:
        try:
            out = args.out.open("w", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"{args.out}: cannot write ({exc.strerror})") from None
    else:
        out = sys.stdout
    rows: list[tuple[Document, list[Claim]]] = []
    try:
        for result in extract_all(args.paths, args.progress):
            if isinstance(result, ReadFailure):
                failures += 1
                print(f"armsledger: error: {result}", file=sys.stderr)
                continue
            doc, claims = result
            if args.format == "jsonl":
                out.write(
                    json.dumps(
                        {"doc": doc.id, "transfers": [c.to_json() for c in claims]}, ensure_ascii=False
                    )
                    + "\n"
                )
            else:
                rows.append((doc, claims))
        if args.format == "table":
            out.write(claims_table(rows))
    finally:
        if args.out:
            out.close()
    if failures:
        print(f"armsledger: {failures} input(s) could not be read", file=sys.stderr)
    return 1 if failures else 0
