"""Copies and near-copies across a whole batch, found after every partition is written.

Reads the finished partitions one column at a time (a content hash, then one band of the
MinHash signatures after another), so the pass needs a few arrays of one number per
document, not the documents themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from armsledger.batch.output import BAND_COLUMNS, Layout, write_table_atomically
from armsledger.ingest.dedupe import DuplicateCount, content_key, count_duplicates, group_sources

GROUP_SCHEMA = pa.schema([("part", pa.int32()), ("row", pa.int32()), ("source_group", pa.string())])


def group_batch(layout: Layout) -> DuplicateCount:
    """Write DIR/groups.parquet for the finished partitions and count the copies."""
    names = layout.done_names()
    paths = [layout.documents(name) for name in names]
    sizes = [pq.ParquetFile(p).metadata.num_rows for p in paths]
    offsets = np.r_[0, np.cumsum(sizes)].astype(np.int64)

    def column(name: str) -> np.ndarray:
        return np.concatenate(
            [pq.read_table(p, columns=[name]).column(name).to_numpy() for p in paths] or [np.zeros(0)]
        )

    def where(indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        part = np.searchsorted(offsets, indices, side="right") - 1
        return part, indices - offsets[part]

    def take(name: str, indices: np.ndarray) -> list[Any]:
        part, row = where(indices)
        values: list[Any] = [None] * len(indices)
        for p in np.unique(part):
            picked = np.flatnonzero(part == p)
            table = pq.read_table(paths[p], columns=[name]).column(name)
            for at, value in zip(picked, table.take(pa.array(row[picked])).to_pylist(), strict=True):
                values[at] = value
        return values

    keys = np.concatenate([_content_keys(p) for p in paths] or [np.zeros(0, dtype=np.uint64)])
    has_signature = column("has_signature").astype(bool) if len(keys) else np.zeros(0, dtype=bool)
    roots = group_sources(
        keys,
        (column(band).astype(np.uint64) for band in BAND_COLUMNS),
        lambda indices: np.array(take("minhash", indices), dtype=np.uint32),
        has_signature,
    )
    sizes_of = np.bincount(roots, minlength=len(roots)) if len(roots) else np.zeros(0, dtype=np.int64)
    members = np.flatnonzero(sizes_of[roots] > 1) if len(roots) else np.zeros(0, dtype=np.int64)
    heads = np.unique(roots[members])
    head_ids = dict(zip(heads.tolist(), take("id", heads), strict=True))
    part, row = where(members)
    table = pa.table(
        {
            "part": pa.array([int(names[p].split("-")[1]) for p in part], pa.int32()),
            "row": pa.array(row, pa.int32()),
            "source_group": pa.array([head_ids[int(roots[m])] for m in members], pa.string()),
        },
        schema=GROUP_SCHEMA,
    )
    write_table_atomically(layout.groups, table)
    return count_duplicates(keys, roots)


def _content_keys(path: Path) -> np.ndarray:
    hashes = pq.read_table(path, columns=["content_hash"]).column("content_hash").to_pylist()
    return np.fromiter((content_key(h) for h in hashes), dtype=np.uint64, count=len(hashes))
