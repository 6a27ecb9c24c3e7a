"""Building the ledger from files: read, extract, store in batches, reconcile what changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from armsledger.extract import extract
from armsledger.ingest import ReadFailure, read_paths
from armsledger.knowledge import default_knowledge
from armsledger.model import Claim, Document
from armsledger.store.engine import Store
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

    def add(self, result: BatchResult) -> None:
        """Count one stored batch."""
        self.new += result.new_documents
        self.already += result.documents - result.new_documents
        self.new_claims += result.new_claims
        self.touched |= result.touched

    def summary(self) -> str:
        """The one-line summary `armsledger build` prints."""
        return (
            f"{self.read} documents read, {self.new} new, {self.already} already stored; "
            f"{self.new_claims} new claims; {self.rows} register rows ({len(self.touched)} touched)"
        )


def build(
    store: Store,
    paths: Iterable[str | Path],
    batch_size: int = BATCH_SIZE,
    rebuild: bool = False,
    on_failure: Callable[[ReadFailure], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> BuildReport:
    """Read documents under the paths into the store; ``rebuild`` first drops machine output (not edits)."""
    kb = default_knowledge()
    report = BuildReport()
    pending: list[Document] = []
    clear = rebuild

    def flush() -> None:
        nonlocal clear
        if not pending:
            return
        known = set() if clear else stored_hashes(store, (d.content_hash for d in pending))
        items: list[tuple[Document, list[Claim]]] = []
        for doc in pending:
            # Extraction is the slow part: skip it for documents already stored.
            items.append((doc, [] if doc.content_hash in known else extract(doc, kb)))
        report.add(store_batch(store, items, clear_first=clear))
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
    with store.reading() as session:
        report.rows = len(curated_register(session).rows)
    return report
