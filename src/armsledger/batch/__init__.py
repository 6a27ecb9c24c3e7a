"""The batch runner: extraction over large inputs on a Dask cluster, into resumable Parquet partitions.

`run_batch` is the face the `armsledger batch` command calls; `read_parquet_claims` is how
the ledger reads a batch's output back.
"""

from armsledger.batch.output import read_parquet_claims
from armsledger.batch.runner import BatchSummary, run_batch
from armsledger.batch.worker import Settings

__all__ = ["BatchSummary", "Settings", "read_parquet_claims", "run_batch"]
