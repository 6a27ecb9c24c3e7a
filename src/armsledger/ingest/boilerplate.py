"""Finding the parts of a text that are not reporting: comments, captions, bylines, navigation.

They are marked as skipped spans on the document rather than cut out, so offsets into
the text stay valid and a reviewer can still see what was left aside.
"""

from __future__ import annotations

import re

from armsledger.model import Document, Span

# A line that heads a reader-comment thread: "3 Comments", "Comments (2)", "Responses",
# "4 responses to “Title”", "Join the discussion", "What readers say", a reply form...
THREAD_HEADING = (
    r"(?:\d{1,5}[ \t]+)?(?:comments?|responses?|replies|reactions|reader comments|readers'? comments"
    r"|discussion|conversation)(?:[ \t]*\(\d{1,5}\))?[ \t]*:?"
    r"|\d{1,5}[ \t]+(?:comments?|responses?|replies|thoughts|reactions)[ \t]+(?:to|on|about)\b.{0,200}"
    r"|(?:join|start)[ \t]+the[ \t]+(?:discussion|conversation|debate)\b.{0,60}"
    r"|what[ \t]+(?:readers|our readers|you)[ \t]+(?:say|said|think)\b.{0,60}"
    r"|(?:leave|post|add|write)[ \t]+a[ \t]+(?:reply|comment|response)\b.{0,60}"
    r"|have[ \t]+your[ \t]+say\b.{0,60}"
    r"|your[ \t]+email[ \t]+address[ \t]+will[ \t]+not[ \t]+be[ \t]+published.{0,200}"
)
# The line a comment starts with: who wrote it and when, "hawk77, 3 hours ago",
# "Kasia · 1 hour ago", "Sam on March 14, 2019 at 10:15 am", "1. Someone says:".
COMMENT_META = (
    r"\d{1,4}\.[ \t]+\S[^\n]{0,60}?[ \t]+says:?|[\w.'\-]+(?:[ \t]+[\w.'\-]+){0,2}[ \t]+says:"
    r"|\S[^\n]{0,60}?(?:,|[ \t]*[·|•\-–—])?[ \t]+(?:\d{1,3}|an?|one)[ \t]+"
    r"(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)[ \t]+ago"
    r"|\S[^\n]{0,60}?[ \t]+(?:on[ \t]+)?(?:[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2},?[ \t]+\d{4}|\d{1,2}[ \t]+[A-Z][a-z]{2,8}[ \t]+\d{4})"
    r"(?:[ \t]+at)?[ \t]+\d{1,2}[:.]\d{2}(?:[ \t]*[ap]\.?m\.?)?"
)
_COMMENT_START = re.compile(rf"[ \t]*(?:{THREAD_HEADING}|{COMMENT_META})[ \t]*$", re.IGNORECASE)
# Thread markers are short lines holding one of these words; other lines are not tried.
_MARKER_LINE_CHARS = 240
_MARKER_WORDS = (
    "comment",
    "respon",
    "repl",
    "reaction",
    "discuss",
    "conversation",
    "debate",
    "reader",
    "say",
    "thought",
    "email",
    " ago",
)
_CLOCK = re.compile(r"\d[:.]\d\d")

# A thread marker counts only after this much reporting: a title or a dateline at the top
# ("Reuters, 3 hours ago") is not the start of a comment thread.
_THREAD_AFTER_CHARS = 300
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


# "By John Smith and Ana Lopez, Reuters": a byline line, among the first lines of a text.
_BYLINE = re.compile(r"^[ \t]*by[ \t]+(?P<names>[^\n]{3,160}?)[ \t]*\.?[ \t]*$", re.MULTILINE | re.IGNORECASE)
_BYLINE_PARTS = re.compile(r"[ \t]*(?:,|;|\band\b|&|\|)[ \t]*", re.IGNORECASE)
_NAME_PARTICLES = {
    "de",
    "da",
    "del",
    "della",
    "di",
    "van",
    "von",
    "der",
    "den",
    "ter",
    "bin",
    "al",
    "el",
    "la",
    "le",
    "du",
}
# Words that make a capitalised pair an organisation or a job, not a person: "Associated Press".
_NOT_A_NAME = {
    "agency",
    "associated",
    "bureau",
    "contributor",
    "correspondent",
    "daily",
    "defence",
    "defense",
    "desk",
    "editor",
    "journal",
    "media",
    "network",
    "news",
    "online",
    "post",
    "press",
    "radio",
    "reporter",
    "reuters",
    "service",
    "staff",
    "team",
    "television",
    "times",
    "weekly",
    "wire",
    "writer",
}


def find_byline(text: str) -> tuple[Span, str] | None:
    """A byline among the first two lines of a text: its span and the authors' names.

    "By John Smith and Ana Lopez, Reuters" gives "John Smith and Ana Lopez"; a line such as
    "By the end of the year, ..." names no one and is not a byline.
    """
    lines = [m for m in re.finditer(r"[^\n]+", text[:2000]) if m.group().strip()][:2]
    for line in lines:
        found = _BYLINE.match(line.group())
        if not found:
            continue
        names = [part for part in _BYLINE_PARTS.split(found.group("names")) if _is_person(part)]
        if names:
            author = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            return Span(line.start(), line.end()), author
    return None


def _is_person(part: str) -> bool:
    words = part.split()
    if not 2 <= len(words) <= 5:
        return False
    for word in words:
        if word.lower() in _NAME_PARTICLES:
            continue
        if not word[0].isupper() or word.strip(".'-").lower() in _NOT_A_NAME:
            return False
        if not re.fullmatch(r"[^\W\d_][\w.'\-]*", word):
            return False
    return True


def find_skipped(text: str) -> list[Span]:
    """Spans of the text that are not reporting, sorted and merged."""
    spans: list[Span] = []
    thread = _thread_start(text)
    if thread is not None:
        # Everything after the first comment marker is the thread (and its form).
        spans.append(Span(thread, len(text)))
    for match in _JUNK_LINE.finditer(text):
        if match.group().strip():
            spans.append(Span(match.start(), match.end()))
    tail_from = int(len(text) * 0.6)
    for match in _BIO.finditer(text, tail_from):
        spans.append(Span(match.start(), match.end()))
    return _merge(spans)


def _thread_start(text: str) -> int | None:
    """Where a reader-comment thread starts: its first marker line after the title and some reporting."""
    after = min(_THREAD_AFTER_CHARS, len(text) // 3)
    offset = 0
    for number, line in enumerate(text.split("\n")):
        if (
            number
            and offset > after
            and len(line) <= _MARKER_LINE_CHARS
            and _may_mark_a_thread(line)
            and _COMMENT_START.match(line)
        ):
            return offset
        offset += len(line) + 1
    return None


def _may_mark_a_thread(line: str) -> bool:
    # A cheap test before the full pattern, which is slow on the many lines that are reporting.
    lower = line.lower()
    return any(word in lower for word in _MARKER_WORDS) or _CLOCK.search(line) is not None


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
    """Record on the document which stretches extraction must not read.

    A leading byline is one of them, and names the author when the source did not.
    """
    spans = find_skipped(doc.text)
    byline = find_byline(doc.text)
    if byline is not None:
        spans = _merge([*spans, byline[0]])
        if doc.author is None:
            doc.author = byline[1]
    doc.skipped = spans
    return doc
