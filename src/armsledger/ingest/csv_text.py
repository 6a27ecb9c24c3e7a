"""CSV tables with one article per row, in a column named text, content or body."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from armsledger.ingest import DEFAULT_OPTIONS, ReadFailure, ReadOptions, ReadResult, register
from armsledger.ingest.decode import DecodeProblem, detect_encoding
from armsledger.model import Document

# Column names, in order of preference, for each document field.
TEXT_COLUMNS = ("text", "content", "body")
_COLUMNS = {
    "id": ("id", "doc_id", "guid"),
    "url": ("url", "link"),
    "published": ("published", "date", "published_at"),
    "title": ("title", "headline"),
    "site": ("site", "source", "publication"),
    "author": ("author", "byline"),
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
# Articles are longer than the csv module's default cell limit of 128 KB.
_MAX_CELL = 1 << 28


@register(".csv")
def read_csv_file(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[ReadResult]:
    """Read every row of a CSV table as a document; a row with no text is a failure, the rest count."""
    with path.open("rb") as raw:
        try:
            encoding = detect_encoding(raw.read(65536))
        except DecodeProblem as exc:
            yield ReadFailure(str(path), str(exc))
            return
        raw.seek(0)
        csv.field_size_limit(max(csv.field_size_limit(), _MAX_CELL))
        stream = io.TextIOWrapper(raw, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="")
        reader = csv.reader(stream)
        try:
            header = next(reader, None)
            if header is None:
                yield ReadFailure(str(path), "empty file: expected a CSV table with a header row")
                return
            names = [name.strip().lower() for name in header]
            text_at = _column(names, TEXT_COLUMNS)
            if text_at is None:
                yield ReadFailure(
                    str(path),
                    f"no text column: expected one of {', '.join(TEXT_COLUMNS)}; "
                    f"found {', '.join(header) or 'none'}",
                )
                return
            where_is = {field: _column(names, options) for field, options in _COLUMNS.items()}
            start = reader.line_num + 1
            for row in reader:
                yield _document(row, text_at, where_is, path, start)
                start = reader.line_num + 1
        except UnicodeDecodeError as exc:
            yield ReadFailure(
                f"{path}:{reader.line_num + 1}",
                f"not {encoding} text ({exc.reason}); the rows before it were read",
            )
        except csv.Error as exc:
            yield ReadFailure(
                f"{path}:{reader.line_num}", f"not valid CSV ({exc}); the rows before it were read"
            )


def _column(names: list[str], options: tuple[str, ...]) -> int | None:
    return next((names.index(option) for option in options if option in names), None)


def _document(
    row: list[str], text_at: int, where_is: dict[str, int | None], path: Path, line: int
) -> ReadResult:
    where = f"{path}:{line}"

    def cell(field: str) -> str | None:
        at = where_is[field]
        value = row[at].strip() if at is not None and at < len(row) else ""
        return value or None

    text = row[text_at] if text_at < len(row) else ""
    if not text.strip():
        return ReadFailure(where, "the row's text is empty")
    published = cell("published")
    if published is not None and not _DATE.match(published):
        return ReadFailure(where, f"'published' must be a date YYYY-MM-DD, got {published!r}")
    return Document(
        id=cell("id") or f"{path.stem}-{line}",
        text=text.replace("\r\n", "\n").replace("\r", "\n"),
        url=cell("url"),
        published=published[:10] if published else None,
        title=cell("title"),
        source=where,
        site=cell("site"),
        author=cell("author"),
    )
