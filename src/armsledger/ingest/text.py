"""Plain-text files: one document per file, its id the file's stem."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from armsledger.ingest import DEFAULT_OPTIONS, ReadFailure, ReadOptions, ReadResult, register
from armsledger.ingest.boilerplate import find_byline
from armsledger.ingest.decode import DecodeProblem, decode_text
from armsledger.model import Document


@register(".txt", ".text")
def read_text_file(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[ReadResult]:
    """Read one .txt file as one document."""
    try:
        text = decode_text(path.read_bytes())
    except DecodeProblem as exc:
        yield ReadFailure(str(path), str(exc))
        return
    found = find_byline(text)
    byline = text[found[0].start : found[0].end].strip() if found else None
    # A byline first is not the title: the next line is.
    title = next(
        (line.strip() for line in text.splitlines() if line.strip() and line.strip() != byline), None
    )
    yield Document(id=path.stem, text=text, title=title, source=str(path))
