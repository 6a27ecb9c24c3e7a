"""One partition's work, run on a Dask worker: read, extract, write Parquet, mark done."""

from __future__ import annotations

import json
import os
import resource
import socket
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from armsledger.batch.output import Layout, PartitionWriter, write_atomically
from armsledger.batch.plan import Partition
from armsledger.extract import extract
from armsledger.ingest import ReadFailure, ReadResult, read_paths
from armsledger.ingest import _suffix as reader_suffix
from armsledger.ingest.boilerplate import mark_skipped
from armsledger.ingest.jsonl_gz import bounded_lines, parse_raw_line, read_jsonl_gz_lines, too_long
from armsledger.knowledge import default_knowledge
from armsledger.model import Document

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

    @property
    def max_raw_bytes(self) -> int:
        """Input bytes past which one article is skipped without being read."""
        return self.max_chars * _RAW_PER_CHAR


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
    return report


def read_partition(partition: Partition, settings: Settings) -> Iterator[ReadResult]:
    """The documents and failures of a partition, in order."""
    if partition.kind == "bytes":
        yield from _marked(_read_byte_range(Path(partition.paths[0]), partition, settings.max_raw_bytes))
    elif partition.kind == "gz-lines":
        path = Path(partition.paths[0])
        yield from _marked(
            read_jsonl_gz_lines(path, partition.start, partition.end or None, settings.max_raw_bytes)
        )
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
            yield from read_paths([path])


def _read_byte_range(path: Path, partition: Partition, limit: int) -> Iterator[ReadResult]:
    position = partition.start
    with path.open("rb") as stream:
        stream.seek(position)
        for number, (raw, length) in enumerate(bounded_lines(stream, limit), partition.first_line):
            if position >= partition.end:
                break
            position += length
            result = too_long(path, number, limit) if raw is None else parse_raw_line(raw, path, number)
            if result is not None:
                yield result


def _marked(results: Iterator[ReadResult]) -> Iterator[ReadResult]:
    # read_paths marks comments and captions as skipped; corpus stretches read here need the same.
    for result in results:
        yield mark_skipped(result) if isinstance(result, Document) else result
