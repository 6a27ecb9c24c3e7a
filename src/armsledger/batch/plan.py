"""Splitting a batch's inputs into partitions: small files packed together, big corpus files cut.

A plain .jsonl file is cut at line ends into byte ranges; a .jsonl.gz file, which cannot be
entered in the middle, into line ranges. The plan depends only on the inputs and the
partition size, so a resumed run finds the same partitions under the same numbers.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from armsledger.errors import InputError
from armsledger.ingest import READERS, _load_readers
from armsledger.ingest import _suffix as reader_suffix

PARTITION_BYTES = 16 * 2**20
MAX_FILES_PER_PARTITION = 2000
_CUT_BY_BYTES = (".jsonl", ".ndjson")
_CUT_BY_LINES = (".jsonl.gz", ".ndjson.gz")
_BLOCK = 8 * 2**20

Kind = Literal["files", "bytes", "gz-lines"]


@dataclass(frozen=True, slots=True)
class Partition:
    """One unit of work: some whole files, or one stretch of a big corpus file."""

    index: int
    kind: Kind
    paths: tuple[str, ...]
    start: int = 0  # bytes: the first byte; gz-lines: the lines before the stretch
    end: int = 0  # bytes: the byte after the last; gz-lines: the last line, 0 for the end of the file
    first_line: int = 1  # bytes: the number of the line at `start`
    size: int = 0  # input bytes (uncompressed for gz), for the progress bar

    @property
    def name(self) -> str:
        """The partition's file name stem: part-00042."""
        return f"part-{self.index:05d}"

    def describe(self) -> str:
        """What the partition covers, in words."""
        if self.kind == "bytes":
            return f"{self.paths[0]} bytes {self.start}-{self.end}"
        if self.kind == "gz-lines":
            return f"{self.paths[0]} lines {self.start + 1}-{self.end or 'end'}"
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


def plan_partitions(files: list[Path], partition_bytes: int = PARTITION_BYTES) -> list[Partition]:
    """The partitions of a batch over these files."""
    partitions: list[Partition] = []
    packed: list[str] = []
    packed_size = 0

    def add(kind: Kind, paths: tuple[str, ...], **where: int) -> None:
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
        if suffix in _CUT_BY_LINES:
            for skip, stop, length in gz_line_ranges(file, partition_bytes):
                add("gz-lines", (str(file),), start=skip, end=stop, size=length)
        elif suffix in _CUT_BY_BYTES and size > partition_bytes:
            for start, end, line in byte_ranges(file, partition_bytes):
                add("bytes", (str(file),), start=start, end=end, first_line=line, size=end - start)
        else:
            if packed and (packed_size + size > partition_bytes or len(packed) >= MAX_FILES_PER_PARTITION):
                close_pack()
            packed.append(str(file))
            packed_size += size
    close_pack()
    return partitions


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


def gz_line_ranges(path: Path, partition_bytes: int) -> Iterator[tuple[int, int, int]]:
    """(lines before, last line, bytes) of stretches of a gzipped file; the last runs to the end (0).

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
    except (EOFError, OSError, zlib.error):
        pass
    if length or not ranges:
        ranges.append((skip, 0, length))
    else:
        last_skip, _, last_length = ranges[-1]
        ranges[-1] = (last_skip, 0, last_length)
    yield from ranges


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
