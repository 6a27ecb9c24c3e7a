"""Building the ledger from files: read, extract, store in batches, reconcile what changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from armsledger.extract import extract
from armsledger.ingest import ReadFailure, read_paths
from armsledger.knowledge import default_knowledge
from armsledger.model import Claim, Document
from armsledger.store.engine import Store, StoreError
from armsledger.store.ledger import BatchResult, store_batch, stored_hashes
from armsledger.store.queries import curated_register

# Documents per transaction: a crash loses at most this much work.
BATCH_SIZE = 200


@dataclass(slots=True)
class BuildReport:
    """What one build did."""

    read: int = 0
    new: int = 0
    already: int = 0
    new_claims: int = 0
    failures: list[ReadFailure] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)
    rows: int = 0
    batches: int = 0  # batches committed
    near_copies: int = 0  # new documents that repeat a story already read
    orphaned: list[str] = field(default_factory=list)  # edits this build left without a target

    def add(self, result: BatchResult) -> None:
        """Count one stored batch."""
        self.batches += 1
        self.new += result.new_documents
        self.already += result.documents - result.new_documents
        self.new_claims += result.new_claims
        self.touched |= result.touched
        self.near_copies += result.near_copies
        self.orphaned += [o for o in result.orphaned if o not in self.orphaned]

    def summary(self) -> str:
        """The one-line summary `armsledger build` prints."""
        line = (
            f"{self.read} documents read, {self.new} new, {self.already} already stored; "
            f"{self.new_claims} new claims; {self.rows} register rows ({len(self.touched)} touched)"
        )
        if self.near_copies:
            line += f"; {self.near_copies} new document(s) repeat a story already stored (one source each)"
        return line


class BuildFailed(StoreError):
    """The store failed in the middle of a build: earlier batches are kept, the one in progress is not."""

    def __init__(self, message: str, report: BuildReport) -> None:
        super().__init__(message)
        self.report = report


def failed_midway(error: StoreError, report: BuildReport, pending: int) -> BuildFailed:
    """The store's error, saying what the build had stored before it (the batches before stay stored)."""
    message = str(error)
    if not report.batches:
        return BuildFailed(message, report)
    for done, now in (
        (
            "the last batch was rolled back and nothing of it was written",
            "the batch in progress was rolled back",
        ),
        (
            "the transaction in progress was rolled back and nothing of it was written",
            "the batch in progress was rolled back",
        ),
        ("nothing was written", "the batch in progress was rolled back"),
    ):
        message = message.replace(done, now)
    return BuildFailed(
        f"{message.rstrip('.')}. Before the failure {report.batches} batch(es) were committed and stay stored: "
        f"{report.read - pending} document(s) read, {report.new} new, {report.new_claims} new claim(s); "
        f"the {pending} document(s) of the batch in progress were not stored. Run the same build again to "
        "finish: documents already stored are skipped.",
        report,
    )


def build(
    store: Store,
    paths: Iterable[str | Path],
    batch_size: int = BATCH_SIZE,
    rebuild: bool = False,
    on_failure: Callable[[ReadFailure], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
    report: BuildReport | None = None,
) -> BuildReport:
    """Read documents under the paths into the store; ``rebuild`` first drops machine output (not edits).

    ``report`` (a fresh one by default) is filled as batches are stored, so a caller still has the
    counts when the build stops. A store failure after some batches raises BuildFailed, whose message
    says what was stored before it.
    """
    kb = default_knowledge()
    report = report if report is not None else BuildReport()
    pending: list[Document] = []
    clear = rebuild

    def flush() -> None:
        nonlocal clear
        if not pending:
            return
        try:
            known = set() if clear else stored_hashes(store, (d.content_hash for d in pending))
            items: list[tuple[Document, list[Claim]]] = []
            for doc in pending:
                # Extraction is the slow part: skip it for documents already stored.
                items.append((doc, [] if doc.content_hash in known else extract(doc, kb)))
            report.add(store_batch(store, items, clear_first=clear))
        except StoreError as err:
            raise failed_midway(err, report, len(pending)) from None
        clear = False
        if on_batch:
            on_batch(len(pending))
        pending.clear()

    for result in read_paths(paths):
        if isinstance(result, ReadFailure):
            report.failures.append(result)
            if on_failure:
                on_failure(result)
            continue
        report.read += 1
        pending.append(result)
        if len(pending) >= batch_size:
            flush()
    flush()
    try:
        with store.reading() as session:
            report.rows = len(curated_register(session).rows)
    except StoreError as err:
        raise failed_midway(err, report, 0) from None
    return report
