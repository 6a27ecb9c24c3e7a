"""The store on real SQLite files: idempotent batches, faults reported plainly, concurrent writers."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, event, func, select, text

from armsledger.export import render_csv, render_json, render_sipri_csv, render_table
from armsledger.model import Claim, Document
from armsledger.reconcile import claim_key
from armsledger.store import StoreError, open_store, resolve_url
from armsledger.store.ledger import store_batch
from armsledger.store.migrate import known_revisions
from armsledger.store.queries import counts, curated_register, machine_rows, register_view, search
from armsledger.store.schema import Base, DocumentBand, DocumentRow
from armsledger.store.sources import signature_function

ARMSLEDGER = [sys.executable, "-m", "armsledger.cli"]


def schema_differences(conn: Connection) -> list[object]:
    """Where the migrated database and the ORM disagree, on the tables of the models this process has imported
    (not the hand-made FTS5 tables, nor tables of models not imported here)."""

    def table_of(diff: object) -> str | None:
        if isinstance(diff, tuple) and diff[0] in ("remove_table", "add_table"):
            return str(diff[1].name)
        if isinstance(diff, tuple) and diff[0] in ("remove_index", "add_index"):
            return str(diff[1].table.name)
        return None

    diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    return [d for d in diffs if table_of(d) is None or table_of(d) in Base.metadata.tables]


def make_doc(doc_id: str, text: str, published: str | None = "2021-06-01") -> Document:
    """A document with its own text (our own sentences, not news text)."""
    return Document(id=doc_id, text=text, published=published, url=f"https://example.org/{doc_id}")


def make_claim(
    doc: Document,
    phrase: str,
    supplier: str = "TUR",
    recipient: str = "UKR",
    system: str | None = "Bayraktar TB2",
    quantity: int | None = None,
    status: str = "ordered",
    year: int | None = None,
    incremental: bool = False,
    vague: bool = False,
    category: str = "aircraft",
    deal: str = "sale",
) -> Claim:
    """A claim whose evidence is a phrase of the document, with its real offsets."""
    start = doc.text.index(phrase)
    return Claim(
        supplier,
        recipient,
        system,
        category,
        quantity,
        deal,
        status,
        year,
        phrase,
        start,
        start + len(phrase),
        doc.id,
        incremental,
        vague,
    )


def tb2_batch() -> list[tuple[Document, list[Claim]]]:
    """Three documents about Turkish drones for Ukraine, with hand-made claims."""
    a = make_doc("a", "Ukraine signed for 12 TB2 drones from Turkey in 2019.", "2019-03-01")
    b = make_doc("b", "Kyiv will receive 24 more TB2 drones from Ankara.", "2021-10-01")
    c = make_doc(
        "c", "Six TB2 drones from Turkey reached Ukraine in 2019. Ankara also sent ammunition.", "2019-09-01"
    )
    return [
        (a, [make_claim(a, "Ukraine signed for 12 TB2 drones from Turkey in 2019", quantity=12, year=2019)]),
        (
            b,
            [
                make_claim(
                    b,
                    "Kyiv will receive 24 more TB2 drones from Ankara",
                    quantity=24,
                    year=2021,
                    incremental=True,
                )
            ],
        ),
        (
            c,
            [
                make_claim(
                    c,
                    "Six TB2 drones from Turkey reached Ukraine in 2019",
                    quantity=6,
                    year=2019,
                    status="delivered",
                ),
                make_claim(
                    c, "Ankara also sent ammunition", system=None, category="other", status="delivered"
                ),
            ],
        ),
    ]


def cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the armsledger command line in a real process."""
    return subprocess.run(
        [*ARMSLEDGER, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_db_argument_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARMSLEDGER_DB", raising=False)
    assert resolve_url(None).database == str(tmp_path / "armsledger.db")
    assert resolve_url("x/y.db").database == str(tmp_path / "x" / "y.db")
    monkeypatch.setenv("ARMSLEDGER_DB", str(tmp_path / "env.db"))
    assert resolve_url(None).database == str(tmp_path / "env.db")
    assert resolve_url("postgresql://me@localhost/ledger").drivername == "postgresql+psycopg"
    with pytest.raises(StoreError, match="unsupported database 'mysql'"):
        resolve_url("mysql://me@localhost/ledger")


def test_migrated_schema_matches_the_orm_and_reopening_skips_migration(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    with store.engine.connect() as conn:
        diffs = schema_differences(conn)
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    assert diffs == []
    assert version == known_revisions()[0]
    assert mode == "wal"
    store.close()
    open_store(tmp_path / "s.db").close()


def test_same_document_twice_is_stored_once_and_adds_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    first = store_batch(store, tb2_batch())
    assert (first.new_documents, first.new_claims) == (3, 4)
    assert first.touched == {"TUR/UKR/bayraktartb2", "TUR/UKR/category:other"}
    with store.reading() as session:
        before = [r.to_json() for r in machine_rows(session)]
    # The same texts under other ids are the same documents.
    again = [(Document(id=f"copy-{d.id}", text=d.text), claims) for d, claims in tb2_batch()]
    second = store_batch(store, again)
    assert (second.new_documents, second.new_claims, second.touched) == (0, 0, set())
    with store.reading() as session:
        assert [r.to_json() for r in machine_rows(session)] == before
        assert counts(session) == {"documents": 3, "claims": 4, "rows": 2, "edits": 0, "sipri_rows": 0}
    store.close()


def test_reconciled_row_cites_every_document(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    store_batch(store, tb2_batch())
    with store.reading() as session:
        row = curated_register(session).row("TUR/UKR/bayraktartb2")
    assert row is not None
    assert row.documents == ["a", "c", "b"]  # date order
    assert (row.number_ordered, row.number_delivered, row.status) == (36, 6, "delivered")
    assert row.provenance["number_ordered"].documents == ["a", "b"]
    assert row.provenance["number_ordered"].rule.startswith("largest of: each exact total")
    store.close()


def test_a_new_document_reconciles_only_the_rows_it_touches(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    store_batch(store, tb2_batch())
    d = make_doc("d", "Poland bought 24 TB2 drones from Turkey.", "2021-05-24")
    result = store_batch(
        store,
        [
            (
                d,
                [
                    make_claim(
                        d, "Poland bought 24 TB2 drones from Turkey", recipient="POL", quantity=24, year=2021
                    )
                ],
            )
        ],
    )
    assert result.touched == {"TUR/POL/bayraktartb2"}
    with store.reading() as session:
        assert [r.key for r in machine_rows(session)] == [
            "TUR/POL/bayraktartb2",
            "TUR/UKR/bayraktartb2",
            "TUR/UKR/category:other",
        ]
    store.close()


def test_interrupted_batch_leaves_the_store_as_before(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    store_batch(store, tb2_batch()[:1])
    d = make_doc("d", "Poland bought 24 TB2 drones from Turkey.", "2021-05-24")
    statements: list[str] = []

    def interrupt(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement.split("(")[0].strip())
        if statement.startswith(
            "INSERT INTO claims"
        ):  # the documents are written; the claims and rows are not
            raise KeyboardInterrupt

    event.listen(store.engine, "before_cursor_execute", interrupt)
    try:
        with pytest.raises(KeyboardInterrupt):
            store_batch(
                store,
                [
                    (d, [make_claim(d, "Poland bought 24 TB2 drones from Turkey", recipient="POL")]),
                    *tb2_batch()[1:],
                ],
            )
    finally:
        event.remove(store.engine, "before_cursor_execute", interrupt)
    assert "INSERT INTO documents" in statements
    with store.reading() as session:
        assert counts(session)["documents"] == 1
        assert counts(session)["claims"] == 1
        assert [r.key for r in machine_rows(session)] == ["TUR/UKR/bayraktartb2"]
    store.close()


def test_full_text_search_over_documents_and_evidence(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    store_batch(store, tb2_batch())
    with store.reading() as session:
        hits = search(session, "ammunition")
        doc, claims = tb2_batch()[2]
        assert {(h["kind"], h["ref"]) for h in hits} == {
            ("document", "c"),
            ("claim", claim_key(doc.content_hash, claims[1])),
        }
        assert any("[ammunition]" in h["snippet"] for h in hits)
        assert [h["ref"] for h in search(session, "Kyiv") if h["kind"] == "document"] == ["b"]
        assert search(session, "Gripen") == []
    result = cli("search", "AND AND", "--db", str(tmp_path / "s.db"))
    assert result.returncode == 1
    assert "not a valid full-text query" in result.stderr
    assert "Traceback" not in result.stderr
    store.close()


def test_foreign_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database\n" * 10)
    before = path.read_bytes()
    result = cli("build", "--db", str(path), str(tmp_path))
    assert result.returncode == 1
    assert "not a SQLite database (a foreign or corrupt file)" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_another_programs_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    result = cli("register", "--db", str(path))
    assert result.returncode == 1
    assert "not an armsledger store (it has tables recipes)" in result.stderr
    with sqlite3.connect(path) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["recipes"]


def test_corrupt_pages_give_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = open_store(path)
    store_batch(store, tb2_batch())
    store.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page, after the header
    path.write_bytes(bytes(data))
    for wal in (tmp_path / "s.db-wal", tmp_path / "s.db-shm"):
        wal.unlink(missing_ok=True)
    result = cli("register", "--db", str(path))
    assert result.returncode == 1
    assert "not a readable SQLite database (corrupt or a foreign file)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_store_from_a_newer_armsledger_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_future'")
    result = cli("register", "--db", str(path))
    assert result.returncode == 1
    head = known_revisions()[0]
    assert f"schema (0099_future) is newer than this armsledger knows (up to {head})" in result.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0099_future",)


def test_reading_a_missing_store_says_to_build_first(tmp_path: Path) -> None:
    result = cli("register", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 1
    assert "no armsledger store here; run `armsledger build PATH...` first" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_a_locked_store_times_out_with_a_message_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = open_store(path)
    store_batch(store, tb2_batch()[:1])
    store.close()
    corpus = tmp_path / "in.jsonl"
    corpus.write_text(json.dumps({"id": "x", "text": "Turkey sold Ukraine six drones in 2019."}) + "\n")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = cli("build", str(corpus), "--db", str(path), env={"ARMSLEDGER_BUSY_TIMEOUT": "0.5"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert "the database is locked by another process (waited 0.5 s); nothing was written" in result.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone() == (1,)


def _corpus(path: Path, n: int, prefix: str) -> Path:
    lines = []
    for i in range(n):
        text = (
            f"Report {prefix}{i}. Turkey sold Ukraine {i % 9 + 2} Bayraktar TB2 drones in {2015 + i % 9}. "
            f"Poland ordered {i % 7 + 3} more howitzers from South Korea. Nothing else happened on day {i}."
        )
        lines.append(
            json.dumps(
                {"id": f"{prefix}{i}", "published": f"20{10 + i % 14}-01-{i % 28 + 1:02d}", "text": text}
            )
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def test_two_builds_at_once_both_finish_and_store_each_document_once(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    shared = _corpus(tmp_path / "shared.jsonl", 60, "s")
    own_a = _corpus(tmp_path / "a.jsonl", 20, "a")
    own_b = _corpus(tmp_path / "b.jsonl", 20, "b")
    env = {**os.environ, "ARMSLEDGER_BUSY_TIMEOUT": "120"}
    procs = [
        subprocess.Popen(
            [*ARMSLEDGER, "build", str(shared), str(own), "--db", str(db), "--batch-size", "5"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for own in (own_a, own_b)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    reported_new = [int(out.split(" documents read, ")[1].split(" new")[0]) for out, _ in outputs]
    assert sum(reported_new) == 100  # every document stored by exactly one of them
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT content_hash) FROM documents").fetchone() == (
            100,
            100,
        )
        claims, keys = conn.execute("SELECT count(*), count(DISTINCT key) FROM claims").fetchone()
        assert claims == keys
        # Every claim sits in exactly one register row.
        assert conn.execute("SELECT count(*) FROM transfer_claims").fetchone() == (claims,)
    # The same register as one process building the same documents alone.
    single = tmp_path / "single.db"
    assert cli("build", str(shared), str(own_a), str(own_b), "--db", str(single)).returncode == 0
    keys_of = [
        sorted(r[0] for r in sqlite3.connect(p).execute("SELECT key FROM transfers")) for p in (db, single)
    ]
    assert keys_of[0] == keys_of[1]


def test_ctrl_c_during_a_build_keeps_whole_batches_only(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    # Far more documents than can be stored before the interrupt, even on a slow, loaded machine.
    corpus = _corpus(tmp_path / "big.jsonl", 30000, "d")
    proc = subprocess.Popen(
        [*ARMSLEDGER, "build", str(corpus), "--db", str(db), "--batch-size", "25"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stored = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=5) as conn:
                    stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:
                continue  # tables not created yet
            if stored >= 50:
                break
    assert proc.poll() is None, "the build finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "the one in progress was rolled back" in err
    with sqlite3.connect(db) as conn:
        docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        linked = conn.execute("SELECT count(*) FROM transfer_claims").fetchone()[0]
        claims = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
    assert docs % 25 == 0 and 50 <= docs < 30000
    assert linked == claims


def test_a_full_disk_rolls_the_batch_back_with_a_message(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    store_batch(store, tb2_batch()[:1])
    with store.reading() as session:
        pages = session.connection().exec_driver_sql("PRAGMA page_count").scalar()

    # SQLite's own limit on the file's size: writing past it fails as a full disk does (SQLITE_FULL).
    @event.listens_for(store.engine, "connect")
    def _cap(dbapi: sqlite3.Connection, _record: object) -> None:
        dbapi.execute(f"PRAGMA max_page_count = {pages + 2}")

    store.engine.dispose()
    big = make_doc("big", "Turkey sold Ukraine drones. " * 20000)
    with pytest.raises(StoreError, match="the disk is full; the last batch was rolled back"):
        store_batch(store, [(big, [make_claim(big, "Turkey sold Ukraine drones")]), *tb2_batch()[1:]])
    with store.reading() as session:
        assert counts(session)["documents"] == 1
    store.close()


WIRE = (
    "Ankara and Kyiv signed a contract on Tuesday for twelve Bayraktar TB2 drones, officials in both capitals "
    "said. The aircraft will be delivered over the next two years together with ground control stations, "
    "spare parts and training for Ukrainian crews at a base in western Turkey. The deal follows months of "
    "talks between the two defence ministries and comes as Kyiv seeks to modernise its air force. Neither "
    "side disclosed the price, but analysts put it at several tens of millions of dollars. "
)


def test_a_wire_story_and_its_lightly_edited_copy_are_one_source(tmp_path: Path) -> None:
    wire = Document(
        id="wire",
        text="Turkey to sell drones to Ukraine\n\n" + WIRE,
        published="2019-01-15",
        url="https://wire.example/1",
        site="Wire",
    )
    # A reprint a day later: its own headline, a word changed, a sentence of its own at the end.
    copy = Document(
        id="copy",
        text="Drones for Kyiv\n\n"
        + WIRE.replace("on Tuesday", "this week")
        + "Our correspondent adds that more may follow.",
        published="2019-01-16",
        url="https://paper.example/2",
        site="Paper",
        author="A. Writer",
    )
    other = make_doc(
        "other", "Ukraine bought 12 TB2 drones from Turkey, its defence ministry said.", "2019-02-01"
    )

    def batch(doc: Document, phrase: str) -> list[tuple[Document, list[Claim]]]:
        return [(doc, [make_claim(doc, phrase, quantity=12, year=2019)])]

    signed = "Ankara and Kyiv signed a contract"
    store = open_store(tmp_path / "s.db")
    assert store_batch(store, batch(copy, signed)).near_copies == 0  # the copy arrives first, alone
    assert store_batch(store, batch(wire, signed)).near_copies == 1  # a story already stored
    with store.reading() as session:
        row = curated_register(session).row("TUR/UKR/bayraktartb2")
        stored = {
            d.doc_id: (d.source_group, d.source_key, d.site, d.author)
            for d in session.scalars(select(DocumentRow))
        }
    assert row is not None
    assert (row.documents, row.independent_sources, row.confidence) == (["wire", "copy"], 1, 0.5)
    # The story is named after its earliest document, whichever was stored first.
    assert stored == {
        "wire": ("wire", wire.content_hash, "Wire", None),
        "copy": ("wire", wire.content_hash, "Paper", "A. Writer"),
    }
    assert "1 independent source(s) in 2 document(s) (1 a copy or near-copy of another)" in (
        row.provenance["confidence"].working
    )
    # A report of its own is a second source.
    store_batch(store, batch(other, "Ukraine bought 12 TB2 drones from Turkey"))
    with store.reading() as session:
        row = curated_register(session).row("TUR/UKR/bayraktartb2")
    assert row is not None and (row.independent_sources, row.confidence) == (2, 0.75)
    store.close()
    # The same three in one batch, in another order: the same rows.
    again = open_store(tmp_path / "again.db")
    together = store_batch(
        again,
        [
            *batch(other, "Ukraine bought 12 TB2 drones from Turkey"),
            *batch(wire, signed),
            *batch(copy, signed),
        ],
    )
    assert together.near_copies == 1  # of the two, one repeats the other
    with again.reading() as session, open_store(tmp_path / "s.db").reading() as first:
        assert render_json(register_view(session)) == render_json(register_view(first))
    again.close()


def test_a_store_from_schema_0002_gets_its_sources_on_the_next_build(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = open_store(path)
    wire = Document(id="wire", text=WIRE, published="2019-01-15")
    copy = Document(id="copy", text=WIRE.replace("on Tuesday", "this week"), published="2019-01-16")
    signed = "Ankara and Kyiv signed a contract"
    store_batch(
        store,
        [(wire, [make_claim(wire, signed, quantity=12)]), (copy, [make_claim(copy, signed, quantity=12)])],
    )
    store.close()
    # Back to what schema 0002 held: no signatures, no source keys, and rows that counted documents.
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM document_bands")
        conn.execute("UPDATE documents SET source_key = NULL, source_group = NULL, minhash = NULL")
        conn.execute("UPDATE transfers SET independent_sources = 0, confidence = 0.75")
    store = open_store(path)
    other = make_doc("other", "Poland bought 24 TB2 drones from Turkey.", "2021-05-24")
    result = store_batch(
        store,
        [
            (
                other,
                [make_claim(other, "Poland bought 24 TB2 drones from Turkey", recipient="POL", quantity=24)],
            )
        ],
    )
    assert result.backfilled == 2
    assert "TUR/UKR/bayraktartb2" in result.touched
    with store.reading() as session:
        row = curated_register(session).row("TUR/UKR/bayraktartb2")
        bands = session.scalar(select(func.count()).select_from(DocumentBand))
    assert row is not None and (row.independent_sources, row.confidence) == (1, 0.5)
    assert bands == 2 * 32  # the short new document is too short to compare: no signature
    store.close()
    # Signatures made by another MinHash function cannot be compared with ours: every document is signed again.
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE store_settings SET value = 'an older function' WHERE name = 'minhash_function'")
    store = open_store(path)
    late = make_doc("late", "Estonia is interested in TB2 drones from Turkey.", "2022-01-01")
    result = store_batch(
        store,
        [
            (
                late,
                [
                    make_claim(
                        late,
                        "Estonia is interested in TB2 drones from Turkey",
                        recipient="EST",
                        status="interest",
                    )
                ],
            )
        ],
    )
    assert result.backfilled == 3
    with store.reading() as session:
        row = curated_register(session).row("TUR/UKR/bayraktartb2")
        setting = session.scalar(text("SELECT value FROM store_settings WHERE name = 'minhash_function'"))
    assert row is not None and row.independent_sources == 1
    assert setting == signature_function()
    store.close()


def test_the_register_does_not_depend_on_the_order_documents_were_built(tmp_path: Path) -> None:
    # Undated documents, ties on every date, a cancellation and an increment: nothing to go by but content.
    docs = [
        make_doc(f"u{i}", text, None)
        for i, text in enumerate(
            [
                "Turkey will sell Ukraine 12 TB2 drones.",
                "Ukraine ordered 24 more TB2 drones from Turkey.",
                "The TB2 drone deal between Turkey and Ukraine was cancelled.",
                "Six TB2 drones reached Ukraine.",
            ]
        )
    ]
    claims = [
        [make_claim(docs[0], "Turkey will sell Ukraine 12 TB2 drones", quantity=12)],
        [
            make_claim(
                docs[1], "Ukraine ordered 24 more TB2 drones from Turkey", quantity=24, incremental=True
            )
        ],
        [
            make_claim(
                docs[2], "The TB2 drone deal between Turkey and Ukraine was cancelled", status="cancelled"
            )
        ],
        [make_claim(docs[3], "Six TB2 drones reached Ukraine", quantity=6, status="delivered")],
    ]
    items = list(zip(docs, claims, strict=True))
    outputs = []
    for name, order in (
        ("forward", items),
        ("backward", items[::-1]),
        ("shuffled", [items[2], items[0], items[3], items[1]]),
    ):
        store = open_store(tmp_path / f"{name}.db")
        for item in order:  # one batch per document: stored ids follow the order
            store_batch(store, [item])
        with store.reading() as session:
            view = register_view(session)
            outputs.append((render_table(view), render_csv(view), render_json(view), render_sipri_csv(view)))
        store.close()
    assert outputs[0] == outputs[1] == outputs[2]
    assert "cancelled" in outputs[0][0]


def test_a_lock_after_some_batches_says_what_was_stored_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from armsledger.store.build import BuildFailed, BuildReport, build

    monkeypatch.setenv("ARMSLEDGER_BUSY_TIMEOUT", "0.3")
    path = tmp_path / "s.db"
    corpus = _corpus(tmp_path / "in.jsonl", 12, "k")
    store = open_store(path)
    holder: list[sqlite3.Connection] = []

    def lock_after_the_first(_count: int) -> None:
        if not holder:  # a second writer takes the lock between two batches
            holder.append(sqlite3.connect(path, isolation_level=None))
            holder[0].execute("BEGIN IMMEDIATE")

    report = BuildReport()
    try:
        with pytest.raises(BuildFailed) as failure:
            build(store, [corpus], batch_size=5, on_batch=lock_after_the_first, report=report)
    finally:
        holder[0].execute("ROLLBACK")
        holder[0].close()
        store.close()
    message = str(failure.value)
    assert message.startswith(
        f"{path}: the database is locked by another process (waited 0.3 s); "
        "the batch in progress was rolled back. Try again when it finishes, or raise "
        "ARMSLEDGER_BUSY_TIMEOUT. Before the failure 1 batch(es) were committed and stay "
        "stored: 5 document(s) read, 5 new, "
    )
    assert "the 5 document(s) of the batch in progress were not stored. Run the same build again" in message
    assert "nothing was written" not in message
    assert failure.value.report is report and (report.batches, report.new) == (1, 5)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone() == (5,)
        assert conn.execute("SELECT count(*) FROM claims").fetchone() == (report.new_claims,)


def test_the_build_command_prints_what_it_stored_before_a_lock(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    corpus = _corpus(tmp_path / "big.jsonl", 30000, "d")
    proc = subprocess.Popen(
        [*ARMSLEDGER, "build", str(corpus), "--db", str(db), "--batch-size", "25"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "ARMSLEDGER_BUSY_TIMEOUT": "0.5"},
    )
    holder = None
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None and holder is None:
            time.sleep(0.05)
            if not db.exists():
                continue
            try:
                with sqlite3.connect(db, timeout=5) as conn:
                    stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:
                continue  # tables not created yet
            if stored >= 25:
                holder = sqlite3.connect(db, isolation_level=None, timeout=30)
                holder.execute("BEGIN IMMEDIATE")
        assert holder is not None, "the build finished before a second writer could lock the store"
        out, err = proc.communicate(timeout=120)
    finally:
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, err
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    batches = stored // 25
    assert stored % 25 == 0 and stored >= 25
    assert out.startswith(f"{stored + 25} documents read, {stored} new, 0 already stored; ")
    assert (
        "the database is locked by another process (waited 0.5 s); the batch in progress was rolled back"
        in err
    )
    assert (
        f"Before the failure {batches} batch(es) were committed and stay stored: {stored} document(s) read, "
        f"{stored} new" in err
    )
    assert "Traceback" not in err


def test_build_reports_the_edits_it_orphaned(tmp_path: Path) -> None:
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps({"id": "x1", "published": "2019-01-10", "text": "Report one."}) + "\n")
    db = tmp_path / "s.db"
    store = open_store(db)
    doc = make_doc("x1", "Turkey sold Ukraine six TB2 drones in 2019.", "2019-01-10")
    store_batch(store, [(doc, [make_claim(doc, "Turkey sold Ukraine six TB2 drones in 2019", quantity=6)])])
    from armsledger.curation import new_edit
    from armsledger.store.ledger import record_edit

    edit = record_edit(store, new_edit("row", "TUR/UKR/bayraktartb2", "accept", "ana"))
    store.close()
    result = cli("build", "--rebuild", str(one), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert (
        f"armsledger: warning: this build orphaned edit {edit.uid[:8]} (accept TUR/UKR/bayraktartb2 by ana): "
        "row TUR/UKR/bayraktartb2 no longer exists"
    ) in result.stderr
    again = cli("build", str(one), "--db", str(db))
    assert "orphaned" not in again.stderr  # already orphaned: reported once, by the build that did it
