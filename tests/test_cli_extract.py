"""The extract and eval commands: output shape, offsets, bad input and exit status."""

import json
import subprocess
import sys
from pathlib import Path

from armsledger.cli import main


def test_extract_jsonl_has_guideline_shape_and_offsets(tmp_path: Path, capsys) -> None:
    doc = tmp_path / "gulf.txt"
    text = "Fighters for the Gulf\n\nQatar bought 36 Rafale fighter jets from France in 2015.\n"
    doc.write_text(text, encoding="utf-8")
    assert main(["extract", str(doc)]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["doc"] == "gulf"
    claim = line["transfers"][0]
    assert set(claim) == {
        "supplier",
        "recipient",
        "system",
        "category",
        "quantity",
        "deal",
        "status",
        "year",
        "evidence",
        "start",
        "end",
    }
    assert (claim["supplier"], claim["recipient"], claim["system"], claim["quantity"]) == (
        "FRA",
        "QAT",
        "Rafale",
        36,
    )
    assert (claim["status"], claim["year"], claim["category"]) == ("ordered", 2015, "aircraft")
    assert text[claim["start"] : claim["end"]] == claim["evidence"]


def test_bad_inputs_are_reported_and_others_still_processed(tmp_path: Path, capsys) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Egypt ordered 30 Rafale jets from France.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "claims.jsonl"
    status = main(["extract", str(empty), str(good), str(tmp_path / "missing.txt"), "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 1
    assert f"{empty}: empty file: expected text" in err
    assert f"{tmp_path / 'missing.txt'}: no such file or folder" in err
    assert "Traceback" not in err
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["doc"] for x in lines] == ["good"]


def test_table_format_lists_claims(tmp_path: Path, capsys) -> None:
    doc = tmp_path / "india.txt"
    doc.write_text("India received 36 Rafale aircraft from France.", encoding="utf-8")
    assert main(["extract", str(doc), "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:4] == ["doc", "supplier", "recipient", "system"]
    assert "FRA       IND" in out
    assert out.rstrip().endswith("1 claim(s) in 1 document(s)")


def test_console_script_runs_without_traceback_on_bad_option() -> None:
    proc = subprocess.run([sys.executable, "-m", "armsledger.cli", "extract"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "the following arguments are required: PATH" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_eval_prints_exactly_what_the_shared_scorer_prints(tmp_path: Path, shared_dir: Path, capsys) -> None:
    corpus = shared_dir / "corpus" / "dev" / "corpus.jsonl"
    gold = shared_dir / "corpus" / "dev" / "gold.jsonl"
    pred = tmp_path / "pred.jsonl"
    assert main(["eval", str(corpus), str(gold), "--no-errors", "--pred-out", str(pred)]) == 0
    ours = capsys.readouterr().out
    theirs = subprocess.run(
        [sys.executable, str(shared_dir / "eval" / "score.py"), str(gold), str(pred)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ours == theirs
    assert ours.splitlines()[-1].startswith("triple F1 ")


def test_eval_lists_errors_with_their_sentences(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        json.dumps({"id": "x", "text": "Egypt ordered 30 Rafale jets from France."}) + "\n", "utf-8"
    )
    gold = tmp_path / "g.jsonl"
    claim = {
        "supplier": "FRA",
        "recipient": "QAT",
        "system": "Rafale",
        "category": "aircraft",
        "quantity": 36,
        "deal": "sale",
        "status": "ordered",
        "year": None,
        "evidence": "Qatar bought 36 Rafales.",
    }
    gold.write_text(json.dumps({"doc": "x", "transfers": [claim]}) + "\n", "utf-8")
    assert main(["eval", str(corpus), str(gold)]) == 0
    out = capsys.readouterr().out
    assert "FP  FRA->EGY Rafale [ordered] q=30 | Egypt ordered 30 Rafale jets from France." in out
    assert "MISS FRA->QAT Rafale [ordered] q=36 | Qatar bought 36 Rafales." in out
