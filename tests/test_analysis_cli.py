"""Tests for `armsledger analyze` and `armsledger report` through the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from armsledger.cli import main


def test_entrapment_json_on_seeds(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = shared_dir / "corpus" / "seeds"
    assert main(["analyze", "entrapment", str(seeds / "corpus.jsonl"), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    findings = payload["findings"]
    first = findings[0]
    assert [first[k] for k in ("guarantor", "supplier", "recipient", "adversary")] == [
        "USA",
        "TUR",
        "UKR",
        "RUS",
    ]
    assert first["score"] == max(f["score"] for f in findings) and first["also_against"] == []
    assert first["evidence"] and set(first["evidence"][0]) == {"doc", "sentence", "start", "end"}
    # The default date comes from the documents, so the output is the same on any day.
    assert payload["as_of"]["date"] == "2019-12-31"
    assert (
        main(
            [
                "analyze",
                "entrapment",
                str(seeds / "corpus.jsonl"),
                "--format",
                "json",
                "--as-of",
                "2019-12-31",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["findings"] == findings


def test_ledger_and_documents_give_the_same_findings(
    shared_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = str(shared_dir / "corpus" / "seeds" / "corpus.jsonl")
    db = str(tmp_path / "ledger.db")
    assert main(["build", seeds, "--db", db, "--no-progress"]) == 0
    capsys.readouterr()
    outputs = []
    for source in ([seeds], ["--db", db]):
        assert main(["analyze", "entrapment", *source, "--format", "json"]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    top = outputs[0]["findings"][0]
    assert top["transfers"][0]["row_key"] == "TUR/UKR/bayraktartb2" and top["score"] == 3.3563


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["network", "--from", "2022", "--to", "2019"],
            "--from 2022 is after --to 2019: the range runs backwards",
        ),
        (["network", "--from", "20"], "--from 20: expected a year from 1900 to 2100"),
        (["entrapment", "--guarantor", "XYZ"], "--guarantor 'XYZ' is not a known state code"),
        (["entrapment", "--guarantor", "Turkey"], "did you mean TUR?"),
    ],
)
def test_bad_options_are_clear_messages(
    shared_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    seeds = str(shared_dir / "corpus" / "seeds" / "corpus.jsonl")
    assert main(["analyze", args[0], seeds, *args[1:]]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("top", ["-1", "0", "many"])
def test_bad_top_is_refused_by_the_parser(
    shared_dir: Path, capsys: pytest.CaptureFixture[str], top: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["analyze", "entrapment", str(shared_dir / "corpus" / "seeds" / "corpus.jsonl"), "--top", top])
    assert stopped.value.code == 2
    assert "argument --top: expected" in capsys.readouterr().err


def test_guarantor_codes_are_read_in_any_case(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = str(shared_dir / "corpus" / "seeds" / "corpus.jsonl")
    assert main(["analyze", "entrapment", seeds, "--guarantor", "usa", "--format", "json"]) == 0
    assert {f["guarantor"] for f in json.loads(capsys.readouterr().out)["findings"]} == {"USA"}


def test_table_outputs(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = str(shared_dir / "corpus" / "seeds" / "corpus.jsonl")
    for analysis, marker in (
        ("entrapment", "guarantor"),
        ("network", "Dependence on the top supplier"),
        ("bundles", "Drone diplomacy"),
        ("timeline", "Claims by status and year"),
    ):
        assert main(["analyze", analysis, seeds]) == 0
        assert marker in capsys.readouterr().out
    assert main(["analyze", "network", seeds, "--format", "json", "--from", "2019", "--to", "2021"]) == 0
    assert set(json.loads(capsys.readouterr().out)) == {
        "pairs",
        "categories",
        "dependence",
        "centrality",
        "new_pairs",
        "shared_clients",
    }


def test_empty_register_is_said_plainly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "calm.txt"
    doc.write_text("The weather in Lisbon was mild all week.\n", encoding="utf-8")
    assert main(["analyze", "entrapment", str(doc)]) == 0
    assert "The register is empty" in capsys.readouterr().out
    # As JSON, every analysis prints its own keys with nothing in them, and nothing else.
    expected = {
        "network": {
            "pairs": [],
            "categories": [],
            "dependence": [],
            "centrality": [],
            "new_pairs": [],
            "shared_clients": [],
        },
        "entrapment": {"findings": []},
        "bundles": {"bundled_deals": [], "drone_diplomacy": []},
        "timeline": {"by_status": [], "pairs": []},
    }
    for analysis, payload in expected.items():
        assert main(["analyze", analysis, str(doc), "--format", "json"]) == 0
        assert json.loads(capsys.readouterr().out) == payload
        assert main(["analyze", analysis, str(doc)]) == 0
        assert capsys.readouterr().out == "The register is empty: there are no transfers to analyse.\n"
    assert main(["report", str(doc), "--out", str(tmp_path / "r.html")]) == 0
    assert "No report written" in capsys.readouterr().out and not (tmp_path / "r.html").exists()


def test_bad_sources_are_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "timeline", str(tmp_path / "nothing-here")]) == 1
    assert "no document could be read" in capsys.readouterr().err
    assert main(["analyze", "timeline", "--db", str(tmp_path / "none.db")]) == 1
    assert "none.db" in capsys.readouterr().err


def test_report_is_self_contained(
    shared_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(shared_dir / "corpus" / "seeds" / "corpus.jsonl"), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    # Nothing is loaded from elsewhere: no src= or href= pointing off the file, no <link> stylesheets.
    assert not re.findall(r"""<(?:script|img|link|iframe)[^>]+(?:src|href)\s*=\s*["'](?:https?:)?//""", page)
    for part in (
        "id='register-table'",
        'id="network-plot"',
        'id="map-plot"',
        'id="timeline-plot"',
        "Alliance entrapment",
        "svg+xml;base64,",
    ):
        assert part in page
    assert "The United States guarantees Turkey through NATO" in page


def test_the_knowledge_readme_shows_what_the_code_prints(
    shared_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (
        Path(__file__).parents[1] / "src" / "armsledger" / "knowledge" / "data" / "README.md"
    ).read_text(encoding="utf-8")
    command = "$ armsledger analyze entrapment ../shared/corpus/seeds/corpus.jsonl --top 1\n"
    shown = readme.split(command, 1)[1].split("```", 1)[0].splitlines()
    assert (
        main(["analyze", "entrapment", str(shared_dir / "corpus" / "seeds" / "corpus.jsonl"), "--top", "1"])
        == 0
    )
    assert capsys.readouterr().out.splitlines()[: len(shown)] == shown


def test_a_bad_analyst_relation_file_is_named_by_the_command(
    shared_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "relations"
    folder.mkdir()
    (folder / "alliances.csv").write_text(
        "alliance,member,role,guarantee,start,end,source_note\nNATO,GBR,lead,yes,1949-08-24,,note\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ARMSLEDGER_KNOWLEDGE", str(tmp_path))
    assert main(["analyze", "entrapment", str(shared_dir / "corpus" / "seeds" / "corpus.jsonl")]) == 1
    err = capsys.readouterr().err
    assert f"{folder / 'alliances.csv'}:2: alliance 'NATO' already has a lead, USA" in err
    assert "GBR is a member of it at" in err and "Traceback" not in err
