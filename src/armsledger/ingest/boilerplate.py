"""Finding the parts of a text that are not reporting: comments, captions, bylines, navigation.

They are marked as skipped spans on the document rather than cut out, so offsets into
the text stay valid and a reviewer can still see what was left aside.
"""

from __future__ import annotations

import re

from armsledger.model import Document, Span

# A reader-comment thread starts with a numbered "Name says" line or a reply form.
_COMMENT_START = re.compile(
    r"^[ \t]*(?:\d{1,4}\.[ \t]+\S.{0,60}?[ \t]+says:?[ \t]*$"
    r"|(?:Leave a Reply|Leave a Comment|Leave a reply|Post a Comment|Add a comment|\d+ Comments?|Comments)[ \t]*:?[ \t]*$"
    r"|Your email address will not be published)",
    re.MULTILINE | re.IGNORECASE,
)
# Single lines that are never reporting.
_JUNK_LINE = re.compile(
    r"^[ \t]*(?:"
    r"(?:Image|Images|Photo|Photos|Photograph|Picture|Caption|Credit|Photo credit|Featured image)[ \t]*:.*"
    r"|©.*|\(c\)[ \t].*|Copyright\b.*"
    r"|https?://\S+"
    r"|(?:Share|Share this|Tweet|Follow us|Subscribe|Sign up|Read more|Related|Related articles?|Advertisement"
    r"|Also read|Read also|See also|Click here|Print|Email)\b.{0,60}"
    r"|video-box\b.*|[–—\-•·|]+"
    r")[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
# "Jane Doe is a senior fellow at ..." in the last paragraphs: an author biography.
_BIO = re.compile(
    r"^[ \t]*[A-Z][\w.'\-]+(?:[ \t]+[A-Z][\w.'\-]+){1,3}[ \t]+(?:is|was|has been|serves as)[ \t]+"
    r"(?:a|an|the)?[ \t]*[^\n]{0,120}?\b(?:director|fellow|professor|editor|correspondent|author|analyst"
    r"|researcher|reporter|journalist|writer|contributor|columnist|lecturer|scholar)\b[^\n]*$",
    re.MULTILINE,
)


def find_skipped(text: str) -> list[Span]:
    """Spans of the text that are not reporting, sorted and merged."""
    spans: list[Span] = []
    comment = _COMMENT_START.search(text)
    if comment and comment.start() > len(text) * 0.3:
        # Everything after the first comment marker is the thread (and its form).
        spans.append(Span(comment.start(), len(text)))
    for match in _JUNK_LINE.finditer(text):
        if match.group().strip():
            spans.append(Span(match.start(), match.end()))
    tail_from = int(len(text) * 0.6)
    for match in _BIO.finditer(text, tail_from):
        spans.append(Span(match.start(), match.end()))
    return _merge(spans)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Span(last.start, max(last.end, span.end))
        else:
            merged.append(span)
    return merged


def mark_skipped(doc: Document) -> Document:
    """Record on the document which stretches extraction must not read."""
    doc.skipped = find_skipped(doc.text)
    return doc
