"""`armsledger batch INPUT... --out DIR`: extraction over large inputs on Dask, into Parquet."""

from __future__ import annotations

import argparse
import sys

from armsledger.batch import Settings, run_batch
from armsledger.batch.worker import MAX_CHARS
from armsledger.commands.arguments import at_least_one
from armsledger.errors import InputError


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the command."""
    p = sub.add_parser(
        "batch",
        help="extract claims from large inputs on a Dask cluster, into Parquet",
        description="Read files and folders (.txt, .html, .jsonl, .jsonl.gz, .csv, RSS/Atom, WARC), split them "
        "into partitions, extract claims on a Dask cluster and write DIR/documents and DIR/claims "
        "as Parquet. Run it again with the same inputs and DIR to resume a stopped run.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="a file or folder to read")
    p.add_argument(
        "--out", required=True, metavar="DIR", help="the output folder (shared storage on a cluster)"
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="an existing Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)",
    )
    p.add_argument(
        "--workers", type=at_least_one("workers"), metavar="N", help="local worker processes (default: 2)"
    )
    p.add_argument(
        "--memory-limit",
        default="2GB",
        metavar="SIZE",
        help="memory per local worker, e.g. 2GB (default); a worker over it is restarted",
    )
    p.add_argument(
        "--max-chars",
        type=at_least_one("characters"),
        default=MAX_CHARS,
        metavar="N",
        help=f"skip an article longer than this many characters (default: {MAX_CHARS:,})",
    )
    p.add_argument(
        "--partition-mb",
        type=at_least_one("megabytes"),
        default=16,
        metavar="MB",
        help="input megabytes per partition (default: 16)",
    )
    columns = p.add_argument_group(
        "CSV columns", "which column of a CSV table holds each field, by header name"
    )
    columns.add_argument(
        "--text-column", metavar="NAME", help="the article text (default: text, content or body)"
    )
    columns.add_argument("--title-column", metavar="NAME", help="the title (default: title or headline)")
    columns.add_argument(
        "--date-column",
        metavar="NAME",
        help="the publication date (default: published, date or published_at)",
    )
    columns.add_argument("--url-column", metavar="NAME", help="the address (default: url or link)")
    columns.add_argument("--id-column", metavar="NAME", help="the document id (default: id, doc_id or guid)")
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on standard error (default: when it is a terminal)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the batch and print its summary; exit 1 if a partition did not finish."""
    if args.scheduler and args.workers:
        raise InputError(
            "--workers applies to the local cluster; with --scheduler, start workers with `dask worker`"
        )
    settings = Settings(
        max_chars=args.max_chars,
        partition_bytes=args.partition_mb * 2**20,
        text_column=args.text_column,
        title_column=args.title_column,
        date_column=args.date_column,
        url_column=args.url_column,
        id_column=args.id_column,
    )
    summary = run_batch(
        args.inputs,
        args.out,
        scheduler=args.scheduler,
        workers=args.workers,
        memory_limit=args.memory_limit,
        settings=settings,
        progress=args.progress,
    )
    for line in summary.lines():
        print(line)
    print(f"output: {args.out} (documents/, claims/, groups.parquet, summary.json)")
    if summary.failed:
        print(
            f"armsledger: {len(summary.failed)} partition(s) did not finish; run the same command again to "
            "retry them",
            file=sys.stderr,
        )
        return 1
    return 0
