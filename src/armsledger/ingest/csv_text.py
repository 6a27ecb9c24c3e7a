"""CSV tables with one article per row, in a column named text, content or body (or as told).

The table is read line by line from the bytes: each line decodes as UTF-8 or, failing that,
in the one fallback encoding judged for the whole file, so a row in another encoding deep
in the file costs that row (a message names its line), not the rest of the table. A row
longer than the size limit is passed over without being kept: its lines are handed to the
CSV parser shrunk to their quotes and commas, which is all the parser needs to find where
the row ends. Reading from any row's first byte gives the same rows as reading the whole
file, so the batch runner cuts big tables at row starts.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from armsledger.ingest import DEFAULT_OPTIONS, ReadFailure, ReadOptions, ReadResult, register
from armsledger.ingest.decode import DecodeProblem, decode_line, legacy_fallback
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
# The option that names each field's column, for messages.
_OPTION_OF = {
    "text": "text_column",
    "id": "id_column",
    "url": "url_column",
    "published": "date_column",
    "title": "title_column",
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_PIECE = 1 << 20
# What the CSV parser needs of an oversize row's line: quotes, commas, line ends.
_NOT_STRUCTURE = re.compile(rb'[^",\r\n]+')
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True, slots=True)
class Table:
    """What every stretch of a table needs: its header, where the rows start, how lines decode."""

    header: tuple[str, ...]
    text_at: int
    where_is: dict[str, int | None]
    rows_start: int  # the byte after the header row
    first_row_line: int
    fallback: str | None
    utf16: bool = False


@register(".csv")
def read_csv_file(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[ReadResult]:
    """Read every row of a CSV table as a document; a bad row is a failure, the rest count."""
    table = open_table(path, options)
    if isinstance(table, ReadFailure):
        yield table
        return
    yield from read_rows(path, table, table.rows_start, None, table.first_row_line, options)


def open_table(
    path: Path, options: ReadOptions = DEFAULT_OPTIONS, fallback: str | None = None, detect: bool = True
) -> Table | ReadFailure:
    """The table's header and columns; ``detect`` judges the fallback encoding (a pass over the file)."""
    with path.open("rb") as raw:
        head = raw.read(8192)
        if not head.strip():
            return ReadFailure(str(path), "empty file: expected a CSV table with a header row")
        utf16 = head.startswith(_UTF16_BOMS)
        if b"\x00" in head and not utf16:
            return ReadFailure(str(path), "binary file (contains NUL bytes): expected a CSV table")
        if detect and not utf16:
            raw.seek(0)
            fallback = legacy_fallback(raw)
        raw.seek(0)
        lines = _Lines(raw, 0, 1, fallback, options.max_part_bytes, utf16)
        try:
            header = next(csv.reader(lines), None)
        except csv.Error as exc:
            return ReadFailure(f"{path}:1", f"not valid CSV ({exc})")
        if header is None:
            return ReadFailure(str(path), "empty file: expected a CSV table with a header row")
        if lines.problem or lines.oversize:
            return ReadFailure(f"{path}:1", f"the header row is unreadable ({lines.problem or 'too long'})")
        names = [name.strip().lower() for name in header]
        text_at = _column(names, options.text_column, TEXT_COLUMNS)
        if text_at is None:
            if options.text_column:
                return ReadFailure(
                    str(path), f"no column {options.text_column!r} for the text; found {', '.join(header)}"
                )
            return ReadFailure(
                str(path),
                f"no text column: expected one of {', '.join(TEXT_COLUMNS)}; found {', '.join(header) or 'none'}",
            )
        where_is: dict[str, int | None] = {}
        for field, usual in _COLUMNS.items():
            named = getattr(options, _OPTION_OF[field]) if field in _OPTION_OF else None
            where_is[field] = _column(names, named, usual)
            if named and where_is[field] is None:
                return ReadFailure(
                    str(path), f"no column {named!r} for the {field}; found {', '.join(header)}"
                )
        return Table(tuple(header), text_at, where_is, lines.position, lines.line + 1, fallback, utf16)


def read_rows(
    path: Path, table: Table, start: int, end: int | None, first_line: int, options: ReadOptions
) -> Iterator[ReadResult]:
    """The documents of the rows that start in bytes ``start..end`` (to the end for None)."""
    csv.field_size_limit(max(csv.field_size_limit(), options.max_part_bytes + 1))
    with path.open("rb") as raw:
        lines = _Lines(raw, start, first_line, table.fallback, options.max_part_bytes, table.utf16)
        reader = csv.reader(lines)
        while end is None or lines.position < end:
            lines.start_row()
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield ReadFailure(f"{path}:{lines.row_line}", f"not valid CSV ({exc}): row skipped")
                continue
            where = f"{path}:{lines.row_line}"
            if lines.oversize:
                yield ReadFailure(
                    where,
                    f"row longer than {options.max_part_bytes} bytes: skipped unread",
                    reason="oversize",
                )
            elif lines.problem:
                line, problem = lines.problem
                yield ReadFailure(f"{path}:{line}", f"{problem}: row skipped")
            else:
                yield _document(row, table, path, lines.row_line)


def row_ranges(
    path: Path, partition_bytes: int, options: ReadOptions = DEFAULT_OPTIONS
) -> tuple[Table, list[tuple[int, int, int]]] | None:
    """The table and (start, end, first line) of stretches of about partition_bytes of whole rows.

    None when the table cannot be cut (UTF-16, or no header): it is read whole.
    """
    table = open_table(path, options)
    if isinstance(table, ReadFailure) or table.utf16:
        return None
    size = path.stat().st_size
    ranges: list[tuple[int, int, int]] = []
    csv.field_size_limit(max(csv.field_size_limit(), options.max_part_bytes + 1))
    with path.open("rb") as raw:
        lines = _Lines(raw, table.rows_start, table.first_row_line, table.fallback, options.max_part_bytes)
        reader = csv.reader(lines)
        start, line = table.rows_start, table.first_row_line
        while True:
            lines.start_row()
            try:
                next(reader)
            except StopIteration:
                break
            except csv.Error:
                pass  # the reader of the stretch reports it
            if lines.position - start >= partition_bytes:
                ranges.append((start, lines.position, line))
                start, line = lines.position, lines.line + 1
    if start < size or not ranges:
        ranges.append((start, size, line))
    return table, ranges


class _Lines:
    """The physical lines of a table from a byte offset, as text for csv.reader.

    Tracks the byte position and line number, and for the row being read: its first line,
    its size, whether it went over the limit (its lines are then shrunk, see the module
    doc) and the first line that did not decode.
    """

    def __init__(
        self,
        raw: BinaryIO,
        start: int,
        first_line: int,
        fallback: str | None,
        limit: int,
        utf16: bool = False,
    ) -> None:
        raw.seek(start)
        self.text = io.TextIOWrapper(raw, encoding="utf-16", newline="") if utf16 else None
        self.raw = raw
        self.position = start
        self.line = first_line - 1
        self.fallback = fallback
        self.limit = limit
        self.start_row()

    def start_row(self) -> None:
        self.row_line = self.line + 1
        self.row_bytes = 0
        self.oversize = False
        self.problem: tuple[int, str] | None = None

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.text is not None:
            line = self.text.readline()
            if not line:
                raise StopIteration
            self.line += 1
            self.row_bytes += 2 * len(line)
            self.oversize = self.oversize or self.row_bytes > self.limit
            return line
        pieces: list[bytes] = []
        began = self.position
        while piece := self.raw.readline(_PIECE):
            self.position += len(piece)
            self.row_bytes += len(piece)
            if self.row_bytes > self.limit and not self.oversize:
                self.oversize = True
                pieces = [_NOT_STRUCTURE.sub(b"x", b"".join(pieces))]
            pieces.append(_NOT_STRUCTURE.sub(b"x", piece) if self.oversize else piece)
            if piece.endswith(b"\n"):
                break
        if not pieces:
            raise StopIteration
        self.line += 1
        data = b"".join(pieces)
        if self.oversize:
            return data.decode("ascii")
        try:
            return decode_line(data, began == 0, self.fallback)
        except DecodeProblem as exc:
            if self.problem is None:
                self.problem = (self.line, str(exc))
            return data.decode(self.fallback or "utf-8", errors="replace")


def _column(names: list[str], named: str | None, usual: tuple[str, ...]) -> int | None:
    options = (named.strip().lower(),) if named else usual
    return next((names.index(option) for option in options if option in names), None)


def _document(row: list[str], table: Table, path: Path, line: int) -> ReadResult:
    where = f"{path}:{line}"

    def cell(field: str) -> str | None:
        at = table.where_is[field]
        value = row[at].strip() if at is not None and at < len(row) else ""
        return value or None

    text = row[table.text_at] if table.text_at < len(row) else ""
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
