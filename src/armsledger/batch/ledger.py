"""Loading a batch's Parquet output into the ledger: what `armsledger build --from-parquet DIR` runs.

The claims were extracted by the batch; this only stores them, a transaction per few hundred
documents, and reconciles the register rows they touch, as a build from files does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from armsledger.batch.output import read_parquet_claims
from armsledger.model import Claim, Document
from armsledger.store.build import BATCH_SIZE, BuildReport
from armsledger.store.engine import Store
from armsledger.store.ledger import store_batch
from armsledger.store.queries import curated_register


def build_from_parquet(
    store: Store,
    directory: str | Path,
    batch_size: int = BATCH_SIZE,
    rebuild: bool = False,
    on_batch: Callable[[int], None] | None = None,
) -> BuildReport:
    """Store every document and claim of a batch's finished partitions; ``rebuild`` drops machine output first."""
    report = BuildReport()
    pending: list[tuple[Document, list[Claim]]] = []
    clear = rebuild

    def flush() -> None:
        nonlocal clear
        if not pending:
            return
        report.add(store_batch(store, pending, clear_first=clear))
        clear = False
        if on_batch:
            on_batch(len(pending))
        pending.clear()

    for item in read_parquet_claims(directory):
        report.read += 1
        pending.append(item)
        if len(pending) >= batch_size:
            flush()
    flush()
    with store.reading() as session:
        report.rows = len(curated_register(session).rows)
    return report
