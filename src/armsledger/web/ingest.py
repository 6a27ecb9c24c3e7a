"""Ingest from the browser: save uploads or check local paths, then run the same ``build`` as the CLI in a thread.

Progress is kept in the store's ``ingest_jobs`` table, so whichever server process answers the
poll can report it. Uploads are limited in size (the Guard middleware) and in type (the
ingest readers' suffixes); paths must lie under ARMSLEDGER_INGEST_ROOTS.
"""

from __future__ import annotations

import gzip
import logging
import re
import shutil
import threading
import uuid
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from armsledger.errors import ArmsledgerError, InputError
from armsledger.ingest import READERS, ReadFailure, _load_readers
from armsledger.store import Store
from armsledger.store.accounts import add_job, update_job
from armsledger.store.build import build
from armsledger.web.inputs import bad_characters
from armsledger.web.settings import Settings

log = logging.getLogger("armsledger.web")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_FILES = 100
MIB = 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
UNPACK_CHUNK = MIB
# The longest line a gzipped upload may unpack to (a JSON line is one article, rarely past 1 MB).
MAX_LINE = 16 * MIB
# Paths an editor may list in one ingest, and the longest path (Linux's PATH_MAX).
MAX_PATHS = 1000
MAX_PATH = 4096


def accepted_suffixes() -> list[str]:
    """The file endings the readers know (.txt, .jsonl, .html, ...)."""
    _load_readers()
    return sorted(READERS)


def _accepted(name: str) -> bool:
    low = name.lower()
    return any(low.endswith(s) for s in accepted_suffixes())


@dataclass(slots=True)
class Upload:
    """One uploaded file: its name as sent and its content."""

    filename: str
    stream: BinaryIO


def safe_name(filename: str, taken: set[str]) -> str:
    """A file name without folders or odd characters, unique in its upload."""
    base = _UNSAFE.sub("_", Path(filename.replace("\\", "/")).name).strip("._") or "upload.txt"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{n}-{base}"
    taken.add(name)
    return name


def save_uploads(uploads: list[Upload], settings: Settings, job_id: str) -> list[Path]:
    """Write the uploads to DATA_DIR/uploads/JOB; InputError (nothing kept) for a file of the wrong type."""
    if not uploads:
        raise InputError("no file was uploaded; choose one or more files")
    if len(uploads) > MAX_FILES:
        raise InputError(f"{len(uploads)} files: at most {MAX_FILES} in one upload")
    for upload in uploads:
        if not _accepted(upload.filename or ""):
            raise InputError(
                f"{upload.filename or '(no name)'}: not a file type armsledger reads; expected one of "
                + ", ".join(accepted_suffixes())
            )
    folder = Path(settings.data_dir) / "uploads" / job_id
    folder.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    saved: list[Path] = []
    try:
        for upload in uploads:
            path = folder / safe_name(upload.filename, taken)
            with path.open("wb") as out:
                shutil.copyfileobj(upload.stream, out)
            check_unpacked(path, upload.filename, settings.max_unpacked_bytes)
            saved.append(path)
    except InputError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    except OSError as err:
        shutil.rmtree(folder, ignore_errors=True)
        raise ArmsledgerError(f"{folder}: cannot save the upload ({err.strerror})") from None
    return saved


def check_unpacked(path: Path, name: str, limit: int, line_limit: int = MAX_LINE) -> None:
    """Refuse a gzipped upload that unpacks to more than ``limit`` bytes or to a line longer than ``line_limit``.

    A few megabytes of gzip can unpack to gigabytes, and the line readers hold a line in memory;
    the upload's own size cap says nothing about either. Damaged gzip data is left to the readers,
    which report it as `build` does.
    """
    with path.open("rb") as raw:
        if raw.read(2) != GZIP_MAGIC:
            return
    total = line = 0
    try:
        with gzip.open(path, "rb") as stream:
            while chunk := stream.read(UNPACK_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise InputError(
                        f"{name}: unpacks to more than {limit / MIB:g} MB (ARMSLEDGER_MAX_UNPACKED_MB); "
                        "split it into smaller files"
                    )
                pieces = chunk.split(b"\n")
                if len(pieces) == 1:
                    line += len(chunk)
                    longest = line
                else:
                    # The first piece ends the line the last chunk left open; the last one opens the next.
                    longest = max([line + len(pieces[0]), *(len(p) for p in pieces[1:-1]), len(pieces[-1])])
                    line = len(pieces[-1])
                if longest > line_limit:
                    raise InputError(
                        f"{name}: holds a line longer than {line_limit / MIB:g} MB once unpacked; "
                        "expected one document a line"
                    )
    except (OSError, EOFError, zlib.error):
        return  # damaged: the reader reports what it can read and what it cannot


def _shown(text: str) -> str:
    """A path as a message quotes it: control characters escaped, a long one cut."""
    quoted = text.encode("unicode_escape", "backslashreplace").decode("ascii")
    return quoted if len(quoted) <= 120 else quoted[:100] + f"... ({len(text):,} characters)"


def check_paths(raw: Iterable[str], settings: Settings) -> list[Path]:
    """Local paths an editor listed, each existing and under an ingest root; InputError names a bad one."""
    paths: list[Path] = []
    for number, line in enumerate(raw, 1):
        text = line.strip()
        if not text:
            continue
        if number > MAX_PATHS:
            raise InputError(f"more than {MAX_PATHS} paths; list folders rather than every file")
        problem = bad_characters(text)
        if problem:
            raise InputError(f"path on line {number} ({_shown(text)}): holds {problem}; no file is named so")
        if len(text) > MAX_PATH:
            raise InputError(f"path on line {number} ({_shown(text)}): longer than {MAX_PATH} characters")
        if text.startswith("file://"):
            text = text[len("file://") :]
        path = Path(text).expanduser()
        if not path.is_absolute():
            raise InputError(
                f"{_shown(text)}: give an absolute path (the server's own files, not a web address)"
            )
        try:
            resolved = path.resolve()
            inside = any(resolved == root or resolved.is_relative_to(root) for root in settings.ingest_roots)
            exists = inside and resolved.exists()
        except (OSError, RuntimeError) as err:  # a name too long for the file system, a symlink loop
            reason = getattr(err, "strerror", None) or str(err)
            raise InputError(f"{_shown(text)}: not a usable path on the server ({reason})") from None
        if not inside:
            roots = ", ".join(str(r) for r in settings.ingest_roots)
            raise InputError(
                f"{_shown(text)}: outside the folders open to ingest ({roots}; ARMSLEDGER_INGEST_ROOTS)"
            )
        if not exists:
            raise InputError(f"{_shown(text)}: no such file or folder on the server")
        paths.append(resolved)
    if not paths:
        raise InputError("no path given; list one file or folder per line")
    return paths


# Readers that make one document of a file, and those that make one of each line.
ONE_PER_FILE = (".txt", ".text", ".html", ".htm", ".xhtml")
ONE_PER_LINE = (".jsonl", ".ndjson")
# Counting stops here: past this many files, or a line file this large, the total is unknown.
COUNT_FILES = 10_000
COUNT_BYTES = 64 * MIB


def _files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from (p for p in sorted(path.rglob("*")) if p.is_file())
        else:
            yield path


def count_documents(paths: Iterable[Path]) -> int | None:
    """How many documents the inputs hold, when that is cheap to know; None otherwise.

    A text or HTML file is one document and a JSON-lines file one a line; any other kind (gzip,
    WARC, CSV, feeds) needs reading, so its total is unknown and the progress bar has no end.
    """
    total = 0
    try:
        for number, path in enumerate(_files(paths), 1):
            name = path.name.lower()
            if number > COUNT_FILES:
                return None
            if name.endswith(ONE_PER_FILE):
                total += 1
            elif name.endswith(ONE_PER_LINE) and path.stat().st_size <= COUNT_BYTES:
                with path.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            elif _accepted(name):
                return None
    except OSError:
        return None
    return total or None


@lru_cache(maxsize=256)
def _total_of(job_id: str, where: tuple[str, ...]) -> int | None:
    return count_documents(Path(p) for p in where)


def job_total(settings: Settings, job: dict[str, Any]) -> int | None:
    """The documents a job will read, when known: counted once per process from its saved upload or its paths."""
    folder = Path(settings.data_dir) / "uploads" / str(job["id"])
    where = (str(folder),) if folder.is_dir() else tuple(str(p) for p in job.get("inputs") or [])
    if not all(Path(p).is_absolute() for p in where):
        return None
    return _total_of(str(job["id"]), where)


def new_job_id() -> str:
    """A fresh job id."""
    return uuid.uuid4().hex


def start_job(
    store: Store,
    settings: Settings,
    job_id: str,
    who: str,
    paths: list[Path],
    inputs: list[str],
    rebuild: bool,
) -> dict[str, object]:
    """Record the job and run the build in a background thread; the job as first recorded."""
    job = add_job(store, job_id, who, inputs, rebuild)
    thread = threading.Thread(
        target=run_job,
        args=(store, settings, job_id, paths, rebuild),
        name=f"ingest-{job_id[:8]}",
        daemon=True,
    )
    thread.start()
    return job


def begin_ingest(
    store: Store, settings: Settings, who: str, uploads: list[Upload], paths: str, rebuild: bool
) -> dict[str, object]:
    """Save the uploads (or check the listed paths) and start the build; the job as recorded."""
    job_id = new_job_id()
    if uploads and paths.strip():
        raise InputError("give files or paths, not both")
    if uploads:
        saved = save_uploads(uploads, settings, job_id)
        inputs = [u.filename for u in uploads]
    else:
        saved = check_paths(paths.splitlines(), settings)
        inputs = [str(p) for p in saved]
    return start_job(store, settings, job_id, who, saved, inputs, rebuild)


def run_job(store: Store, settings: Settings, job_id: str, paths: list[Path], rebuild: bool) -> None:
    """Build from the paths, keeping the job's progress in the store."""
    done = 0
    failures: list[str] = []

    def batch(count: int) -> None:
        nonlocal done
        done += count
        update_job(store, job_id, read=done)

    def failed(failure: ReadFailure) -> None:
        failures.append(str(failure))

    try:
        update_job(store, job_id, state="running")
        report = build(store, paths, settings.build_batch, rebuild, on_failure=failed, on_batch=batch)
        update_job(
            store,
            job_id,
            state="done",
            read=report.read,
            new=report.new,
            new_claims=report.new_claims,
            rows=report.rows,
            failures=failures[:200],
            message=report.summary(),
        )
    except ArmsledgerError as err:
        _fail(store, job_id, str(err), failures)
    except Exception as err:  # a bug must still end the job, or its page would poll for ever
        log.exception("ingest job %s failed", job_id)
        _fail(store, job_id, f"unexpected error: {type(err).__name__}: {err}", failures)


def _fail(store: Store, job_id: str, message: str, failures: list[str]) -> None:
    try:
        update_job(store, job_id, state="failed", message=message, failures=failures[:200])
    except ArmsledgerError:
        log.exception("cannot record the failure of ingest job %s", job_id)
