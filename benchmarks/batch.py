"""Batch throughput: `armsledger batch` with 1 and 2 workers against a plain single-process loop.

Builds a corpus of at least 100,000 documents in a temporary folder (outside the repository)
by repeating and shuffling the shared dev and seed texts under fresh ids, then prints
documents per second, the speed-up and peak memory per worker. It measures; it never asserts.

    .venv/bin/python benchmarks/batch.py [--docs 100000] [--workers 1 2] [--keep]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from armsledger.extract import extract
from armsledger.ingest import read_paths
from armsledger.knowledge import default_knowledge
from armsledger.model import Document

SHARED = Path(__file__).resolve().parents[2] / "shared"
FILES = 4


def build_corpus(folder: Path, count: int, shared: Path) -> int:
    """Write `count` documents as JSON lines in FILES files; the bytes written."""
    sources = [shared / "corpus" / "dev" / "corpus.jsonl", shared / "corpus" / "seeds"]
    texts = [r for r in read_paths(sources) if isinstance(r, Document)]
    rng = random.Random(2024)
    order = [i % len(texts) for i in range(count)]
    rng.shuffle(order)
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    per_file = -(-count // FILES)
    for f in range(FILES):
        with (folder / f"news-{f}.jsonl").open("w", encoding="utf-8") as out:
            for n in range(f * per_file, min(count, (f + 1) * per_file)):
                doc = texts[order[n]]
                line = (
                    json.dumps(
                        {
                            "id": f"bench-{n:07d}",
                            "published": doc.published,
                            "title": doc.title,
                            "text": doc.text,
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
                written += len(line.encode("utf-8"))
                out.write(line)
    return written


def loop(folder: Path) -> dict[str, float]:
    """The plain single-process loop: read and extract every document, one after another."""
    kb = default_knowledge()
    began = time.perf_counter()
    docs = claims = 0
    for result in read_paths([folder]):
        if isinstance(result, Document):
            docs += 1
            claims += len(extract(result, kb))
    seconds = time.perf_counter() - began
    return {
        "documents": docs,
        "claims": claims,
        "seconds": seconds,
        "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def run_loop_in_child(folder: Path) -> dict[str, float]:
    """The loop in a fresh process, so its peak memory is its own."""
    done = subprocess.run(
        [sys.executable, __file__, "--loop", str(folder)], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_batch_cli(folder: Path, out: Path, workers: int) -> dict[str, float]:
    """`armsledger batch` as a user runs it; its summary.json."""
    command = [
        str(Path(sys.executable).with_name("armsledger")),
        "batch",
        str(folder),
        "--out",
        str(out),
        "--workers",
        str(workers),
        "--memory-limit",
        "2GB",
        "--no-progress",
    ]
    began = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    summary = json.loads((out / "summary.json").read_text())
    summary["wall"] = time.perf_counter() - began
    return summary


def mib(n: float) -> str:
    """Bytes in MiB, for printing."""
    return f"{n / 2**20:.0f} MiB"


def main() -> None:
    """Build the corpus, run the three measurements, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--loop", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.loop:
        print(json.dumps(loop(args.loop)))
        return
    tmp = Path(tempfile.mkdtemp(prefix="armsledger-bench-"))
    try:
        corpus = tmp / "corpus"
        size = build_corpus(corpus, args.docs, args.shared)
        print(
            f"corpus: {args.docs:,} documents, {size / 2**20:.0f} MiB of JSON lines in {FILES} files ({corpus})"
        )
        plain = run_loop_in_child(corpus)
        plain_rate = plain["documents"] / plain["seconds"]
        print(
            f"single-process loop: {plain['documents']:,} documents, {plain['claims']:,} claims in "
            f"{plain['seconds']:.0f} s = {plain_rate:.1f} documents/s; peak memory {mib(plain['peak_rss'])}"
        )
        rates: dict[int, float] = {}
        for workers in args.workers:
            summary = run_batch_cli(corpus, tmp / f"out-{workers}", workers)
            rates[workers] = summary["docs_per_second"]
            peaks = sorted(summary["peak_rss_by_worker"].values())
            print(
                f"batch, {workers} worker(s): {summary['documents']:,} documents, {summary['claims']:,} claims, "
                f"{summary['partitions']} partitions in {summary['seconds']:.0f} s = "
                f"{summary['docs_per_second']:.1f} documents/s; peak memory per worker "
                f"{', '.join(mib(p) for p in peaks)}"
            )
        if 1 in rates:
            for workers, rate in rates.items():
                if workers != 1:
                    print(f"speed-up, {workers} workers over 1: {rate / rates[1]:.2f}x")
            print(f"batch with 1 worker against the plain loop: {rates[1] / plain_rate:.2f}x")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
