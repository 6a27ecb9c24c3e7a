"""A batch's output folder: Parquet partitions of documents and claims, done-markers, reading back.

    DIR/plan.json                     the partitions, the inputs and the settings of the run
    DIR/documents/part-00000.parquet  one row per document, with its MinHash signature
    DIR/claims/part-00000.parquet     one row per claim; doc_row points at its document
    DIR/done/part-00000.json          written last: the partition is finished (its report)
    DIR/groups.parquet                copies and near-copies across the whole run
    DIR/shards/part-00000.jsonl       a .jsonl.gz stretch copied while planning, deleted when done
    DIR/summary.json                  the last run's summary

Every file appears under its final name only when complete (written aside, then renamed),
so a run killed at any moment leaves finished partitions whole and unfinished ones absent.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from armsledger.errors import InputError
from armsledger.ingest.dedupe import BANDS, PERMUTATIONS, band_keys, reporting_text, signature
from armsledger.model import Claim, Document, Span

_DOCUMENT_TEXT_FIELDS = ("id", "text", "url", "published", "title", "source", "site", "author")
BAND_COLUMNS = tuple(f"band_{b:02d}" for b in range(BANDS))
DOCUMENT_SCHEMA = pa.schema(
    [pa.field("row", pa.int32(), nullable=False)]
    + [pa.field(name, pa.string()) for name in _DOCUMENT_TEXT_FIELDS]
    + [
        pa.field("skipped_start", pa.list_(pa.int64())),
        pa.field("skipped_end", pa.list_(pa.int64())),
        pa.field("content_hash", pa.string()),
        pa.field("has_signature", pa.bool_()),
        pa.field("minhash", pa.list_(pa.uint32(), PERMUTATIONS)),
    ]
    + [pa.field(name, pa.uint64()) for name in BAND_COLUMNS]
)
# Documents held before a write: bounds a worker's memory whatever the partition's size.
FLUSH_EVERY = 500


def _claim_type(annotation: str) -> pa.DataType:
    if "bool" in annotation:
        return pa.bool_()
    if "int" in annotation:
        return pa.int64()
    return pa.string()


# Built from the Claim dataclass, so a field added to the model is stored without a change here.
CLAIM_SCHEMA = pa.schema(
    [pa.field("doc_row", pa.int32(), nullable=False)]
    + [pa.field(f.name, _claim_type(str(f.type))) for f in fields(Claim)]
)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each file of a batch's output folder lives."""

    root: Path

    @property
    def plan(self) -> Path:
        return self.root / "plan.json"

    @property
    def groups(self) -> Path:
        return self.root / "groups.parquet"

    @property
    def summary(self) -> Path:
        return self.root / "summary.json"

    def documents(self, name: str) -> Path:
        return self.root / "documents" / f"{name}.parquet"

    def claims(self, name: str) -> Path:
        return self.root / "claims" / f"{name}.parquet"

    def marker(self, name: str) -> Path:
        return self.root / "done" / f"{name}.json"

    @property
    def shards(self) -> Path:
        """Plain copies of .jsonl.gz stretches, written while planning, deleted as partitions finish."""
        return self.root / "shards"

    def make(self) -> None:
        """Create the folders."""
        for sub in ("documents", "claims", "done"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    def remove_leftovers(self) -> int:
        """Delete half-written files a killed run left behind; how many there were."""
        count = 0
        for sub in ("documents", "claims", "done", "."):
            for path in (self.root / sub).glob("*.partial-*"):
                path.unlink(missing_ok=True)
                count += 1
        # A shard whose partition finished but was not yet deleted when the run stopped.
        for name in self.done_names():
            (self.shards / f"{name}.jsonl").unlink(missing_ok=True)
        return count

    def done_names(self) -> list[str]:
        """The finished partitions, in order."""
        return sorted(p.stem for p in (self.root / "done").glob("part-*.json"))


def partial_path(path: Path) -> Path:
    """Where a file is written before it is renamed into place."""
    return path.with_name(f"{path.name}.partial-{uuid.uuid4().hex[:12]}")


def write_atomically(path: Path, text: str) -> None:
    """Write a text file so that it exists whole or not at all."""
    aside = partial_path(path)
    with aside.open("w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(aside, path)


def write_table_atomically(path: Path, table: pa.Table) -> None:
    """Write a Parquet file so that it exists whole or not at all."""
    aside = partial_path(path)
    pq.write_table(table, aside)
    os.replace(aside, path)


class PartitionWriter:
    """Writes one partition's documents and claims, in chunks, and puts them in place on success."""

    def __init__(self, layout: Layout, name: str) -> None:
        self.final = (layout.documents(name), layout.claims(name))
        self.aside = tuple(partial_path(p) for p in self.final)
        self.writers = (
            pq.ParquetWriter(self.aside[0], DOCUMENT_SCHEMA),
            pq.ParquetWriter(self.aside[1], CLAIM_SCHEMA),
        )
        self.docs: list[dict[str, Any]] = []
        self.claims: list[dict[str, Any]] = []
        self.rows = 0

    def add(self, doc: Document, claims: list[Claim]) -> None:
        """Queue a document and its claims."""
        self.docs.append(document_row(self.rows, doc))
        self.claims.extend({"doc_row": self.rows, **claim.as_dict()} for claim in claims)
        self.rows += 1
        if len(self.docs) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write what is queued."""
        self.writers[0].write_table(pa.Table.from_pylist(self.docs, schema=DOCUMENT_SCHEMA))
        self.writers[1].write_table(pa.Table.from_pylist(self.claims, schema=CLAIM_SCHEMA))
        self.docs.clear()
        self.claims.clear()

    def __enter__(self) -> PartitionWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.flush()
        for writer in self.writers:
            writer.close()
        for aside, final in zip(self.aside, self.final, strict=True):
            if kind is None:
                os.replace(aside, final)
            else:
                aside.unlink(missing_ok=True)


def document_row(row: int, doc: Document) -> dict[str, Any]:
    """A document as a row of the documents table, with its near-copy signature."""
    sig = signature(reporting_text(doc))
    filled = sig if sig is not None else np.zeros(PERMUTATIONS, dtype=np.uint32)
    bands = band_keys(filled)
    return {
        "row": row,
        **{name: getattr(doc, name) for name in _DOCUMENT_TEXT_FIELDS},
        "skipped_start": [s.start for s in doc.skipped],
        "skipped_end": [s.end for s in doc.skipped],
        "content_hash": doc.content_hash,
        "has_signature": sig is not None,
        "minhash": filled.tolist(),
        **{name: int(key) for name, key in zip(BAND_COLUMNS, bands, strict=True)},
    }


def document_from_row(row: dict[str, Any], source_group: str | None = None) -> Document:
    """A document from a row of the documents table."""
    return Document(
        **{name: row.get(name) for name in _DOCUMENT_TEXT_FIELDS},
        skipped=[
            Span(s, e)
            for s, e in zip(row.get("skipped_start") or [], row.get("skipped_end") or [], strict=True)
        ],
        source_group=source_group,
    )


_CLAIM_FIELDS = tuple(f.name for f in fields(Claim))


def read_parquet_claims(directory: str | Path) -> Iterator[tuple[Document, list[Claim]]]:
    """Every document of a batch's finished partitions with its claims, in input order.

    Memory holds one partition's claims and a few hundred documents at a time. Documents
    that are copies or near-copies of an earlier one carry its id in ``source_group``.
    Partitions a killed run left unfinished are not there; run the batch again to finish them.
    """
    layout = Layout(Path(directory))
    if not layout.plan.exists():
        raise InputError(
            f"{directory}: not a batch output folder (no plan.json); run `armsledger batch` first"
        )
    groups = _groups_by_partition(layout)
    for name in layout.done_names():
        by_row: dict[int, list[Claim]] = {}
        for row in pq.read_table(layout.claims(name)).to_pylist():
            by_row.setdefault(row["doc_row"], []).append(
                Claim(**{k: row[k] for k in _CLAIM_FIELDS if k in row})
            )
        group_of = groups.get(name, {})
        documents = pq.ParquetFile(layout.documents(name))
        columns = [
            c
            for c in ("row", *_DOCUMENT_TEXT_FIELDS, "skipped_start", "skipped_end")
            if c in documents.schema_arrow.names
        ]
        for batch in documents.iter_batches(batch_size=FLUSH_EVERY, columns=columns):
            for row in batch.to_pylist():
                yield document_from_row(row, group_of.get(row["row"])), by_row.get(row["row"], [])


def _groups_by_partition(layout: Layout) -> dict[str, dict[int, str]]:
    if not layout.groups.exists():
        return {}
    groups: dict[str, dict[int, str]] = {}
    for row in pq.read_table(layout.groups).to_pylist():
        groups.setdefault(f"part-{row['part']:05d}", {})[row["row"]] = row["source_group"]
    return groups


def read_json(path: Path) -> Any:
    """A JSON file's content."""
    return json.loads(path.read_text(encoding="utf-8"))
