"""`armsledger build PATH...`: read, extract and reconcile documents into the store."""

from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

from armsledger.ingest import ReadFailure

# Kept in step with armsledger.store.build.BATCH_SIZE; that module is imported only when a build runs.
BATCH_SIZE = 200
DEFAULT_DB = "armsledger.db"


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """The ``--db`` option every store command takes (here, so `--help` needs no database library)."""
    parser.add_argument(
        "--db",
        metavar="PATH|URL",
        help="the store: a SQLite file or a database URL such as postgresql://user@host/db "
        f"(default: $ARMSLEDGER_DB, else ./{DEFAULT_DB})",
    )


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the command."""
    p = sub.add_parser(
        "build",
        help="read documents into the store and reconcile the register",
        description="Read .txt/.jsonl files or folders, extract their claims and reconcile the "
        "register rows they touch. A document already stored (same text) is skipped, "
        "so running it twice adds nothing. One transaction per batch.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="a file or folder of documents")
    p.add_argument(
        "--from-parquet",
        metavar="DIR",
        help="store the documents and claims an `armsledger batch` run wrote to DIR, instead of PATHs",
    )
    add_db_option(p)
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="drop stored documents, claims and rows first (analysts' edits and SIPRI rows are kept "
        "and applied again)",
    )
    p.add_argument(
        "--batch-size",
        type=int,
        default=BATCH_SIZE,
        metavar="N",
        help=f"documents per transaction (default {BATCH_SIZE})",
    )
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on standard error (default: when it is a terminal)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build, print the summary line; exit 1 if any input could not be read."""
    if args.batch_size < 1:
        print("armsledger: error: --batch-size must be at least 1", file=sys.stderr)
        return 2
    if bool(args.paths) == bool(args.from_parquet):
        print("armsledger: error: give PATHs to read or --from-parquet DIR (one of the two)", file=sys.stderr)
        return 2
    from armsledger.store import open_store
    from armsledger.store.build import BuildFailed, BuildReport, build

    store = open_store(args.db)
    show = sys.stderr.isatty() if args.progress is None else args.progress
    report = BuildReport()

    def failed(failure: ReadFailure) -> None:
        print(f"armsledger: error: {failure}", file=sys.stderr)

    try:
        with tqdm(desc="build", unit="doc", disable=not show, file=sys.stderr) as bar:
            if args.from_parquet:
                from armsledger.batch.ledger import build_from_parquet

                report = build_from_parquet(
                    store, args.from_parquet, args.batch_size, args.rebuild, on_batch=bar.update
                )
            else:
                build(
                    store,
                    args.paths,
                    args.batch_size,
                    args.rebuild,
                    on_failure=failed,
                    on_batch=bar.update,
                    report=report,
                )
    except BuildFailed as err:
        # What was stored before the failure stays stored: say how much, then why it stopped.
        print(err.report.summary())
        print(f"armsledger: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        if report.batches:
            print(report.summary())
        print(
            f"armsledger: interrupted; {report.batches} batch(es) finished before stay stored "
            f"({report.new} new document(s)), the one in progress was rolled back",
            file=sys.stderr,
        )
        return 130
    finally:
        store.close()
    print(report.summary())
    for edit in report.orphaned:
        print(f"armsledger: warning: this build orphaned {edit}", file=sys.stderr)
    if report.failures:
        print(f"armsledger: {len(report.failures)} input(s) could not be read", file=sys.stderr)
        return 1
    return 0
