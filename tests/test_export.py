"""The register out: SIPRI-ordered CSV, JSON, Parquet, GraphML, GEXF, and the DataFrame API."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import armsledger
from armsledger.curation import new_edit
from armsledger.export import EXTRA_COLUMNS, render_csv, render_json, render_sipri_csv, render_table, write
from armsledger.knowledge import default_knowledge
from armsledger.sipri import HEADER
from armsledger.store import open_store
from armsledger.store.ledger import record_edit, store_batch
from armsledger.store.queries import register_view
from test_store import cli, tb2_batch

TB2 = "TUR/UKR/bayraktartb2"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "s.db"
    store = open_store(path)
    store_batch(store, tb2_batch())
    record_edit(
        store,
        new_edit(
            "row",
            "TUR/UKR/category:other",
            "correct",
            "ana",
            "shells",
            field="category",
            new_value="artillery",
        ),
    )
    store.close()
    return path


def view_of(db: Path):  # type: ignore[no-untyped-def]
    store = open_store(db, create=False)
    try:
        with store.reading() as session:
            return register_view(session)
    finally:
        store.close()


def test_sipri_csv_has_sipri_columns_in_order_and_sipri_names(db: Path) -> None:
    rows = list(csv.reader(io.StringIO(render_sipri_csv(view_of(db)))))
    assert rows[0] == [*HEADER, *EXTRA_COLUMNS]
    assert rows[0][:13] == [
        "Recipient",
        "Supplier",
        "Year of order",
        " ",
        "Number ordered",
        " ",
        "Weapon designation",
        "Weapon description",
        "Number delivered",
        " ",
        "Year(s) of delivery",
        "status",
        "Comments",
    ]
    tb2 = next(r for r in rows[1:] if r[16] == TB2)
    system = default_knowledge().systems.get("Bayraktar TB2")
    description = system.description if system and system.description else "aircraft"
    assert tb2[:13] == [
        "Ukraine",
        "Turkiye",
        "2019",
        "",
        "36",
        "",
        "Bayraktar TB2",
        description,
        "6",
        "",
        "2019",
        "delivered",
        "sources: a, c, b",
    ]
    assert tb2[17:] == ["0.875", "a; c; b", ""]
    other = next(r for r in rows[1:] if r[16] == "TUR/UKR/category:other")
    assert other[6:8] == ["", "artillery"]
    assert other[19].startswith("category set to artillery by ana on ")


def test_register_formats_are_stable_and_complete(db: Path) -> None:
    view = view_of(db)
    table = render_table(view)
    assert table == render_table(view_of(db))
    assert table.splitlines()[0].split()[:4] == ["row", "supplier", "recipient", "system"]
    assert table.rstrip().endswith("1 edit(s): 1 applied, 0 orphaned")
    records = list(csv.DictReader(io.StringIO(render_csv(view))))
    assert [r["key"] for r in records] == [TB2, "TUR/UKR/category:other"]
    assert records[0]["documents"] == "a; c; b"
    body = json.loads(render_json(view))
    assert body["rows"][0]["provenance"]["number_ordered"]["documents"] == ["a", "b"]
    assert body["rows"][1]["category"] == "artillery"
    assert body["orphaned_edits"] == [] and body["rejected"] == []


def test_parquet_graphml_and_gexf(db: Path, tmp_path: Path) -> None:
    view = view_of(db)
    write(view, "parquet", tmp_path / "r.parquet")
    frame = pd.read_parquet(tmp_path / "r.parquet")
    assert list(frame["key"]) == [TB2, "TUR/UKR/category:other"]
    assert frame.loc[0, "number_ordered"] == 36
    assert list(frame.loc[0, "documents"]) == ["a", "c", "b"]
    assert json.loads(frame.loc[0, "provenance"])["status"]["rule"].startswith("furthest stage")
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        write(view, fmt, tmp_path / f"r.{fmt}")
        graph = reader(tmp_path / f"r.{fmt}")
        if fmt == "gexf":
            # Each edge's id is its row key; no day of writing, no networkx_key attribute: same register, same bytes.
            assert sorted(k for _, _, k in graph.edges(keys=True)) == [TB2, "TUR/UKR/category:other"]
            body = (tmp_path / "r.gexf").read_text()
            assert "lastmodifieddate" not in body and "networkx_key" not in body
            write(view_of(db), fmt, tmp_path / "again.gexf")
            assert (tmp_path / "again.gexf").read_bytes() == (tmp_path / "r.gexf").read_bytes()
        assert sorted(graph.nodes) == ["TUR", "UKR"]
        assert graph.number_of_edges() == 2
        edges = {d["row"]: d for _, _, d in graph.edges(data=True)}
        assert int(edges[TB2]["number_ordered"]) == 36
        assert edges[TB2]["status"] == "delivered"
        assert "number_ordered" not in edges["TUR/UKR/category:other"]  # no figure, no attribute


def test_python_api_returns_dataframes(db: Path) -> None:
    with armsledger.open(db) as ledger:
        register = ledger.register()
        claims = ledger.claims()
        documents = ledger.documents()
        edits = ledger.edits()
    assert list(register["key"]) == [TB2, "TUR/UKR/category:other"]
    assert register.loc[0, "number_delivered"] == 6
    assert len(claims) == 4 and set(claims["row"]) == {TB2, "TUR/UKR/category:other"}
    assert list(documents["doc"]) == ["a", "b", "c"]
    assert list(edits[["who", "field", "new_value", "status"]].itertuples(index=False, name=None)) == [
        ("ana", "category", "artillery", "applied")
    ]


def test_import_armsledger_stays_light() -> None:
    import subprocess
    import sys

    code = (
        "import sys, armsledger; print(any(m.split('.')[0] in ('sqlalchemy', 'pandas') for m in sys.modules))"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
    )


def test_export_and_show_commands(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "register.csv"
    done = cli("export", "--out", str(out), "--db", str(db))
    assert done.returncode == 0 and "2 row(s) written" in done.stdout
    assert out.read_text().startswith("Recipient,Supplier,Year of order, ,Number ordered")
    bad = cli("export", "--out", str(tmp_path / "register.xlsx"), "--db", str(db))
    assert bad.returncode == 1 and "give --format" in bad.stderr
    shown = cli("show", TB2, "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    assert "number_ordered     36" in text
    assert "rule: largest of: each exact total among ordered claims plus the increments" in text
    assert "(documents a, b)" in text
    assert '"Kyiv will receive 24 more TB2 drones from Ankara"' in text
    assert "doc b [0:48] published 2021-10-01  ordered, sale, qty 24, claim year 2021, incremental" in text
    # The arithmetic of the row, and the confidence with how many sources and claims agree.
    assert "      here: 12 (2019, doc a) + 24 more (2021, doc b) = 36\n" in text
    assert (
        "      here: (1 - 0.5^3) x (0.5 + 0.5 x 3/3) = 0.875: 3 independent source(s) in 3 document(s); "
        "3 of 3 claim(s) agree with the row\n"
    ) in text
    assert "  3 claim(s) in 3 document(s), 3 independent source(s)\n" in text
    missing = cli("show", "TUR/UKR/bayraktar", "--db", str(db))
    assert missing.returncode == 1 and "did you mean TUR/UKR/bayraktartb2" in missing.stderr


def test_csv_in_sipri_layout_for_diffing_against_sipri(tmp_path: Path, shared_dir: Path) -> None:
    from armsledger.export import render_sipri_layout
    from armsledger.sipri import read_sipri
    from armsledger.store.ledger import replace_sipri
    from test_store import make_claim, make_doc

    excerpt = shared_dir / "data" / "sipri" / "trade-register-excerpt.csv"
    if not excerpt.exists():
        pytest.skip(f"the SIPRI excerpt is not at {excerpt}")
    store = open_store(tmp_path / "s.db")
    store_batch(store, tb2_batch())
    plan = make_doc("p", "Estonia plans to buy TB2 drones from Turkey.", "2022-01-01")
    store_batch(
        store,
        [
            (
                plan,
                [
                    make_claim(
                        plan, "Estonia plans to buy TB2 drones from Turkey", recipient="EST", status="planned"
                    )
                ],
            )
        ],
    )
    replace_sipri(store, str(excerpt), read_sipri(excerpt, default_knowledge()).records)
    with store.reading() as session:
        view = register_view(session)
    store.close()
    body = render_sipri_layout(view)
    assert body.startswith(",".join(HEADER) + "\r\n")  # SIPRI's header, no preamble, SIPRI's line ends
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == list(HEADER)
    tb2 = next(r for r in rows[1:] if r[12].endswith(f"row {TB2}"))
    system = default_knowledge().systems.get("Bayraktar TB2")
    description = system.description if system and system.description else "aircraft"
    # SIPRI's spelling of the designation (from the imported line); status as SIPRI means it: not known, empty.
    assert tb2 == [
        "Ukraine",
        "Turkiye",
        "2019",
        "",
        "36",
        "",
        "Bayraktar TB-2",
        description,
        "6",
        "",
        "2019",
        "",
        f"armsledger: delivered; armsledger designation Bayraktar TB2; sources a, c, b; row {TB2}",
        "",
        "",
        "",
    ]
    # Only the stages SIPRI's register holds, unless asked.
    assert [r[0] for r in rows[1:]] == ["Ukraine", "Ukraine"]
    assert "Estonia" in [r[0] for r in csv.reader(io.StringIO(render_sipri_layout(view, None)))]
    out = tmp_path / "sipri.csv"
    done = cli(
        "export",
        "--out",
        str(out),
        "--layout",
        "sipri",
        "--encoding",
        "cp1252",
        "--db",
        str(tmp_path / "s.db"),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        f"2 row(s) written to {out} (csv, SIPRI layout); 1 row(s) at interest or planned stage "
        "left out (--all-stages)\n"
    )
    assert out.read_bytes().decode("cp1252") == body
    wrong = cli(
        "export", "--out", str(tmp_path / "r.json"), "--layout", "sipri", "--db", str(tmp_path / "s.db")
    )
    assert wrong.returncode == 1 and "--layout and --encoding are for CSV" in wrong.stderr


def test_characters_an_encoding_cannot_hold_are_counted() -> None:
    from armsledger.export import encode_text

    assert encode_text("Türkiye", "cp1252") == ("Türkiye".encode("cp1252"), 0)
    assert encode_text("Kyiv → Ankara", "cp1252") == (b"Kyiv ? Ankara", 1)
