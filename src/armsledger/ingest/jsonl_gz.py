"""Gzipped corpus files (.jsonl.gz), streamed line by line so their size does not matter.

A file cut short (a truncated download) yields what it held and then one failure that
says how many documents were read before the cut. Lines decode as in a plain .jsonl file:
UTF-8, else the one fallback encoding judged for the whole file.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path

from armsledger.ingest import DEFAULT_OPTIONS, ReadFailure, ReadOptions, ReadResult, register
from armsledger.ingest.decode import legacy_fallback
from armsledger.ingest.jsonl import bounded_lines, parse_raw_line, too_long
from armsledger.model import Document

_SUFFIXES = (".jsonl.gz", ".ndjson.gz")
# What a gzip stream can raise when it is cut short, corrupt, or not gzip at all.
GZIP_PROBLEMS = (EOFError, gzip.BadGzipFile, zlib.error, OSError)


@register(*_SUFFIXES)
def read_jsonl_gz_file(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[ReadResult]:
    """Read every line of a gzipped corpus file; a bad line or a cut-off end never loses the rest."""
    yield from read_jsonl_gz_lines(path, 0, None, options.max_part_bytes, gz_fallback(path))


def gz_fallback(path: Path) -> str | None:
    """The fallback encoding of a gzipped corpus's non-UTF-8 lines (a first pass over the file)."""
    try:
        with gzip.open(path, "rb") as stream:
            return legacy_fallback(stream)
    except GZIP_PROBLEMS:
        return None  # the reading pass meets the problem and says so


def read_jsonl_gz_lines(
    path: Path, skip: int, stop: int | None, max_line_bytes: int | None = None, fallback: str | None = None
) -> Iterator[ReadResult]:
    """Documents on lines ``skip+1 .. stop`` (1-based, inclusive) of a gzipped corpus file.

    A line longer than ``max_line_bytes`` is passed over unread (a failure says so), so one
    giant line cannot fill the memory.
    """
    read = 0
    try:
        with gzip.open(path, "rb") as stream:
            for number, (raw, _) in enumerate(bounded_lines(stream, max_line_bytes), 1):
                if number <= skip:
                    continue
                if stop is not None and number > stop:
                    break
                result = (
                    too_long(path, number, max_line_bytes)
                    if raw is None
                    else parse_raw_line(raw, path, number, fallback)
                )
                if result is not None:
                    read += isinstance(result, Document)
                    yield result
    except EOFError:
        yield truncated_gzip(path, f"{read} documents read before the cut")
    except gzip.BadGzipFile:
        yield ReadFailure(str(path), "not a gzip file: expected gzipped JSON lines")
    except zlib.error as exc:
        yield ReadFailure(str(path), f"corrupt gzip data after {read} documents ({exc})")


def truncated_gzip(path: Path, how_much: str) -> ReadFailure:
    """The failure for a gzip file that ends before its end marker."""
    return ReadFailure(
        str(path),
        f"truncated gzip: the file ends before its end marker; {how_much}",
        reason="truncated",
    )
