"""Ingest from the browser: save uploads or check local paths, then run the same ``build`` as the CLI in a thread.

Progress is kept in the store's ``ingest_jobs`` table, so whichever server process answers the
poll can report it. Uploads are limited in size (the Guard middleware) and in type (the
ingest readers' suffixes); paths must lie under ARMSLEDGER_INGEST_ROOTS.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from armsledger.errors import ArmsledgerError, InputError
from armsledger.ingest import READERS, ReadFailure, _load_readers
from armsledger.store import Store
from armsledger.store.accounts import add_job, update_job
from armsledger.store.build import build
from armsledger.web.settings import Settings

log = logging.getLogger("armsledger.web")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_FILES = 100


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
            saved.append(path)
    except OSError as err:
        shutil.rmtree(folder, ignore_errors=True)
        raise ArmsledgerError(f"{folder}: cannot save the upload ({err.strerror})") from None
    return saved


def check_paths(raw: Iterable[str], settings: Settings) -> list[Path]:
    """Local paths an editor listed, each existing and under an ingest root."""
    paths: list[Path] = []
    for line in raw:
        text = line.strip()
        if not text:
            continue
        if text.startswith("file://"):
            text = text[len("file://") :]
        path = Path(text).expanduser()
        if not path.is_absolute():
            raise InputError(f"{text}: give an absolute path (the server's own files, not a web address)")
        resolved = path.resolve()
        if not any(resolved == root or resolved.is_relative_to(root) for root in settings.ingest_roots):
            roots = ", ".join(str(r) for r in settings.ingest_roots)
            raise InputError(f"{text}: outside the folders open to ingest ({roots}; ARMSLEDGER_INGEST_ROOTS)")
        if not resolved.exists():
            raise InputError(f"{text}: no such file or folder on the server")
        paths.append(resolved)
    if not paths:
        raise InputError("no path given; list one file or folder per line")
    return paths


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
