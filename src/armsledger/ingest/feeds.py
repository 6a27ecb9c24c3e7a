"""RSS and Atom feeds: each entry one document, its text the entry's content or summary.

A feed is never parsed whole. A scanner walks its bytes (minding CDATA sections and
comments) and cuts out one entry (<item> or <entry>) at a time; each entry is parsed by
feedparser on its own, inside the feed's header (the channel's opening, with its namespaces
and title). An entry over the size limit is passed over without being kept and counted as
oversize, so a 200 MB entry costs that entry, not the worker nor the feed's other entries.
Reading from any entry's first byte gives the same entries as reading the whole feed, so the
batch runner cuts big feeds at entry starts.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax import SAXParseException

import feedparser

from armsledger.ingest import DEFAULT_OPTIONS, ReadFailure, ReadOptions, ReadResult, register
from armsledger.ingest.html import fragment_text
from armsledger.model import Document

_CHUNK = 1 << 20
# Bytes held back at a chunk's end while scanning: a tag may straddle two chunks.
_KEEP = 512
_TOKEN = re.compile(rb"<!\[CDATA\[|<!--|<(/?)(?:[A-Za-z_][\w.-]*:)?(item|entry)(?=[\s/>])")
_TERMINATORS = {b"<![CDATA[": b"]]>", b"<!--": b"-->"}
_HEADER_NOISE = re.compile(rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->|<\?.*?\?>|<![^>]*>", re.DOTALL)
_HEADER_TAG = re.compile(rb"<(/?)([A-Za-z_][\w.:-]*)[^>]*?(/?)>")


@dataclass(frozen=True, slots=True)
class Part:
    """A stretch the scanner found: the header, an entry, or an entry cut off by the file's end."""

    kind: str  # "header", "entry", "cut"
    offset: int
    length: int
    data: bytes | None  # None when longer than the limit


@register(".rss", ".atom", ".xml")
def read_feed_file(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[ReadResult]:
    """Read every entry of a saved feed; a bad or oversize entry is a failure, the rest still count."""
    with path.open("rb") as stream:
        if not stream.read(65536).strip() and path.stat().st_size <= 65536:
            yield ReadFailure(str(path), "empty file: expected an RSS or Atom feed")
            return
        parts = scan_feed(stream, 0, options.max_part_bytes, with_header=True)
        header = next(parts)
        if header.data is None:
            yield ReadFailure(
                str(path),
                f"feed header longer than {options.max_part_bytes} bytes before the first entry: skipped unread",
                reason="oversize",
            )
            return
        first = next(parts, None)
        if first is None:
            yield from _no_entries(path, header.data)
            return
        feed = FeedHeader.of(header.data)
        yield from feed.documents(path, _chain(first, parts), 1, options)


def scan_feed(stream: BinaryIO, start: int, limit: int, with_header: bool = False) -> Iterator[Part]:
    """The entries of a feed from byte ``start`` (an entry's first byte, or 0 with the header first)."""
    stream.seek(start)
    buf, base, pos, eof = b"", start, 0, False
    header_pending = with_header
    in_entry, oversize, depth, entry_at, entry_name = False, False, 0, 0, b""
    terminator: bytes | None = None

    def keep_from() -> int:
        nonlocal oversize
        if in_entry and not oversize:
            if base + len(buf) - entry_at > limit:
                oversize = True
            else:
                return entry_at - base
        if header_pending and base == 0 and len(buf) <= limit:
            return 0
        return pos

    need_more = True
    while True:
        if need_more and not eof:
            cut = min(keep_from(), pos)
            buf, base, pos = buf[cut:], base + cut, pos - cut
            chunk = stream.read(_CHUNK)
            eof = not chunk
            buf += chunk
            need_more = False
            continue
        if terminator is not None:
            end = buf.find(terminator, pos)
            if end < 0:
                if eof:
                    break
                pos, need_more = max(pos, len(buf) - len(terminator)), True
                continue
            pos, terminator = end + len(terminator), None
            continue
        match = _TOKEN.search(buf, pos)
        if match is None:
            if eof:
                break
            pos, need_more = max(pos, len(buf) - _KEEP), True
            continue
        if match.group(2) is None:  # CDATA or a comment
            terminator, pos = _TERMINATORS[match.group()], match.end()
            continue
        close = buf.find(b">", match.end())
        if close < 0:  # the tag runs on into the next chunk
            if eof:
                break
            pos, need_more = match.start(), True
            continue
        name, closing, lone = match.group(2), bool(match.group(1)), buf[close - 1 : close] == b"/"
        if not in_entry and not closing:
            if header_pending:
                header_pending = False
                yield Part("header", 0, base + match.start(), buf[: match.start()] if base == 0 else None)
            at = base + match.start()
            if lone:
                yield Part("entry", at, base + close + 1 - at, buf[match.start() : close + 1])
            else:
                in_entry, oversize, depth, entry_at, entry_name = True, False, 1, at, name
        elif in_entry and name == entry_name and not lone:
            depth += -1 if closing else 1
            if depth == 0:
                in_entry = False
                length = base + close + 1 - entry_at
                data = None if oversize or length > limit else buf[entry_at - base : close + 1]
                yield Part("entry", entry_at, length, data)
        pos = close + 1
    if header_pending:
        yield Part("header", 0, base + len(buf), buf if base == 0 and len(buf) <= limit else None)
    if in_entry:
        yield Part("cut", entry_at, base + len(buf) - entry_at, None)


def entry_ranges(
    path: Path, partition_bytes: int, limit: int
) -> tuple[int, list[tuple[int, int, int]]] | None:
    """The header's end and (start, end, number of the first entry) of stretches of whole entries.

    None when the feed has fewer than two entries or no usable header: it is read whole.
    """
    size = path.stat().st_size
    ranges: list[tuple[int, int, int]] = []
    with path.open("rb") as stream:
        parts = scan_feed(stream, 0, limit, with_header=True)
        header = next(parts)
        if header.data is None:
            return None
        start = number = first = 0
        for number, part in enumerate(parts, 1):
            if number == 1:
                start, first = part.offset, 1
            elif part.offset - start >= partition_bytes:
                ranges.append((start, part.offset, first))
                start, first = part.offset, number
    if number < 2:
        return None
    ranges.append((start, size, first))
    return header.length, ranges


def read_feed_range(
    path: Path, header_end: int, start: int, end: int, first_entry: int, options: ReadOptions
) -> Iterator[ReadResult]:
    """The documents of the entries that start in bytes ``start..end`` of a feed."""
    with path.open("rb") as stream:
        feed = FeedHeader.of(stream.read(header_end))
        parts = (p for p in scan_feed(stream, start, options.max_part_bytes) if p.offset < end)
        yield from feed.documents(path, parts, first_entry, options)


@dataclass(frozen=True, slots=True)
class FeedHeader:
    """A feed's opening (up to its first entry), the tags that close it, and its title."""

    opening: bytes
    closing: bytes
    site: str | None

    @classmethod
    def of(cls, opening: bytes) -> FeedHeader:
        """The header from the bytes before the first entry."""
        stack: list[bytes] = []
        for tag in _HEADER_TAG.finditer(_HEADER_NOISE.sub(b"", opening)):
            if tag.group(3):
                continue
            if tag.group(1):
                if tag.group(2) in stack:
                    del stack[len(stack) - 1 - stack[::-1].index(tag.group(2)) :]
            else:
                stack.append(tag.group(2))
        closing = b"".join(b"</" + name + b">" for name in reversed(stack))
        parsed = feedparser.parse(opening + closing)
        return cls(opening, closing, parsed.feed.get("title") or None)

    def documents(
        self, path: Path, parts: Iterator[Part], first: int, options: ReadOptions
    ) -> Iterator[ReadResult]:
        """A document or failure for each entry."""
        for number, part in enumerate(parts, first):
            where = f"{path}#entry{number}"
            if part.kind == "cut":
                yield ReadFailure(where, "the entry is cut off by the end of the file", reason="truncated")
            elif part.data is None:
                yield ReadFailure(
                    where,
                    f"entry of {part.length:,} bytes is over the limit of {options.max_part_bytes:,}: skipped unread",
                    reason="oversize",
                )
            else:
                yield self.document(part.data, path, number, where)

    def document(self, entry: bytes, path: Path, number: int, where: str) -> ReadResult:
        """One entry, parsed inside the feed's header, as a document."""
        parsed = feedparser.parse(self.opening + entry + self.closing)
        if not parsed.entries:
            return ReadFailure(
                where, f"not a readable feed entry{_why(getattr(parsed, 'bozo_exception', None))}"
            )
        item = parsed.entries[0]
        text = fragment_text(_entry_markup(item))
        if not text.strip():
            return ReadFailure(where, "the entry has no content or summary text")
        return Document(
            id=item.get("id") or item.get("link") or f"{path.stem}-{number}",
            text=text,
            url=item.get("link") or None,
            published=_date(item),
            title=item.get("title") or None,
            source=where,
            site=self.site,
            author=item.get("author") or None,
        )


def _no_entries(path: Path, data: bytes) -> Iterator[ReadResult]:
    # Bytes, never a string: feedparser takes a string that looks like an address as one to fetch.
    parsed = feedparser.parse(data)
    if not parsed.version and not parsed.entries:
        problem = getattr(parsed, "bozo_exception", None)
        yield ReadFailure(str(path), f"not an RSS or Atom feed{_why(problem)}", reason="not-a-feed")


def _chain(first: Part, rest: Iterator[Part]) -> Iterator[Part]:
    yield first
    yield from rest


def _entry_markup(entry: Any) -> str:
    # The full content when the feed carries it, else the summary.
    contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value", "").strip()]
    return max(contents, key=len) if contents else entry.get("summary", "") or ""


def _date(entry: Any) -> str | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    return time.strftime("%Y-%m-%d", stamp) if stamp else None


def _why(problem: object) -> str:
    if isinstance(problem, SAXParseException):
        return f": not well-formed XML ({problem.getMessage()} at line {problem.getLineNumber()})"
    return f" ({str(problem).strip().splitlines()[0]})" if problem and str(problem).strip() else ""
