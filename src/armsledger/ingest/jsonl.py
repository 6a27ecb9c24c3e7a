"""Corpus files in JSON Lines: one {"id", "url", "published", "title", "text"} per line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from armsledger.ingest import ReadFailure, ReadResult, register
from armsledger.ingest.decode import DecodeProblem, decode_text
from armsledger.model import Document

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


@register(".jsonl", ".ndjson")
def read_jsonl_file(path: Path) -> Iterator[ReadResult]:
    """Read every line of a corpus file; a bad line is a failure, the rest still count."""
    try:
        text = decode_text(path.read_bytes())
    except DecodeProblem as exc:
        yield ReadFailure(str(path), str(exc))
        return
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            yield parse_jsonl_line(line, f"{path}:{number}", f"{path.stem}-{number}")


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
