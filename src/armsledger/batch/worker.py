"""One partition's work, run on a Dask worker: read, extract, write Parquet, mark done."""

from __future__ import annotations

import json
import os
import resource
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from armsledger.batch.output import Layout, PartitionWriter, write_atomically
from armsledger.batch.plan import Partition
from armsledger.extract import extract
from armsledger.ingest import ReadFailure, ReadOptions, ReadResult, marked, read_file
from armsledger.ingest import _suffix as reader_suffix
from armsledger.ingest.csv_text import open_table, read_rows
from armsledger.ingest.feeds import read_feed_range
from armsledger.ingest.jsonl import read_jsonl_range
from armsledger.ingest.jsonl_gz import read_jsonl_gz_lines
from armsledger.ingest.warc import read_warc_range
from armsledger.knowledge import default_knowledge

MAX_CHARS = 5_000_000
# Formats where one file is one article: a file this many times the text limit is not read at all.
_SINGLE_DOCUMENT = (".txt", ".text", ".html", ".htm", ".xhtml")
_RAW_PER_CHAR = 10
MAX_MESSAGES = 50


@dataclass(frozen=True, slots=True)
class Settings:
    """What a run's output depends on, besides its inputs."""

    max_chars: int = MAX_CHARS  # a longer "article" is skipped
    partition_bytes: int = 16 * 2**20
    # CSV columns by header name (--text-column and the like); None picks the usual names.
    text_column: str | None = None
    title_column: str | None = None
    date_column: str | None = None
    url_column: str | None = None
    id_column: str | None = None

    @property
    def max_raw_bytes(self) -> int:
        """Input bytes past which one article is skipped without being read."""
        return self.max_chars * _RAW_PER_CHAR

    def read_options(self) -> ReadOptions:
        """What the readers are told."""
        return ReadOptions(
            max_part_bytes=self.max_raw_bytes,
            text_column=self.text_column,
            title_column=self.title_column,
            date_column=self.date_column,
            url_column=self.url_column,
            id_column=self.id_column,
        )


@dataclass(slots=True)
class PartitionReport:
    """What one partition held and what became of it."""

    index: int
    documents: int = 0
    claims: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)  # the first MAX_MESSAGES skip messages
    seconds: float = 0.0
    peak_rss: int = 0  # bytes: the worker process's peak resident memory so far
    worker: str = ""

    def skip(self, failure: ReadFailure) -> None:
        """Count a skipped input and keep its message while there is room."""
        self.skipped[failure.reason] = self.skipped.get(failure.reason, 0) + 1
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(str(failure))

    def to_json(self) -> str:
        """The report as the text of a done-marker."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> PartitionReport:
        """A report read back from a done-marker."""
        return cls(**row)


def run_partition(partition: Partition, out: str, settings: Settings) -> PartitionReport:
    """Extract every document of a partition into Parquet, then write its done-marker."""
    layout = Layout(Path(out))
    marker = layout.marker(partition.name)
    if marker.exists():  # a task run twice (a retry, a resubmission) does the work once
        return PartitionReport.from_json(json.loads(marker.read_text(encoding="utf-8")))
    began = time.perf_counter()
    report = PartitionReport(partition.index)
    kb = default_knowledge()
    with PartitionWriter(layout, partition.name) as writer:
        for result in read_partition(partition, settings):
            if isinstance(result, ReadFailure):
                report.skip(result)
                continue
            if len(result.text) > settings.max_chars:
                report.skip(
                    ReadFailure(
                        result.source or result.id,
                        f"text of {len(result.text):,} characters is "
                        f"over the limit of {settings.max_chars:,}: skipped",
                        reason="oversize",
                    )
                )
                continue
            try:
                claims = extract(result, kb)
            except Exception as exc:  # one odd document must not cost the partition
                report.skip(
                    ReadFailure(
                        result.source or result.id,
                        f"extraction failed: {type(exc).__name__}: {exc}",
                        reason="extraction-error",
                    )
                )
                continue
            writer.add(result, claims)
            report.documents += 1
            report.claims += len(claims)
    report.seconds = round(time.perf_counter() - began, 3)
    report.peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux counts KiB
    report.worker = f"{socket.gethostname()}:{os.getpid()}"
    write_atomically(marker, report.to_json())
    if partition.shard:  # its copy of a .jsonl.gz stretch is not needed any more
        Path(partition.shard).unlink(missing_ok=True)
    return report


def read_partition(partition: Partition, settings: Settings) -> Iterator[ReadResult]:
    """The documents and failures of a partition, in order."""
    options = settings.read_options()
    path = Path(partition.paths[0])
    encoding = partition.encoding or None
    if partition.kind == "bytes":
        yield from marked(
            read_jsonl_range(
                path, partition.start, partition.end, partition.first_line, encoding, options.max_part_bytes
            )
        )
    elif partition.kind == "gz-lines":
        shard = Path(partition.shard) if partition.shard else None
        if shard is not None and shard.exists():
            yield from marked(
                read_jsonl_range(
                    shard,
                    0,
                    partition.size,
                    partition.first_line,
                    encoding,
                    options.max_part_bytes,
                    named=path,
                )
            )
            if partition.note:  # the cut or corruption the planner met after this stretch
                reason = "truncated" if partition.note.startswith("truncated") else "unreadable"
                yield ReadFailure(str(path), partition.note, reason=reason)
        else:  # planned without shards, or a shard deleted since: decompress from the start
            yield from marked(
                read_jsonl_gz_lines(
                    path, partition.start, partition.end or None, options.max_part_bytes, encoding
                )
            )
    elif partition.kind in _RANGE_READERS:
        reader = _RANGE_READERS[partition.kind]
        yield from marked(reader(path, partition, options))
    else:
        for name in partition.paths:
            path = Path(name)
            size = path.stat().st_size if path.exists() else 0
            if reader_suffix(path) in _SINGLE_DOCUMENT and size > settings.max_raw_bytes:
                yield ReadFailure(
                    name,
                    f"file of {size:,} bytes is over the limit of {settings.max_raw_bytes:,} "
                    "for one article: skipped unread",
                    reason="oversize",
                )
                continue
            yield from read_file(path, options)


def _csv_stretch(path: Path, partition: Partition, options: ReadOptions) -> Iterator[ReadResult]:
    table = open_table(path, options, fallback=partition.encoding or None, detect=False)
    if isinstance(table, ReadFailure):
        yield table
        return
    yield from read_rows(path, table, partition.start, partition.end, partition.first_line, options)


# Readers of a stretch of a big CSV table, web archive or feed, by partition kind.
_RANGE_READERS: dict[str, Callable[[Path, Partition, ReadOptions], Iterator[ReadResult]]] = {
    "csv": _csv_stretch,
    "feed": lambda path, p, options: read_feed_range(
        path, p.header_end, p.start, p.end, p.first_line, options
    ),
    "warc": lambda path, p, options: read_warc_range(path, p.start, p.end, options),
}
