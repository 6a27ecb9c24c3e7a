"""Tests for `armsledger analyze` and `armsledger report` through the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from armsledger.cli import main


def test_entrapment_json_on_seeds(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = shared_dir / "corpus" / "seeds"
    assert main(["analyze", "entrapment", str(seeds / "corpus.jsonl"), "--format", "json",
                 "--as-of", "2021-12-31"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    first = findings[0]
    assert [first[k] for k in ("guarantor", "supplier", "recipient", "adversary")] == ["USA", "TUR", "UKR", "RUS"]
    assert first["score"] == max(f["score"] for f in findings)
    assert first["evidence"] and set(first["evidence"][0]) == {"doc", "sentence", "start", "end"}


def test_table_outputs(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seeds = str(shared_dir / "corpus" / "seeds" / "corpus.jsonl")
    for analysis, marker in (("entrapment", "guarantor"), ("network", "Dependence on the top supplier"),
                             ("bundles", "Drone diplomacy"), ("timeline", "Claims by status and year")):
        assert main(["analyze", analysis, seeds]) == 0
        assert marker in capsys.readouterr().out
    assert main(["analyze", "network", seeds, "--format", "json", "--from", "2019", "--to", "2021"]) == 0
    assert set(json.loads(capsys.readouterr().out)) == {"pairs", "categories", "dependence", "centrality",
                                                        "new_pairs", "shared_clients"}


def test_empty_register_is_said_plainly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "calm.txt"
    doc.write_text("The weather in Lisbon was mild all week.\n", encoding="utf-8")
    assert main(["analyze", "entrapment", str(doc)]) == 0
    assert "The register is empty" in capsys.readouterr().out
    assert main(["report", str(doc), "--out", str(tmp_path / "r.html")]) == 0
    assert "No report written" in capsys.readouterr().out and not (tmp_path / "r.html").exists()


def test_bad_sources_are_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", "timeline", str(tmp_path / "nothing-here")]) == 1
    assert "no document could be read" in capsys.readouterr().err
    assert main(["analyze", "timeline", "--db", str(tmp_path / "none.db")]) == 1
    assert "none.db" in capsys.readouterr().err


def test_report_is_self_contained(shared_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(shared_dir / "corpus" / "seeds" / "corpus.jsonl"), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    # Nothing is loaded from elsewhere: no src= or href= pointing off the file, no <link> stylesheets.
    assert not re.findall(r"""<(?:script|img|link|iframe)[^>]+(?:src|href)\s*=\s*["'](?:https?:)?//""", page)
    for part in ("id='register-table'", 'id="network-plot"', 'id="map-plot"', 'id="timeline-plot"',
                 "Alliance entrapment", "svg+xml;base64,"):
        assert part in page
    assert "The United States guarantees Turkey through NATO" in page
