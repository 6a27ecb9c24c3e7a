"""Saved web pages: the article's main text, with title, date, site and author as metadata.

Menus, bylines, footers and reader comments are left out of the document's text by the
extractor (trafilatura, comments off), so extraction never reads them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import trafilatura
from lxml import etree

from armsledger.ingest import DEFAULT_OPTIONS, ReadFailure, ReadOptions, ReadResult, register
from armsledger.ingest.decode import DecodeProblem, decode_markup
from armsledger.model import Document

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Elements whose end is a paragraph break when a fragment becomes plain text.
_BLOCKS = (
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "tr",
    "section",
    "article",
    "pre",
    "figcaption",
    "dd",
    "dt",
)
# Only dates a page declares for itself: guessing from the body would take a date in the story.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}

# trafilatura reports every page it finds no text in; the reader says so itself, once.
logging.getLogger("trafilatura").setLevel(logging.ERROR)


@register(".html", ".htm", ".xhtml")
def read_html_file(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[ReadResult]:
    """Read one saved web page as one document."""
    try:
        markup = decode_markup(path.read_bytes())
    except DecodeProblem as exc:
        yield ReadFailure(str(path), str(exc))
        return
    yield document_from_html(markup, doc_id=path.stem, source=str(path))


def document_from_html(markup: str, doc_id: str, source: str, url: str | None = None) -> ReadResult:
    """The article of a web page as a document, or a failure when the page holds none."""
    try:
        found = trafilatura.bare_extraction(
            markup,
            url=url,
            include_comments=False,
            with_metadata=True,
            date_extraction_params=_DATE_PARAMS,
        )
    except (ValueError, etree.ParserError) as exc:
        return ReadFailure(source, f"not a readable HTML page ({exc})")
    body = getattr(found, "text", None) or ""
    paragraphs = [line.strip() for line in body.split("\n") if line.strip()]
    if not paragraphs:
        return ReadFailure(source, "no article text found in the page", reason="no-article")
    date = found.date if found.date and _ISO_DATE.match(found.date) else None
    return Document(
        id=doc_id,
        # One paragraph per line with a blank line between, like the plain-text corpus.
        text="\n\n".join(paragraphs),
        url=url or found.url,
        published=date,
        title=found.title,
        source=source,
        site=found.sitename,
        author=found.author,
    )


def fragment_text(markup: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content), one paragraph per block."""
    if "<" not in markup:
        return "\n\n".join(p.strip() for p in markup.split("\n") if p.strip())
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return markup.strip()
    for junk in root.xpath("//script|//style|//noscript"):
        junk.drop_tree()
    for block in root.iter(*_BLOCKS):
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n\n".join(line for line in lines if line)
