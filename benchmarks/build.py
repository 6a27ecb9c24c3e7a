"""Build speed: documents per second for `armsledger build` into SQLite and PostgreSQL, and register query time.

usage: .venv/bin/python benchmarks/build.py [--docs 10000] [--claims 100000] [--batch-size 200]
                                            [--no-postgres] [--keep DIR]

1. Writes a corpus of --docs documents by repeating the shared seeds and dev texts with fresh ids
   and small edits (an edition line before, a sentence after), so every content hash differs.
   Each repeat is a near-copy of its original: the build also groups them into stories.
2. Times the real command, `armsledger build CORPUS --db ...`, into a new SQLite file and into a
   new database on a throwaway PostgreSQL cluster started on 127.0.0.1 (as tests/test_store_pg.py
   does; PostgreSQL's own durability settings, fsync on), then the same build again (everything
   already stored).
3. Stores --claims synthetic claims (benchmarks/web_load.py's mix of suppliers, recipients and
   systems) and times the register query (the curated register read from the store, in process)
   and `armsledger register --format csv` (the command, process start included), on both stores.

Prints the figures; never asserts. PostgreSQL is skipped with a message when its server binaries
(Debian's postgresql package, /usr/lib/postgresql/*/bin) are missing.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from armsledger.ingest import read_documents
from armsledger.store import open_store
from armsledger.store.ledger import store_batch
from armsledger.store.queries import counts, register_view

ARMSLEDGER = [sys.executable, "-m", "armsledger.cli"]
SHARED = Path(os.environ.get("ARMSLEDGER_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def write_corpus(path: Path, count: int) -> int:
    """A JSONL corpus of ``count`` documents repeating the seeds and dev texts with small edits; its bytes."""
    base, _ = read_documents(
        [SHARED / "corpus" / "seeds" / "corpus.jsonl", SHARED / "corpus" / "dev" / "corpus.jsonl"]
    )
    if not base:
        raise SystemExit(f"no documents under {SHARED / 'corpus'}; set ARMSLEDGER_SHARED")
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            doc = base[i % len(base)]
            edition = i // len(base)
            text = f"Edition {edition} of {doc.id}.\n\n{doc.text}\n\nUpdated for reader {i}."
            record = {
                "id": f"b{i:05d}-{doc.id}",
                "published": doc.published,
                "title": doc.title,
                "url": f"https://example.org/bench/{i}",
                "text": text,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path.stat().st_size


def run(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run the armsledger command line; its wall time and result."""
    started = time.perf_counter()
    done = subprocess.run([*ARMSLEDGER, *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"armsledger {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed, done


def time_build(corpus: Path, db: str, docs: int, batch_size: int, label: str) -> None:
    """Build twice into one store and print documents per second for each run."""
    first, done = run("build", str(corpus), "--db", db, "--batch-size", str(batch_size), "--no-progress")
    print(f"{label} build: {docs:,} documents in {first:.1f} s = {docs / first:,.0f} documents/s")
    print(f"  {done.stdout.strip()}")
    again, done = run("build", str(corpus), "--db", db, "--batch-size", str(batch_size), "--no-progress")
    print(f"{label} build again (all stored): {again:.1f} s = {docs / again:,.0f} documents/s")
    store = open_store(db, create=False)
    try:
        with store.reading() as session:
            held = counts(session)
            stories = (
                session.connection()
                .exec_driver_sql("SELECT count(DISTINCT source_key) FROM documents")
                .scalar()
            )
    finally:
        store.close()
    print(
        f"  store: {held['documents']:,} documents in {stories:,} stories, {held['claims']:,} claims, "
        f"{held['rows']:,} rows"
    )


def fill_claims(db: str, claims: int) -> float:
    """Store synthetic claims in batches; the seconds it took."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from web_load import synthesise  # the same mix of suppliers, recipients and systems

    items = synthesise(claims)
    store = open_store(db)
    started = time.perf_counter()
    try:
        for i in range(0, len(items), 1000):
            store_batch(store, items[i : i + 1000])
    finally:
        store.close()
    return time.perf_counter() - started


def time_register(db: str, label: str, repeats: int = 3) -> None:
    """The register read from the store (median of ``repeats``) and the register command."""
    store = open_store(db, create=False)
    try:
        with store.reading() as session:
            held = counts(session)
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            with store.reading() as session:
                view = register_view(session)
            timings.append(time.perf_counter() - started)
    finally:
        store.close()
    command, done = run("register", "--format", "csv", "--db", db)
    print(
        f"{label} register with {held['claims']:,} claims in {len(view.rows):,} rows: query "
        f"{statistics.median(timings):.2f} s (median of {repeats}); `armsledger register --format csv` "
        f"{command:.2f} s ({len(done.stdout) / 1e6:.1f} MB)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres() -> Iterator[str | None]:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (a URL without database), or None without the binaries."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        print(
            "PostgreSQL skipped: no server binaries under /usr/lib/postgresql (sh scripts/ensure-postgres.sh)"
        )
        yield None
        return
    bin_dir = Path(found[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="armsledger-bench-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        # initdb refuses to run as root.
        shutil.chown(root, "postgres", "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    data, log, port = root / "data", root / "server.log", _free_port()
    subprocess.run(
        [*run_as, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "armsledger", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root}"
    subprocess.run(
        [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"],
        check=True,
        capture_output=True,
    )
    version = subprocess.run([str(bin_dir / "postgres"), "--version"], capture_output=True, text=True).stdout
    print(f"PostgreSQL: {version.strip()} on 127.0.0.1:{port} (throwaway cluster in {root})")
    try:
        yield f"postgresql://armsledger@127.0.0.1:{port}"
    finally:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


def create_database(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def main() -> int:
    """Run the three measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (default: a temporary one)"
    )
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="armsledger-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus = work / "corpus.jsonl"
        size = write_corpus(corpus, args.docs)
        print(f"corpus: {args.docs:,} documents, {size / 1e6:.1f} MB ({corpus})")
        print(f"machine: {os.cpu_count()} core(s); Python {sys.version.split()[0]}")
        sqlite_db = str(work / "build.db")
        for name in (
            "build.db",
            "build.db-wal",
            "build.db-shm",
            "claims.db",
            "claims.db-wal",
            "claims.db-shm",
        ):
            (work / name).unlink(missing_ok=True)
        time_build(corpus, sqlite_db, args.docs, args.batch_size, "SQLite")
        claims_db = str(work / "claims.db")
        print(
            f"SQLite: {args.claims:,} synthetic claims stored in {fill_claims(claims_db, args.claims):.0f} s"
        )
        time_register(claims_db, "SQLite")
        if not args.no_postgres:
            with postgres() as server:
                if server is not None:
                    time_build(
                        corpus,
                        create_database(server, "bench_build"),
                        args.docs,
                        args.batch_size,
                        "PostgreSQL",
                    )
                    pg_claims = create_database(server, "bench_claims")
                    print(
                        f"PostgreSQL: {args.claims:,} synthetic claims stored in "
                        f"{fill_claims(pg_claims, args.claims):.0f} s"
                    )
                    time_register(pg_claims, "PostgreSQL")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
