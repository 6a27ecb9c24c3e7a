"""Splitting a batch's inputs into partitions: small files packed together, big files cut.

A plain .jsonl file is cut at line ends into byte ranges. A .jsonl.gz file cannot be entered
in the middle, so the planner streams it once and copies each stretch of lines into a plain
shard under DIR/shards/, which its worker reads (and deletes when done): no worker has to
decompress the file from its start. Big CSV tables, WARC archives and feeds are cut at row,
record and entry starts found while planning. Line-oriented files get their fallback
encoding judged once here, so every partition decodes alike.

The plan depends only on the inputs and the settings, so a resumed run finds the same
partitions under the same numbers.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from armsledger.errors import InputError
from armsledger.ingest import READERS, ReadOptions, _load_readers
from armsledger.ingest import _suffix as reader_suffix
from armsledger.ingest.csv_text import row_ranges
from armsledger.ingest.decode import FallbackSampler, legacy_fallback
from armsledger.ingest.feeds import entry_ranges
from armsledger.ingest.jsonl import unreadable_corpus
from armsledger.ingest.jsonl_gz import GZIP_PROBLEMS
from armsledger.ingest.warc import record_ranges

PARTITION_BYTES = 16 * 2**20
MAX_FILES_PER_PARTITION = 2000
_CUT_BY_BYTES = (".jsonl", ".ndjson")
_CUT_BY_LINES = (".jsonl.gz", ".ndjson.gz")
_FEEDS = (".rss", ".atom", ".xml")
_ARCHIVES = (".warc", ".warc.gz")
_BLOCK = 8 * 2**20
_GZ_BLOCK = 1 << 20

# files: whole files; bytes: lines of a .jsonl in a byte range; gz-lines: lines of a .jsonl.gz
# (from its shard when planned with one); csv, warc, feed: rows, records, entries in a byte range.
Kind = Literal["files", "bytes", "gz-lines", "csv", "warc", "feed"]


@dataclass(frozen=True, slots=True)
class Partition:
    """One unit of work: some whole files, or one stretch of a big file."""

    index: int
    kind: Kind
    paths: tuple[str, ...]
    start: int = 0  # the first byte; gz-lines: the lines before the stretch
    end: int = 0  # the byte after the last; gz-lines: the last line, 0 for the end of the file
    first_line: int = 1  # the number of the line (feed: entry) at `start`
    size: int = 0  # input bytes (uncompressed for gz), for the progress bar
    encoding: str = ""  # line-oriented files: the fallback for lines that are not UTF-8
    shard: str = ""  # gz-lines: the plain copy of the stretch, written while planning
    header_end: int = 0  # csv, feed: the bytes before this are the header every stretch needs
    note: str = ""  # a problem met while planning, reported by the partition (a cut-off gzip)

    @property
    def name(self) -> str:
        """The partition's file name stem: part-00042."""
        return f"part-{self.index:05d}"

    def describe(self) -> str:
        """What the partition covers, in words."""
        if self.kind == "gz-lines":
            return f"{self.paths[0]} lines {self.start + 1}-{self.end or 'end'}"
        if self.kind != "files":
            return f"{self.paths[0]} bytes {self.start}-{self.end}"
        more = f" and {len(self.paths) - 1} more" if len(self.paths) > 1 else ""
        return f"{self.paths[0]}{more}"

    def to_json(self) -> dict[str, Any]:
        """The partition as plain JSON values."""
        return {**asdict(self), "paths": list(self.paths)}

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> Partition:
        """A partition from its JSON form."""
        return cls(**{**row, "paths": tuple(row["paths"])})


def input_files(paths: list[str | Path]) -> list[Path]:
    """Every readable file under the inputs, absolute, in a stable order; a bad input is an error."""
    _load_readers()
    files: list[Path] = []
    problems: list[str] = []
    for raw in paths:
        path = Path(raw).resolve()
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and reader_suffix(p) in READERS)
            if not found:
                problems.append(f"{raw}: folder has no readable files ({', '.join(sorted(READERS))})")
            files.extend(found)
        elif path.is_file():
            if reader_suffix(path) not in READERS:
                problems.append(f"{raw}: unknown file type; expected one of {', '.join(sorted(READERS))}")
            files.append(path)
        else:
            problems.append(f"{raw}: no such file or folder")
    if problems:
        raise InputError("; ".join(problems))
    return files


def plan_partitions(
    files: list[Path],
    partition_bytes: int = PARTITION_BYTES,
    shards: Path | None = None,
    options: ReadOptions | None = None,
) -> list[Partition]:
    """The partitions of a batch over these files; .jsonl.gz stretches are copied into ``shards``."""
    options = options or ReadOptions()
    partitions: list[Partition] = []
    packed: list[str] = []
    packed_size = 0

    def add(kind: Kind, paths: tuple[str, ...], **where: Any) -> None:
        partitions.append(Partition(len(partitions), kind, paths, **where))

    def close_pack() -> None:
        nonlocal packed_size
        if packed:
            add("files", tuple(packed), size=packed_size)
            packed.clear()
            packed_size = 0

    for file in files:
        size = file.stat().st_size
        suffix = reader_suffix(file)
        cut = None
        if size > partition_bytes or suffix in _CUT_BY_LINES:
            close_pack()  # first: shards are named by the number of their partition
            cut = _cut(file, suffix, partition_bytes, shards, len(partitions), options)
        if cut is not None:
            for kind, where in cut:
                add(kind, (str(file),), **where)
            continue
        if packed and (packed_size + size > partition_bytes or len(packed) >= MAX_FILES_PER_PARTITION):
            close_pack()
        packed.append(str(file))
        packed_size += size
    close_pack()
    return partitions


def _cut(
    file: Path, suffix: str, partition_bytes: int, shards: Path | None, index: int, options: ReadOptions
) -> list[tuple[Kind, dict[str, Any]]] | None:
    """The stretches of one big file, or None to read it whole."""
    if suffix in _CUT_BY_LINES:
        if shards is None:
            return [("gz-lines", w) for w in gz_line_ranges(file, partition_bytes)]
        cut = gz_shards(file, partition_bytes, shards, index)
        return None if cut is None else [("gz-lines", w) for w in cut]
    if suffix in _CUT_BY_BYTES:
        with file.open("rb") as stream:
            if unreadable_corpus(stream.read(8192)):
                return None  # its reader says what is wrong
            stream.seek(0)
            encoding = legacy_fallback(stream) or ""
        return [
            ("bytes", {"start": s, "end": e, "first_line": n, "size": e - s, "encoding": encoding})
            for s, e, n in byte_ranges(file, partition_bytes)
        ]
    if suffix == ".csv":
        found = row_ranges(file, partition_bytes, options)
        if found is None:
            return None
        table, ranges = found
        where = {"encoding": table.fallback or "", "header_end": table.rows_start}
        return [
            ("csv", {"start": s, "end": e, "first_line": n, "size": e - s, **where}) for s, e, n in ranges
        ]
    if suffix in _FEEDS:
        entries = entry_ranges(file, partition_bytes, options.max_part_bytes)
        if entries is None:
            return None
        header_end, stretches = entries
        return [
            ("feed", {"start": s, "end": e, "first_line": n, "size": e - s, "header_end": header_end})
            for s, e, n in stretches
        ]
    if suffix in _ARCHIVES:
        records = record_ranges(file, partition_bytes)
        if records is None:
            return None
        return [("warc", {"start": s, "end": e, "size": e - s}) for s, e in records]
    return None


def byte_ranges(path: Path, partition_bytes: int) -> Iterator[tuple[int, int, int]]:
    """(start, end, number of the first line) of stretches of about partition_bytes, cut after a line end."""
    size = path.stat().st_size
    with path.open("rb") as stream:
        start, line = 0, 1
        while start < size:
            end = _line_end_after(stream, start + partition_bytes, size)
            yield start, end, line
            line += _count_lines(stream, start, end)
            start = end


def gz_shards(
    path: Path, partition_bytes: int, folder: Path, first_index: int
) -> list[dict[str, Any]] | None:
    """Stream a gzipped corpus once, copying stretches of about partition_bytes of lines into shards.

    Each stretch is written to ``folder/part-NNNNN.jsonl`` (the number its partition will
    have) and renamed into place when whole. A file cut short keeps the stretches before the
    cut, the last one with a note saying so; a file that is not gzip at all is None (read whole,
    its reader says what is wrong).
    """
    folder.mkdir(parents=True, exist_ok=True)
    sampler = FallbackSampler()
    stretches: list[dict[str, Any]] = []
    note = ""
    lines_before = 0

    with gzip.open(path, "rb") as stream:
        shard = _ShardWriter(folder, first_index)
        try:
            while block := stream.read1(_GZ_BLOCK):
                sampler.feed(block)
                # A stretch ends at the first line end once it holds partition_bytes.
                while (cut := block.find(b"\n", max(0, partition_bytes - shard.size - 1))) >= 0:
                    shard.write(block[: cut + 1])
                    stretches.append(shard.close(lines_before))
                    lines_before += stretches[-1]["lines"]
                    shard = _ShardWriter(folder, first_index + len(stretches))
                    block = block[cut + 1 :]
                shard.write(block)
        except GZIP_PROBLEMS as exc:
            if not stretches and not shard.size:
                shard.discard()
                return None
            # The line cut in half is dropped, as the reader drops it.
            shard.drop_partial_line()
            kind = "truncated gzip: the file ends before its end marker"
            if not isinstance(exc, EOFError):
                kind = f"corrupt gzip data ({exc})"
            note = kind
        if shard.size or not stretches:
            stretches.append(shard.close(lines_before))
        else:
            shard.discard()
    encoding = sampler.encoding() or ""
    last = len(stretches) - 1
    for at, stretch in enumerate(stretches):
        stretch["encoding"] = encoding
        stretch["end"] = 0 if at == last else stretch["end"]
        if at == last and note:
            total = stretch["start"] + stretch.pop("lines")
            stretch["note"] = f"{note}; {total} lines read before the cut"
        stretch.pop("lines", None)
    return stretches


class _ShardWriter:
    """One shard being written aside, renamed into place on close."""

    def __init__(self, folder: Path, index: int) -> None:
        self.final = folder / f"part-{index:05d}.jsonl"
        self.aside = self.final.with_name(self.final.name + ".partial")
        self.out = self.aside.open("wb")
        self.size = 0
        self.newlines = 0
        self.after_last_newline = 0  # the size up to the end of the last whole line

    def write(self, data: bytes) -> None:
        if not data:
            return
        self.out.write(data)
        newline = data.rfind(b"\n")
        if newline >= 0:
            self.newlines += data.count(b"\n")
            self.after_last_newline = self.size + newline + 1
        self.size += len(data)

    def drop_partial_line(self) -> None:
        self.out.truncate(self.after_last_newline)
        self.size = self.after_last_newline

    def close(self, lines_before: int) -> dict[str, Any]:
        self.out.close()
        os.replace(self.aside, self.final)
        lines = self.newlines + (self.size > self.after_last_newline)
        return {
            "start": lines_before,
            "end": lines_before + lines,
            "first_line": lines_before + 1,
            "size": self.size,
            "shard": str(self.final),
            "lines": lines,
        }

    def discard(self) -> None:
        self.out.close()
        self.aside.unlink(missing_ok=True)


def gz_line_ranges(path: Path, partition_bytes: int) -> Iterator[dict[str, Any]]:
    """Line ranges of stretches of a gzipped file, without shards: each worker decompresses from the start.

    A file that is cut short or not gzip at all still gets its stretches: the worker that
    reads the last one meets the problem and reports it.
    """
    ranges: list[tuple[int, int, int]] = []
    skip = line = length = 0
    try:
        with gzip.open(path, "rb") as stream:
            for raw in stream:
                line += 1
                length += len(raw)
                if length >= partition_bytes:
                    ranges.append((skip, line, length))
                    skip, length = line, 0
    except GZIP_PROBLEMS:
        pass
    if length or not ranges:
        ranges.append((skip, 0, length))
    else:
        last_skip, _, last_length = ranges[-1]
        ranges[-1] = (last_skip, 0, last_length)
    encoding = ""
    try:
        with gzip.open(path, "rb") as stream:
            encoding = legacy_fallback(stream) or ""
    except GZIP_PROBLEMS:
        pass
    for skip, stop, length in ranges:
        yield {"start": skip, "end": stop, "first_line": skip + 1, "size": length, "encoding": encoding}


def _line_end_after(stream: Any, target: int, size: int) -> int:
    if target >= size:
        return size
    stream.seek(target - 1)
    position = target - 1
    while block := stream.read(1 << 16):
        newline = block.find(b"\n")
        if newline >= 0:
            return position + newline + 1
        position += len(block)
    return size


def _count_lines(stream: Any, start: int, end: int) -> int:
    stream.seek(start)
    count, left = 0, end - start
    while left > 0 and (block := stream.read(min(_BLOCK, left))):
        count += block.count(b"\n")
        left -= len(block)
    return count
