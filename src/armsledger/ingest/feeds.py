"""RSS and Atom feeds: each entry one document, its text the entry's content or summary."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax import SAXParseException

import feedparser

from armsledger.ingest import DEFAULT_OPTIONS, ReadFailure, ReadOptions, ReadResult, register
from armsledger.ingest.html import fragment_text
from armsledger.model import Document


@register(".rss", ".atom", ".xml")
def read_feed_file(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[ReadResult]:
    """Read every entry of a saved feed; an entry with no text is a failure, the rest still count."""
    data = path.read_bytes()
    if not data.strip():
        yield ReadFailure(str(path), "empty file: expected an RSS or Atom feed")
        return
    # Bytes, never a string: feedparser takes a string that looks like an address as one to fetch.
    parsed = feedparser.parse(data)
    if not parsed.version and not parsed.entries:
        problem = getattr(parsed, "bozo_exception", None)
        yield ReadFailure(str(path), f"not an RSS or Atom feed{_why(problem)}", reason="not-a-feed")
        return
    site = parsed.feed.get("title") or None
    for number, entry in enumerate(parsed.entries, 1):
        where = f"{path}#entry{number}"
        text = fragment_text(_entry_markup(entry))
        if not text.strip():
            yield ReadFailure(where, "the entry has no content or summary text")
            continue
        yield Document(
            id=entry.get("id") or entry.get("link") or f"{path.stem}-{number}",
            text=text,
            url=entry.get("link") or None,
            published=_date(entry),
            title=entry.get("title") or None,
            source=where,
            site=site,
            author=entry.get("author") or None,
        )


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
