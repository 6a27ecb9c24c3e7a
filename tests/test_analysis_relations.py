"""Tests for the relations data: the shipped files load, answer dated questions, and bad rows are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from armsledger.analysis.relations import load_relations
from armsledger.errors import InputError

HEADERS = {
    "alliances.csv": "alliance,member,role,guarantee,start,end,source_note\n",
    "rivalries.csv": "a,b,start,end,source_note\n",
    "partnerships.csv": "a,b,name,start,end,source_note\n",
    "conflicts.csv": "conflict,actor,side,role,start,end,source_note\n",
}


def extra(tmp_path: Path, name: str, body: str) -> Path:
    folder = tmp_path / "relations"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(HEADERS[name] + body, encoding="utf-8")
    return folder / name


def test_shipped_relations_answer_dated_questions() -> None:
    rel = load_relations(extra_dir=None)
    assert rel.guarantors_of("TUR", 2021) == {"USA": "NATO"}
    assert rel.guarantors_of("FIN", 2022) == {}
    assert rel.guarantors_of("FIN", 2023) == {"USA": "NATO"}
    assert rel.guarantors_of("NZL", 1990) == {}
    assert rel.guarantors_of("UZB", 2003) == {} and rel.guarantors_of("UZB", 2008) == {"RUS": "CSTO"}
    assert "POL" in rel.allies_of("USA", 2000) and "POL" not in rel.allies_of("USA", 1998)
    assert "RUS" in rel.rivals_of("USA", 2015) and "RUS" not in rel.rivals_of("USA", 2010)
    ukr = rel.hostilities("UKR", 2021)
    assert {h.name for h in ukr["RUS"]} == {"rivalry", "Russia-Ukraine war"}
    assert rel.partners_of("UKR", 2021)["TUR"] == "High-Level Strategic Council"
    # Libya's war sets the Tripoli government against Haftar's forces and their backers.
    libya = rel.hostilities("LBY", 2020)
    assert {"NSA:lna", "ARE", "EGY", "RUS"} <= set(libya)
    assert "LBY" not in rel.hostilities("NSA:lna", 2021)
    # The guarantor's adversaries include the opponents in wars it fights, not those it only backs.
    assert "NSA:houthis" in rel.rivals_of("USA", 2024) and "NSA:hamas" not in rel.rivals_of("USA", 2024)


def test_analyst_rows_are_added_from_the_knowledge_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra(tmp_path, "rivalries.csv", "EGY,TUR,2013,2022,A cold decade\n")
    monkeypatch.setenv("ARMSLEDGER_KNOWLEDGE", str(tmp_path))
    rel = load_relations()
    assert "TUR" in rel.rivals_of("EGY", 2015) and "TUR" not in rel.rivals_of("EGY", 2023)


@pytest.mark.parametrize(("name", "body", "message"), [
    ("rivalries.csv", "USA,XXX,2000,,note\n", "b 'XXX' is not a known state"),
    ("rivalries.csv", "USA,NSA:nobody,2000,,note\n", "b 'NSA:nobody' is not a known state"),
    ("rivalries.csv", "EGY,TUR,2015,2010,note\n", "the period runs backwards"),
    ("rivalries.csv", "EGY,TUR,2015-13-01,,note\n", "not a real date"),
    ("rivalries.csv", "EGY,TUR,sometime,,note\n", "start must be a date"),
    ("rivalries.csv", "EGY,EGY,2015,,note\n", "the same actor"),
    ("rivalries.csv", "RUS,USA,2020,,note\n", "overlaps"),
    ("alliances.csv", "NATO,TUR,member,yes,1952-02-18,,again\n", "duplicate of"),
    ("alliances.csv", "NATO,POL,member,yes,2010,,again\n", "overlaps"),
    ("alliances.csv", "NATO,POL,ally,yes,1990,1995,note\n", "role must be"),
    ("alliances.csv", "Lone Pact,POL,member,yes,1990,1995,note\n", "exactly one 'lead'"),
    ("conflicts.csv", "Gaza war of 2014,NSA:hamas,A,principal,2015,2016,note\n", "on both sides"),
    ("conflicts.csv", "Some war,POL,C,principal,2030,,note\n", "side must be"),
    ("partnerships.csv", "TUR,UKR,Again,2015,,note\n", "overlaps"),
])
def test_bad_rows_name_file_and_row(tmp_path: Path, name: str, body: str, message: str) -> None:
    path = extra(tmp_path, name, body)
    with pytest.raises(InputError) as caught:
        load_relations(extra_dir=tmp_path)
    assert message in str(caught.value)
    assert f"{path}:2" in str(caught.value)


def test_missing_column_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "relations"
    folder.mkdir()
    (folder / "rivalries.csv").write_text("a,b,start\nUSA,RUS,2000\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"rivalries.csv: missing column\(s\) end, source_note"):
        load_relations(extra_dir=tmp_path)
