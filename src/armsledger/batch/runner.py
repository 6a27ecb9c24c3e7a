"""Running a batch: plan, send unfinished partitions to Dask, follow them, group copies, sum up."""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import logging
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import dask
from dask.utils import format_bytes, parse_bytes
from distributed import Client, LocalCluster, as_completed
from distributed.versions import BOKEH_REQUIREMENT
from tqdm import tqdm

from armsledger.batch.groups import group_batch
from armsledger.batch.output import Layout, read_json, write_atomically
from armsledger.batch.plan import Partition, input_files, plan_partitions
from armsledger.batch.worker import PartitionReport, Settings, run_partition
from armsledger.errors import InputError

# 2: shards for .jsonl.gz, cut CSV/WARC/feeds, fallback encodings, new MinHash hashes.
PLAN_VERSION = 2
_SHOWN = 20  # skip messages printed as a run goes; the rest are in the done-markers


@dataclass(slots=True)
class BatchSummary:
    """What a batch run did, and what its output folder now holds."""

    partitions: int = 0
    ran: int = 0  # partitions extracted by this run
    resumed: int = 0  # partitions a previous run had finished
    failed: list[str] = field(default_factory=list)  # partitions that did not finish, with the reason
    documents: int = 0  # in every finished partition
    claims: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    exact_copies: int = 0
    near_copies: int = 0
    seconds: float = 0.0
    documents_this_run: int = 0
    peak_rss_by_worker: dict[str, int] = field(default_factory=dict)

    @property
    def docs_per_second(self) -> float:
        """Documents this run extracted, per second of the run."""
        return self.documents_this_run / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        """The summary as the lines the command prints."""
        skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items())) or "none"
        peak = max(self.peak_rss_by_worker.values(), default=0)
        return [
            f"partitions: {self.partitions} ({self.ran} run now, {self.resumed} already done, "
            f"{len(self.failed)} failed)",
            f"documents: {self.documents}  claims: {self.claims}",
            f"skipped: {skipped}",
            f"copies: {self.exact_copies} exact, {self.near_copies} near (marked as one source)",
            f"speed: {self.docs_per_second:.1f} documents/s over {self.seconds:.1f} s"
            f" ({self.documents_this_run} documents this run); peak worker memory {format_bytes(peak)}",
        ]

    def to_json(self) -> str:
        """The summary as JSON, with documents per second."""
        return json.dumps({**asdict(self), "docs_per_second": round(self.docs_per_second, 2)}, indent=1)


def run_batch(
    inputs: Sequence[str | Path],
    out: str | Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    memory_limit: str = "2GB",
    settings: Settings | None = None,
    processes: bool = True,
    progress: bool | None = None,
    say: Callable[[str], None] | None = None,
) -> BatchSummary:
    """Extract claims from every input on a Dask cluster into Parquet under ``out``; resumable."""
    settings = settings or Settings()
    say = say or (lambda line: tqdm.write(line, file=sys.stderr))
    began = time.perf_counter()
    layout = Layout(Path(out).resolve())
    limit = _memory_limit(memory_limit)
    files = input_files(list(inputs))
    with _only_run(layout):
        partitions = _load_or_make_plan(layout, files, settings)
        done = set(layout.done_names())
        pending = [p for p in partitions if p.name not in done]
        summary = BatchSummary(partitions=len(partitions), resumed=len(partitions) - len(pending))
        if pending:
            with _dask_client(scheduler, workers, limit, processes) as client:
                say(dashboard_note(client, local=scheduler is None))
                _run(client, pending, layout, settings, summary, progress, say)
        counts = group_batch(layout)
        summary.exact_copies, summary.near_copies = counts.exact, counts.near
        for name in layout.done_names():
            report = PartitionReport.from_json(read_json(layout.marker(name)))
            summary.documents += report.documents
            summary.claims += report.claims
            for reason, n in report.skipped.items():
                summary.skipped[reason] = summary.skipped.get(reason, 0) + n
        summary.seconds = round(time.perf_counter() - began, 3)
        write_atomically(layout.summary, summary.to_json())
    return summary


def _run(
    client: Client,
    pending: list[Partition],
    layout: Layout,
    settings: Settings,
    summary: BatchSummary,
    progress: bool | None,
    say: Callable[[str], None],
) -> None:
    out = str(layout.root)
    futures = {
        client.submit(
            run_partition, p, out, settings, key=f"armsledger-{p.name}-{_token(out)}", retries=1, pure=False
        ): p
        for p in pending
    }
    shown = skipped = 0
    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(
        total=sum(p.size for p in pending),
        unit="B",
        unit_scale=True,
        desc="batch",
        disable=not show,
        file=sys.stderr,
    ) as bar:
        for future in as_completed(futures):
            partition = futures[future]
            try:
                report: PartitionReport = future.result()
            except Exception as exc:  # a worker killed for memory, a crash: this partition only
                summary.failed.append(
                    f"{partition.name} ({partition.describe()}): {type(exc).__name__}: {exc}"
                )
                say(f"armsledger: partition {summary.failed[-1]}")
                continue
            finally:
                bar.update(partition.size)
            summary.ran += 1
            summary.documents_this_run += report.documents
            worker = report.worker
            summary.peak_rss_by_worker[worker] = max(
                summary.peak_rss_by_worker.get(worker, 0), report.peak_rss
            )
            for message in report.messages[: max(0, _SHOWN - shown)]:
                say(f"armsledger: skipped {message}")
                shown += 1
            skipped += sum(report.skipped.values())
            bar.set_postfix(docs=summary.documents_this_run, refresh=False)
    if skipped > shown:
        say(f"armsledger: ... and {skipped - shown} more skipped inputs (see {layout.root / 'done'}/*.json)")


def _load_or_make_plan(layout: Layout, files: list[Path], settings: Settings) -> list[Partition]:
    identity = [{"path": str(f), "size": f.stat().st_size, "mtime_ns": f.stat().st_mtime_ns} for f in files]
    if layout.plan.exists():
        stored = read_json(layout.plan)
        if stored.get("version") != PLAN_VERSION:
            raise InputError(
                f"{layout.root} holds a batch planned by another version of armsledger (plan "
                f"{stored.get('version')}, this one writes {PLAN_VERSION}); give another --out folder, "
                "or delete this one to start again"
            )
        if stored.get("inputs") != identity or stored.get("settings") != asdict(settings):
            raise InputError(
                f"{layout.root} holds a batch over other inputs or settings (or the inputs have changed since); "
                "give another --out folder, or delete this one to start again"
            )
        layout.make()
        layout.remove_leftovers()
        return [Partition.from_json(row) for row in stored["partitions"]]
    layout.make()
    partitions = plan_partitions(files, settings.partition_bytes, layout.shards, settings.read_options())
    write_atomically(
        layout.plan,
        json.dumps(
            {
                "version": PLAN_VERSION,
                "inputs": identity,
                "settings": asdict(settings),
                "partitions": [p.to_json() for p in partitions],
            },
            indent=1,
        ),
    )
    return partitions


@contextmanager
def _only_run(layout: Layout) -> Iterator[None]:
    """Hold DIR/run.lock: a second run on the same folder would delete the first one's files in progress."""
    try:
        layout.root.mkdir(parents=True, exist_ok=True)
        lock = (layout.root / "run.lock").open("a")
    except OSError as exc:
        raise InputError(f"{layout.root}: cannot create the output folder ({exc.strerror})") from None
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(
                f"{layout.root}: another batch is running on this folder; wait for it, or give another --out"
            ) from None
        yield


def _memory_limit(text: str) -> int:
    try:
        return int(parse_bytes(text))
    except (ValueError, TypeError):
        raise InputError(f"--memory-limit {text!r}: expected a size such as 2GB or 512MiB") from None


@contextmanager
def _dask_client(
    scheduler: str | None, workers: int | None, memory_limit: int, processes: bool
) -> Iterator[Client]:
    """A client of the given scheduler, or of a new local cluster on loopback, closed afterwards."""
    if scheduler:
        try:
            client = Client(scheduler, timeout="15s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(
                f"--scheduler {scheduler}: cannot reach a Dask scheduler there ({exc})"
            ) from None
        with client:
            yield client
        return
    # Everything on loopback: the workers' connections (threads in this process need none), and the
    # HTTP servers Dask starts even with no dashboard, which otherwise listen on every interface.
    where = {"host": "127.0.0.1"} if processes else {}
    with (
        # Dask samples every task's stack 100 times a second; pure-Python extraction pays for it.
        dask.config.set({"distributed.worker.profile.enabled": False}),
        LocalCluster(
            n_workers=workers or 2,
            threads_per_worker=1,
            processes=processes,
            memory_limit=memory_limit,
            dashboard_address="127.0.0.1:0",
            worker_dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
            **where,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def dashboard_note(client: Client, local: bool) -> str:
    """Where Dask's dashboard is, or why there is none and how to have it."""
    link = client.dashboard_link
    if not local:
        return f"Dask dashboard: {link} (the scheduler's)"
    try:
        version = importlib.metadata.version("bokeh")
    except importlib.metadata.PackageNotFoundError:
        version = None
    if version is not None and BOKEH_REQUIREMENT.specifier.contains(version, prereleases=True):
        return f"Dask dashboard: {link} (on loopback: open it on this machine)"
    return (
        f"Dask dashboard: off, it needs {BOKEH_REQUIREMENT} (pip install '{BOKEH_REQUIREMENT}' in this "
        "environment); with it, each run prints its address here, on 127.0.0.1"
    )


def _token(out: str) -> str:
    # Task keys unique to the output folder, so two batches on one cluster never share a result.
    return hashlib.sha1(out.encode("utf-8")).hexdigest()[:10]
