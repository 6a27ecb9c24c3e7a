"""Saved web pages: the article's main text, with title, date, site and author as metadata.

Menus, bylines, footers and reader comments are left out of the document's text by the
extractor (trafilatura, comments off), so extraction never reads them. Trafilatura knows a
thread by its class or id ("comments", "respond"); a thread marked by neither, inside the
article, is found first by its heading ("Comments (2)", "4 responses to ...", "Join the
discussion") or by the who-and-when lines its comments start with ("hawk77, 3 hours ago"),
and taken out of the page with everything after it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.utils import load_html

from armsledger.ingest import DEFAULT_OPTIONS, ReadFailure, ReadOptions, ReadResult, register
from armsledger.ingest.boilerplate import COMMENT_META, THREAD_HEADING
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

_HEADING = re.compile(rf"^(?:{THREAD_HEADING})$", re.IGNORECASE)
_META = re.compile(rf"^(?:{COMMENT_META})$", re.IGNORECASE)
# Elements that can head a thread or start a comment, and the longest text they may hold.
_MARKER_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b", "header", "li", "dt")
_MARKER_CHARS = 160
# Reporting a thread marker must follow: a page starts with menus and a title, not a thread.
_REPORTING_BEFORE = 200
# Containers a thread is never widened into: the article itself.
_CONTAINERS = ("body", "html", "article", "main")

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
        tree = load_html(markup)
        if tree is None:
            return ReadFailure(source, "not a readable HTML page", reason="no-article")
        drop_unmarked_threads(tree)
        found = trafilatura.bare_extraction(
            tree,
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


def drop_unmarked_threads(tree: lxml.html.HtmlElement) -> int:
    """Take reader-comment threads that no class or id marks out of the page; how many were taken.

    A thread starts at a heading such as "Comments (2)", or at the first of two or more
    who-and-when lines; it runs to the end of the element that holds it, widened to the
    outermost element it opens (never the article itself). Only markers after some reporting
    count, and the page's title (its first h1) never is one.
    """
    reporting = 0
    title = next(iter(tree.iter("h1")), None)
    headings: list[etree._Element] = []
    metas: list[etree._Element] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "p":
            reporting += len((element.text_content() or "").strip())
        if element.tag not in _MARKER_TAGS or element is title or reporting < _REPORTING_BEFORE:
            continue
        text = _short_text(element)
        if not text:
            continue
        if _HEADING.match(text):
            headings.append(element)
        elif _META.match(text):
            metas.append(element)
    starts = headings[:1] + (metas[:1] if len(metas) >= 2 else [])
    if not starts:
        return 0
    first = min(starts, key=_document_order(tree))
    _drop_from(_widest_opening(first))
    return 1


def _short_text(element: etree._Element) -> str | None:
    """The element's text with spaces collapsed, or None when it is longer than a marker can be."""
    pieces: list[str] = []
    length = 0
    for piece in element.itertext():
        length += len(piece)
        if length > 2 * _MARKER_CHARS:  # stops early inside a big container
            return None
        pieces.append(piece)
    text = " ".join("".join(pieces).split())
    return text if len(text) <= _MARKER_CHARS else None


def _document_order(tree: lxml.html.HtmlElement) -> Callable[[etree._Element], int]:
    order = {id(element): at for at, element in enumerate(tree.iter())}
    return lambda element: order[id(element)]


def _widest_opening(element: etree._Element) -> etree._Element:
    """The outermost ancestor that this element opens (nothing with text comes before it)."""
    while (parent := element.getparent()) is not None and parent.tag not in _CONTAINERS:
        if (parent.text or "").strip() or any(
            (" ".join(sibling.text_content().split()) or (sibling.tail or "").strip())
            for sibling in element.itersiblings(preceding=True)
            if isinstance(sibling.tag, str)
        ):
            break
        element = parent
    return element


def _drop_from(element: etree._Element) -> None:
    """Remove the element and everything after it in its parent."""
    for sibling in list(element.itersiblings()):
        sibling.getparent().remove(sibling)
    element.getparent().remove(element)


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
