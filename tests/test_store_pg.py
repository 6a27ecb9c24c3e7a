"""The store on a real PostgreSQL server: a throwaway cluster on loopback, started for these tests."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from armsledger.curation import ConflictError, new_edit
from armsledger.export import render_table
from armsledger.store import StoreError, open_store
from armsledger.store.ledger import record_edit, store_batch
from armsledger.store.queries import counts, curated_register, load_edits, register_view, search
from test_store import ARMSLEDGER, _corpus, cli, schema_differences, tb2_batch

TB2 = "TUR/UKR/bayraktartb2"


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if os.environ.get("ARMSLEDGER_PG_BIN"):
        found.append(str(Path(os.environ["ARMSLEDGER_PG_BIN"]) / "initdb"))
    return Path(found[-1]).parent if found and Path(found[-1]).exists() else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def cluster() -> Iterator[tuple[str, Callable[[], None], Callable[[], None]]]:
    """A throwaway PostgreSQL cluster on 127.0.0.1: a URL without a database name, and stop/start functions."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL server binaries not found under /usr/lib/postgresql (make test installs them)"
        )
    # Not under pytest's private temporary folder: the server's user must be able to reach it.
    root = Path(tempfile.mkdtemp(prefix="armsledger-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        # initdb refuses to run as root: run the server as the postgres user.
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL as another user")
        shutil.chown(root, "postgres", "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    data, log, port = root / "data", root / "server.log", _free_port()
    subprocess.run(
        [
            *run_as,
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "armsledger",
            "--no-sync",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off"

    def start() -> None:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"],
            check=True,
            capture_output=True,
        )

    def stop() -> None:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )

    start()
    try:
        yield f"postgresql://armsledger@127.0.0.1:{port}", stop, start
    finally:
        stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    """A PostgreSQL cluster on 127.0.0.1 for this module; yields a URL without a database name."""
    with cluster() as (url, _stop, _start):
        yield url


def _create(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


@pytest.fixture
def pg_url(pg_server: str, request: pytest.FixtureRequest) -> str:
    """A fresh, empty database on the test server."""
    return _create(
        pg_server, "t_" + "".join(ch if ch.isalnum() else "_" for ch in request.node.name.lower())[:50]
    )


def test_migrations_on_postgresql_match_the_orm(pg_url: str) -> None:
    store = open_store(pg_url)
    assert store.dialect == "postgresql"
    with store.engine.connect() as conn:
        assert schema_differences(conn) == []
    store.close()
    open_store(pg_url).close()


def test_idempotent_batches_and_identical_register_on_postgresql(pg_url: str) -> None:
    store = open_store(pg_url)
    first = store_batch(store, tb2_batch())
    assert (first.new_documents, first.new_claims) == (3, 4)
    with store.reading() as session:
        before = render_table(register_view(session))
        row = curated_register(session).row(TB2)
    assert row is not None and (row.number_ordered, row.number_delivered) == (36, 6)
    second = store_batch(store, tb2_batch())
    assert (second.new_documents, second.new_claims) == (0, 0)
    with store.reading() as session:
        assert render_table(register_view(session)) == before
        assert counts(session)["documents"] == 3
        assert [h["ref"] for h in search(session, "Kyiv") if h["kind"] == "document"] == ["b"]
    store.close()


def test_edits_conflicts_and_rebuilds_on_postgresql(pg_url: str) -> None:
    store = open_store(pg_url)
    store_batch(store, tb2_batch())
    record_edit(
        store, new_edit("row", TB2, "correct", "ana", "", field="number_ordered", new_value=12), expected=36
    )
    with pytest.raises(ConflictError):
        record_edit(
            store,
            new_edit("row", TB2, "correct", "ben", "", field="number_ordered", new_value=48),
            expected=36,
        )
    record_edit(store, new_edit("row", "TUR/UKR/category:other", "reject", "ana"))
    store_batch(store, tb2_batch()[:2], clear_first=True)
    with store.reading() as session:
        edits = load_edits(session)
        curated = curated_register(session)
    assert [(e.who, e.status) for e in edits] == [("ana", "applied"), ("ana", "orphaned")]
    assert curated.row(TB2).number_ordered == 12  # type: ignore[union-attr]
    store.close()


def test_two_builds_at_once_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    shared = _corpus(tmp_path / "shared.jsonl", 30, "s")
    procs = [
        subprocess.Popen(
            [
                *ARMSLEDGER,
                "build",
                str(shared),
                str(_corpus(tmp_path / f"{n}.jsonl", 10, n)),
                "--db",
                pg_url,
                "--batch-size",
                "4",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in ("a", "b")
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    store = open_store(pg_url, create=False)
    with store.reading() as session:
        numbers = counts(session)
    store.close()
    assert numbers["documents"] == 50


def test_a_server_that_is_down_gets_a_clear_message(tmp_path: Path) -> None:
    url = f"postgresql://armsledger@127.0.0.1:{_free_port()}/ledger"
    result = cli("register", "--db", url)
    assert result.returncode == 1
    # The URL as the user gave it, not as the driver sees it.
    assert f"cannot connect to the database server at {url}: " in result.stderr
    assert "Traceback" not in result.stderr
    secret = cli("register", "--db", url.replace("armsledger@", "armsledger:hunter2@"))
    assert "armsledger:***@127.0.0.1" in secret.stderr and "hunter2" not in secret.stderr
    with pytest.raises(StoreError, match="cannot connect"):
        open_store(url)


def test_newer_schema_on_postgresql(pg_url: str) -> None:
    import psycopg

    open_store(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_future'")
    result = subprocess.run(
        [sys.executable, "-m", "armsledger.cli", "register", "--db", pg_url], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "is newer than this armsledger knows" in result.stderr


def test_a_server_dying_mid_build_keeps_the_batches_before(tmp_path: Path) -> None:
    import psycopg

    corpus = _corpus(tmp_path / "big.jsonl", 30000, "d")
    with cluster() as (server, stop, start):
        url = _create(server, "dying")
        proc = subprocess.Popen(
            [*ARMSLEDGER, "build", str(corpus), "--db", url, "--batch-size", "25"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "ARMSLEDGER_BUSY_TIMEOUT": "5"},
        )
        stored = 0
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and stored < 50:
            time.sleep(0.1)
            try:
                with psycopg.connect(url, connect_timeout=5) as conn:
                    stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]  # type: ignore[index]
            except psycopg.Error:
                continue  # tables not created yet
        assert proc.poll() is None, "the build finished before the server could be stopped"
        stop()
        out, err = proc.communicate(timeout=180)
        start()
        with psycopg.connect(url) as conn:
            kept = conn.execute("SELECT count(*) FROM documents").fetchone()[0]  # type: ignore[index]
            linked = conn.execute("SELECT count(*) FROM transfer_claims").fetchone()[0]  # type: ignore[index]
            claims = conn.execute("SELECT count(*) FROM claims").fetchone()[0]  # type: ignore[index]
    assert proc.returncode == 1, err
    assert kept >= 50 and kept % 25 == 0 and linked == claims
    assert f"database server at {url}" in err
    assert f"Before the failure {kept // 25} batch(es) were committed and stay stored" in err
    assert f" {kept} new, " in out  # the summary of what was stored
    assert "Traceback" not in err


def test_search_on_postgresql_reads_plain_words_as_sqlite_does(pg_url: str, tmp_path: Path) -> None:
    from armsledger.errors import InputError

    pg, lite = open_store(pg_url), open_store(tmp_path / "s.db")
    for store in (pg, lite):
        store_batch(store, tb2_batch())

    def refs(store, query: str) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
        with store.reading() as session:
            return {(h["kind"], h["doc"]) for h in search(session, query)}

    try:
        for query, expected in (
            ("kyiv DRONES", {("document", "b"), ("claim", "b")}),  # every word, any case
            ("Kyiv Poland", set()),
            ("ammunition", {("document", "c"), ("claim", "c")}),
            ('"sent ammunition"', {("document", "c"), ("claim", "c")}),
            ("Kyiv OR ammunition", {("document", "b"), ("claim", "b"), ("document", "c"), ("claim", "c")}),
        ):
            assert refs(pg, query) == refs(lite, query) == expected, query
        with pg.reading() as session:
            hit = next(h for h in search(session, "ammunition") if h["kind"] == "claim")
        assert "[ammunition]" in hit["snippet"]
        with pytest.raises(InputError, match="prefix search"), pg.reading() as session:
            search(session, "ammun*")
    finally:
        pg.close()
        lite.close()
