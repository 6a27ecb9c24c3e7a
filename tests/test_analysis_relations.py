"""Tests for the relations data: the shipped files load, answer dated questions, and bad rows are refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from armsledger.analysis.relations import load_relations
from armsledger.errors import InputError

HEADERS = {
    "alliances.csv": "alliance,member,role,guarantee,start,end,source_note\n",
    "rivalries.csv": "a,b,start,end,source_note\n",
    "partnerships.csv": "a,b,name,start,end,source_note\n",
    "conflicts.csv": "conflict,actor,side,role,start,end,against,source_note\n",
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
    # A day is judged by the day: North Korea fights Ukraine from October 2024, not in May.
    assert "PRK" in rel.hostilities("UKR", 2024) and "PRK" not in rel.hostilities("UKR", date(2024, 5, 17))
    assert "PRK" in rel.hostilities("UKR", date(2024, 11, 1))


def test_parties_of_a_civil_war_fight_only_whom_the_file_says() -> None:
    rel = load_relations(extra_dir=None)
    turkey = rel.hostilities("TUR", 2020)
    assert [h.direct for h in turkey["SYR"] if h.kind == "conflict"] == [True]  # Idlib, 2020
    assert [h.direct for h in turkey["RUS"] if h.name == "Syrian civil war"] == [False]
    assert [h.direct for h in turkey["IRN"]] == [False]
    assert all(h.direct for h in rel.hostilities("UKR", 2023)["RUS"] if h.kind == "conflict")
    assert [h.direct for h in rel.hostilities("UKR", 2023)["IRN"]] == [False]  # a backer fights no one
    # Russia is a rival of the United States, but not a party it fights in Syria.
    assert [h.kind for h in rel.rivals_of("USA", 2016)["RUS"]] == ["rivalry"]


def test_shipped_data_has_the_audited_dates_and_conflicts() -> None:
    rel = load_relations(extra_dir=None)
    mnna = {m.member: m.period.start.year for m in rel.memberships if m.alliance == "Major non-NATO ally"}
    assert {c: mnna[c] for c in ("AUS", "EGY", "ISR", "JPN", "KOR")} == dict.fromkeys(
        ("AUS", "EGY", "ISR", "JPN", "KOR"), 1987
    )
    assert "FRA" in rel.hostilities("LBY", 2011) and "LBY" not in rel.hostilities("FRA", 2012)
    assert {h.name for h in rel.hostilities("USA", 2007)["NSA:islamic-state"]} == {"Iraq insurgency"}
    assert "YUG" in rel.rivals_of("USA", 1999) and "PER" in rel.hostilities("ECU", 1995)


def test_analyst_rows_are_added_from_the_knowledge_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra(tmp_path, "rivalries.csv", "EGY,TUR,2013,2022,A cold decade\n")
    monkeypatch.setenv("ARMSLEDGER_KNOWLEDGE", str(tmp_path))
    rel = load_relations()
    assert "TUR" in rel.rivals_of("EGY", 2015) and "TUR" not in rel.rivals_of("EGY", 2023)


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
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
        ("alliances.csv", "Lone Pact,POL,member,yes,1990,1995,note\n", "has no 'lead' row"),
        # A second lead that is already a member is told about the lead, not about an overlap.
        ("alliances.csv", "NATO,GBR,lead,yes,1990,,note\n", "alliance 'NATO' already has a lead, USA"),
        (
            "alliances.csv",
            "Pact of Ankara,TUR,lead,yes,2000,,note\nPact of Ankara,USA,member,yes,2000,,note\n",
            "TUR would guarantee USA, which guarantees TUR already",
        ),
        (
            "alliances.csv",
            "New Pact,POL,lead,yes,2000,,note\nNew Pact,CZE,member,yes,1995,,note\n",
            "CZE's membership starts 1995-01-01, before the alliance's lead POL",
        ),
        (
            "alliances.csv",
            "New Pact,POL,lead,yes,2000,2010,note\nNew Pact,CZE,member,yes,2000,,note\n",
            "runs past the end of the alliance's lead POL",
        ),
        (
            "alliances.csv",
            "New Pact,POL,lead,yes,2000,,note\nNew Pact,CZE,member,no,2000,,note\n",
            "guarantee no differs from the alliance's lead row",
        ),
        ("rivalries.csv", "TUR,UKR,2015,,note\n", "would be partners"),
        ("conflicts.csv", "Gaza war of 2014,NSA:hamas,A,principal,2015,2016,,note\n", "on both sides"),
        ("conflicts.csv", "Some war,POL,C,principal,2030,,,note\n", "side must be"),
        (
            "conflicts.csv",
            "Some war,POL,A,backer,2030,,CZE,note\nSome war,CZE,B,principal,2030,,,note\n",
            "a backer fights no one",
        ),
        (
            "conflicts.csv",
            "Some war,POL,A,belligerent,2030,,SVK,note\nSome war,CZE,B,principal,2030,,,note\n",
            "against 'SVK' is not a party to 'Some war'",
        ),
        (
            "conflicts.csv",
            "Some war,POL,A,belligerent,2030,,CZE,note\nSome war,CZE,A,principal,2030,,,note\n",
            "against 'CZE' is on the same side",
        ),
        (
            "conflicts.csv",
            "Some war,POL,A,belligerent,2030,,XXX,note\n",
            "against 'XXX' is not a known state",
        ),
        ("partnerships.csv", "TUR,UKR,Again,2015,,note\n", "overlaps"),
        ("partnerships.csv", "USA,RUS,Reset,2015,2016,note\n", "would be partners"),
    ],
)
def test_bad_rows_name_file_and_row(tmp_path: Path, name: str, body: str, message: str) -> None:
    path = extra(tmp_path, name, body)
    with pytest.raises(InputError) as caught:
        load_relations(extra_dir=tmp_path)
    assert message in str(caught.value)
    # The error is told at the analyst's row, never at the shipped row it clashes with.
    assert str(caught.value).startswith(f"{path}:")


def test_old_conflict_files_without_against_still_load(tmp_path: Path) -> None:
    folder = tmp_path / "relations"
    folder.mkdir()
    (folder / "conflicts.csv").write_text(
        "conflict,actor,side,role,start,end,source_note\n"
        "Border war,POL,A,principal,2030,,note\n"
        "Border war,CZE,B,principal,2030,,note\n",
        encoding="utf-8",
    )
    rel = load_relations(extra_dir=tmp_path)
    assert [h.direct for h in rel.hostilities("POL", 2030)["CZE"]] == [True]


def test_missing_column_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "relations"
    folder.mkdir()
    (folder / "rivalries.csv").write_text("a,b,start\nUSA,RUS,2000\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"rivalries.csv: missing column\(s\) end, source_note"):
        load_relations(extra_dir=tmp_path)
