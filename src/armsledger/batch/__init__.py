"""The batch runner: extraction over large inputs on a Dask cluster, into resumable Parquet partitions.

`run_batch` is the face the `armsledger batch` command calls; `read_parquet_claims` is how
the ledger reads a batch's output back (it needs pyarrow only, not Dask).
"""

from __future__ import annotations

from typing import Any

from armsledger.batch.output import read_parquet_claims
from armsledger.batch.worker import Settings

__all__ = ["BatchSummary", "Settings", "read_parquet_claims", "run_batch"]


def __getattr__(name: str) -> Any:
    # Dask is imported only by what runs a batch, not by what reads one.
    if name in ("run_batch", "BatchSummary"):
        from armsledger.batch import runner

        return getattr(runner, name)
    raise AttributeError(f"module 'armsledger.batch' has no attribute {name!r}")
