"""Reading documents from files: one module per source format, chosen by a registry.

A reader turns one file into documents, or into failures that name the file and
line; one bad file or line never stops the others from being read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from armsledger.ingest.boilerplate import mark_skipped
from armsledger.model import Document


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """An input that could not be read, with the reason in words."""

    source: str
    message: str
    # Why, in one word, for counting: "unreadable", "truncated", "not-html", "oversize".
    reason: str = "unreadable"

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


ReadResult = Document | ReadFailure

# A feed entry, CSV row, corpus line or archived page longer than this is skipped unread:
# no article is that long, and reading one whole would only cost memory.
MAX_PART_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How readers treat what they read; the defaults suit every format."""

    max_part_bytes: int = MAX_PART_BYTES
    # CSV: the column holding each field, by header name; None picks the usual names.
    text_column: str | None = None
    title_column: str | None = None
    date_column: str | None = None
    url_column: str | None = None
    id_column: str | None = None


DEFAULT_OPTIONS = ReadOptions()
Reader = Callable[[Path, ReadOptions], Iterator[ReadResult]]

# Suffix (lower case, with the dot) -> reader. A new format is a new module that
# registers itself here; nothing else changes.
READERS: dict[str, Reader] = {}


def register(*suffixes: str) -> Callable[[Reader], Reader]:
    """Declare a function as the reader of files with these suffixes."""

    def wrap(reader: Reader) -> Reader:
        for suffix in suffixes:
            READERS[suffix.lower()] = reader
        return reader

    return wrap


def _suffix(path: Path) -> str:
    name = path.name.lower()
    # Longest registered suffix wins, so ".jsonl.gz" can be told from ".gz".
    matches = [s for s in READERS if name.endswith(s)]
    return max(matches, key=len) if matches else path.suffix.lower()


def read_paths(paths: Iterable[str | Path], options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[ReadResult]:
    """Read every document under the given files and folders, in a stable order."""
    _load_readers()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _suffix(p) in READERS)
            if not files:
                yield ReadFailure(str(path), f"folder has no readable files ({', '.join(sorted(READERS))})")
            for file in files:
                yield from read_file(file, options)
        elif path.exists():
            yield from read_file(path, options)
        else:
            yield ReadFailure(str(path), "no such file or folder")


def read_file(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[ReadResult]:
    """Read one file with the reader of its type; documents come with their skipped spans marked."""
    _load_readers()
    reader = READERS.get(_suffix(path))
    if reader is None:
        yield ReadFailure(str(path), f"unknown file type; expected one of {', '.join(sorted(READERS))}")
        return
    try:
        yield from marked(reader(path, options))
    except PermissionError:
        yield ReadFailure(str(path), "permission denied: the file cannot be read")
    except IsADirectoryError:
        yield ReadFailure(str(path), "is a folder, expected a file")
    except OSError as exc:
        yield ReadFailure(str(path), f"cannot be read: {exc.strerror or exc}")


def marked(results: Iterable[ReadResult]) -> Iterator[ReadResult]:
    """The results with comments, captions and bylines of each document marked as skipped."""
    for result in results:
        yield mark_skipped(result) if isinstance(result, Document) else result


def _load_readers() -> None:
    # Importing the modules registers their readers.
    from armsledger.ingest import csv_text, feeds, html, jsonl, jsonl_gz, text, warc  # noqa: F401


def read_documents(
    paths: Iterable[str | Path], options: ReadOptions = DEFAULT_OPTIONS
) -> tuple[list[Document], list[ReadFailure]]:
    """Read everything at once: the documents and the failures, apart."""
    docs: list[Document] = []
    failures: list[ReadFailure] = []
    for result in read_paths(paths, options):
        (docs if isinstance(result, Document) else failures).append(result)  # type: ignore[arg-type]
    return docs, failures
