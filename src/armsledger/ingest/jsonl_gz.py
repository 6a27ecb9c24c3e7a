"""Gzipped corpus files (.jsonl.gz), streamed line by line so their size does not matter.

A file cut short (a truncated download) yields what it held and then one failure that
says how many documents were read before the cut.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from armsledger.ingest import ReadFailure, ReadResult, register
from armsledger.ingest.jsonl import parse_jsonl_line
from armsledger.model import Document

_SUFFIXES = (".jsonl.gz", ".ndjson.gz")


@register(*_SUFFIXES)
def read_jsonl_gz_file(path: Path) -> Iterator[ReadResult]:
    """Read every line of a gzipped corpus file; a bad line or a cut-off end never loses the rest."""
    yield from read_jsonl_gz_lines(path, 0, None)


def read_jsonl_gz_lines(
    path: Path, skip: int, stop: int | None, max_line_bytes: int | None = None
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
                    else parse_raw_line(raw, path, number)
                )
                if result is not None:
                    read += isinstance(result, Document)
                    yield result
    except EOFError:
        yield ReadFailure(
            str(path),
            f"truncated gzip: the file ends before its end marker; {read} documents read before the cut",
            reason="truncated",
        )
    except gzip.BadGzipFile:
        yield ReadFailure(str(path), "not a gzip file: expected gzipped JSON lines")
    except zlib.error as exc:
        yield ReadFailure(str(path), f"corrupt gzip data after {read} documents ({exc})")


def bounded_lines(stream: BinaryIO, limit: int | None) -> Iterator[tuple[bytes | None, int]]:
    """Each line of a binary stream with its length in bytes; None instead of a line over the limit."""
    if limit is None:
        for raw in stream:
            yield raw, len(raw)
        return
    while raw := stream.readline(limit + 1):
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield (raw if len(raw) <= limit else None), len(raw)
            continue
        # Too long: read on to the line's end without keeping it.
        length = len(raw)
        while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
            length += len(rest)
        yield None, length + len(rest)


def too_long(path: Path, number: int, limit: int | None) -> ReadFailure:
    """The failure for a line over the size limit."""
    return ReadFailure(
        f"{path}:{number}", f"line longer than {limit} bytes: skipped unread", reason="oversize"
    )


def parse_raw_line(raw: bytes, path: Path, number: int) -> ReadResult | None:
    """One line's bytes as a document or failure; None for a blank line."""
    if not raw.strip():
        return None
    where = f"{path}:{number}"
    try:
        line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        return ReadFailure(where, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
    return parse_jsonl_line(line, where, f"{corpus_stem(path)}-{number}")


def corpus_stem(path: Path) -> str:
    """The file's name without its corpus suffix: "news.jsonl.gz" -> "news"."""
    name = path.name
    for suffix in (*_SUFFIXES, ".jsonl", ".ndjson"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem
