"""Corpus files in JSON Lines: one {"id", "url", "published", "title", "text"} per line.

Lines are decoded one by one (UTF-8, else the file's one fallback encoding, judged once
for the file), so a stretch of a file read on its own gives the same documents as the
whole file read at once; the batch runner reads big files in such stretches.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from armsledger.ingest import DEFAULT_OPTIONS, ReadFailure, ReadOptions, ReadResult, register
from armsledger.ingest.decode import DecodeProblem, decode_line, legacy_fallback
from armsledger.model import Document

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")
_CORPUS_SUFFIXES = (".jsonl.gz", ".ndjson.gz", ".jsonl", ".ndjson")


@register(".jsonl", ".ndjson")
def read_jsonl_file(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[ReadResult]:
    """Read every line of a corpus file; a bad line is a failure, the rest still count."""
    with path.open("rb") as stream:
        problem = unreadable_corpus(stream.read(8192))
        if problem:
            yield ReadFailure(str(path), problem)
            return
        stream.seek(0)
        fallback = legacy_fallback(stream)
    yield from read_jsonl_range(path, 0, path.stat().st_size, 1, fallback, options.max_part_bytes)


def unreadable_corpus(head: bytes) -> str | None:
    """Why a corpus file whose first bytes are these cannot be read at all, or None."""
    if not head.strip():
        return "empty file: expected text"
    if b"\x00" in head:
        return "binary file (contains NUL bytes): expected UTF-8 text"
    return None


def read_jsonl_range(
    path: Path,
    start: int,
    end: int,
    first_line: int,
    fallback: str | None,
    max_line_bytes: int | None,
    named: Path | None = None,
) -> Iterator[ReadResult]:
    """Documents on the lines in bytes ``start..end`` of a corpus file, the first numbered ``first_line``.

    ``named`` is the file the lines are from when ``path`` holds a copy of them (a batch shard).
    """
    name = named or path
    position = start
    with path.open("rb") as stream:
        stream.seek(start)
        for number, (raw, length) in enumerate(bounded_lines(stream, max_line_bytes), first_line):
            if position >= end:
                break
            position += length
            result = (
                too_long(name, number, max_line_bytes)
                if raw is None
                else parse_raw_line(raw, name, number, fallback)
            )
            if result is not None:
                yield result


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


def parse_raw_line(raw: bytes, path: Path, number: int, fallback: str | None = None) -> ReadResult | None:
    """One line's bytes as a document or failure; None for a blank line."""
    if not raw.strip():
        return None
    where = f"{path}:{number}"
    try:
        line = decode_line(raw, number == 1, fallback)
    except DecodeProblem as exc:
        return ReadFailure(where, str(exc))
    return parse_jsonl_line(line, where, f"{corpus_stem(path)}-{number}")


def corpus_stem(path: Path) -> str:
    """The file's name without its corpus suffix: "news.jsonl.gz" -> "news"."""
    name = path.name
    for suffix in _CORPUS_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def parse_jsonl_line(line: str, where: str, fallback_id: str) -> ReadResult:
    """One corpus line as a document, or a failure naming ``where`` and what was wrong."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return ReadFailure(where, f"not JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(row, dict):
        return ReadFailure(where, "expected a JSON object with 'id' and 'text'")
    body = row.get("text")
    if not isinstance(body, str):
        return ReadFailure(where, "the object has no 'text' string")
    if not body.strip():
        return ReadFailure(where, "'text' is empty")
    doc_id = row.get("id")
    published = row.get("published") or row.get("date")
    if published is not None and not (isinstance(published, str) and _DATE.match(published)):
        return ReadFailure(where, f"'published' must be a date YYYY-MM-DD, got {published!r}")
    return Document(
        id=str(doc_id) if doc_id not in (None, "") else fallback_id,
        text=body.replace("\r\n", "\n"),
        url=row.get("url") if isinstance(row.get("url"), str) else None,
        published=published,
        title=row.get("title") if isinstance(row.get("title"), str) else None,
        source=where,
    )
