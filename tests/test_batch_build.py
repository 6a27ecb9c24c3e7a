"""`armsledger build --from-parquet DIR`: a batch's output into the ledger, as a build from files would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armsledger.batch import run_batch
from armsledger.cli import main
from armsledger.store import open_store
from armsledger.store.queries import counts, machine_rows

TEXTS = [
    "Poland ordered 24 Bayraktar TB2 drones from Turkey in 2021, the defence ministry said.",
    "France delivered six Rafale fighter jets to Greece in 2022 after a ceremony near Athens.",
    "India received the first S-400 air defence units from Russia in December 2021.",
    "Poland ordered 24 Bayraktar TB2 drones from Turkey in 2021, the defence ministry said.",  # a copy
    "Egypt signed a contract for 30 more Rafale jets from France in 2021.",
]


def _ledger(db: Path) -> tuple[dict[str, int], list[dict]]:
    store = open_store(db)
    try:
        with store.reading() as session:
            return counts(session), [r.to_json() for r in machine_rows(session)]
    finally:
        store.close()


def test_build_from_parquet_stores_what_a_build_from_files_stores(tmp_path: Path) -> None:
    corpus = tmp_path / "news.jsonl"
    corpus.write_text(
        "".join(
            json.dumps({"id": f"d{i}", "published": f"2022-01-0{i + 1}", "text": t}) + "\n"
            for i, t in enumerate(TEXTS)
        ),
        encoding="utf-8",
    )
    out = tmp_path / "batch"
    run_batch([corpus], out, workers=1, processes=False, progress=False, say=lambda _: None)
    assert main(["build", "--from-parquet", str(out), "--db", str(tmp_path / "p.db"), "--no-progress"]) == 0
    assert main(["build", str(corpus), "--db", str(tmp_path / "f.db"), "--no-progress"]) == 0
    from_parquet, from_files = _ledger(tmp_path / "p.db"), _ledger(tmp_path / "f.db")
    assert from_parquet == from_files
    assert from_parquet[0]["documents"] == 4  # the copy is stored once
    # Loading the same batch again adds nothing.
    assert main(["build", "--from-parquet", str(out), "--db", str(tmp_path / "p.db"), "--no-progress"]) == 0
    assert _ledger(tmp_path / "p.db") == from_parquet


def test_build_needs_paths_or_parquet_and_refuses_a_folder_that_is_not_a_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--db", str(tmp_path / "x.db")]) == 2
    assert "give PATHs to read or --from-parquet DIR" in capsys.readouterr().err
    assert main(["build", "--from-parquet", str(tmp_path), "--db", str(tmp_path / "x.db")]) == 1
    assert "not a batch output folder (no plan.json)" in capsys.readouterr().err
