"""Web archives (.warc, .warc.gz): each archived HTML page read like a saved page.

Records that are not pages (images, scripts, PDFs, error responses) are skipped one by
one with a message, so a run can count them; requests and metadata are not pages at all
and pass silently. Reading from any record's first byte gives the same pages as reading
the whole archive, so the batch runner cuts big archives at record starts found while planning.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from armsledger.ingest import DEFAULT_OPTIONS, ReadFailure, ReadOptions, ReadResult, register
from armsledger.ingest.decode import DecodeProblem, decode_markup
from armsledger.ingest.html import document_from_html

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


@register(".warc", ".warc.gz")
def read_warc_file(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[ReadResult]:
    """Read every archived HTML page of a WARC file as a document."""
    if not _is_warc(path):
        yield ReadFailure(str(path), "not a WARC file: expected records starting with WARC/1.0 or WARC/1.1")
        return
    yield from read_warc_range(path, 0, None, options)


def read_warc_range(
    path: Path, start: int, end: int | None, options: ReadOptions = DEFAULT_OPTIONS
) -> Iterator[ReadResult]:
    """The pages of the records that start in bytes ``start..end`` (to the end for None)."""
    pages = 0
    limit = options.max_part_bytes
    with path.open("rb") as stream:
        stream.seek(start)
        records = ArchiveIterator(stream)
        try:
            for record in records:
                page = _payload(record, limit) if record.rec_type in ("response", "resource") else None
                # Reads the rest of the record, so a record cut short shows as unread bytes.
                offset = records.get_record_offset()
                if end is not None and offset >= end:
                    return
                where = f"{path}@{offset}"
                if getattr(record.raw_stream, "limit", 0) > 0:
                    yield _truncated(path, pages)
                    return
                if page is not None:
                    result = _page(record, page, where, limit)
                    pages += not isinstance(result, ReadFailure)
                    yield result
        # warcio meets a cut-off file in several ways, some of them its own internal errors.
        except (ArchiveLoadFailed, EOFError, zlib.error, AttributeError, ValueError) as exc:
            if isinstance(exc, ArchiveLoadFailed) and not pages and start == 0:
                yield ReadFailure(str(path), f"not a WARC file ({_first_line(exc)})")
            else:
                yield _truncated(path, pages)


def record_ranges(path: Path, partition_bytes: int) -> list[tuple[int, int]] | None:
    """(start, end) of stretches of about partition_bytes of whole records; None to read the file whole."""
    if not _is_warc(path):
        return None
    starts: list[int] = []
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for _ in records:
                starts.append(records.get_record_offset())
        except (ArchiveLoadFailed, EOFError, zlib.error, AttributeError, ValueError):
            pass  # the stretch that holds the cut reports it
    if len(starts) < 2:
        return None
    size = path.stat().st_size
    ranges: list[tuple[int, int]] = []
    begin = starts[0]
    for offset in starts[1:]:
        if offset - begin >= partition_bytes:
            ranges.append((begin, offset))
            begin = offset
    ranges.append((begin, size))
    return ranges


def _payload(record: Any, limit: int) -> tuple[str, bytes | None]:
    """The record's content type and its body: b"" when it is not a page, None when too big for one."""
    if record.rec_type == "response":
        headers = record.http_headers
        status = headers.get_statuscode() if headers else ""
        if not status.startswith("2"):
            return f"HTTP status {status or 'missing'}", b""
        content_type = headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    if _media(content_type) not in _HTML_TYPES:
        return content_type, b""
    body = record.content_stream().read(limit + 1)
    return content_type, body if len(body) <= limit else None


def _page(record: Any, page: tuple[str, bytes | None], where: str, limit: int) -> ReadResult:
    content_type, body = page
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if content_type.startswith("HTTP status"):
        return ReadFailure(where, f"{uri}: {content_type}, not a page: skipped", reason="not-html")
    if _media(content_type) not in _HTML_TYPES:
        return ReadFailure(
            where, f"{uri}: {_media(content_type) or 'no content type'}, not HTML: skipped", reason="not-html"
        )
    if body is None:
        return ReadFailure(where, f"{uri}: page larger than {limit:,} bytes: skipped", reason="oversize")
    declared = _CHARSET.search(content_type)
    try:
        markup = decode_markup(body, declared.group(1) if declared else None)
    except DecodeProblem as exc:
        return ReadFailure(where, f"{uri}: {exc}")
    record_id = (record.rec_headers.get_header("WARC-Record-ID") or "").strip("<>")
    return document_from_html(markup, doc_id=record_id or where, source=where, url=uri or None)


def _media(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _is_warc(path: Path) -> bool:
    # warcio also reads the old ARC format and takes plain text for it; only WARC is meant here.
    with path.open("rb") as stream:
        head = stream.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    try:
        with opener(path, "rb") as stream:
            return stream.read(5) == b"WARC/"
    except (OSError, EOFError):
        return False


def _truncated(path: Path, pages: int) -> ReadFailure:
    return ReadFailure(
        str(path),
        f"truncated WARC: the file ends inside a record; {pages} pages read before the cut",
        reason="truncated",
    )


def _first_line(problem: Exception) -> str:
    return (str(problem).strip().splitlines() or [type(problem).__name__])[0]
