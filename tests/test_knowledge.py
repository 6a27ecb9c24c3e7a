"""Knowledge files: coverage of the shipped catalogs, and clear errors for a bad added row."""

from collections import Counter
from pathlib import Path

import pytest

from armsledger.errors import InputError
from armsledger.knowledge import default_knowledge, fold_key, load_knowledge
from armsledger.model import CATEGORIES


def test_catalog_covers_every_category_with_makers_and_states() -> None:
    kb = default_knowledge()
    assert len(kb.systems) >= 400
    per_category = Counter(s.category for s in kb.systems.values())
    assert set(per_category) == set(CATEGORIES)
    assert all(s.state in kb.states for s in kb.systems.values())
    assert kb.systems["Akinci"].state == "TUR" and "Akanci" in kb.systems["Akinci"].aliases


def test_no_system_name_belongs_to_two_rows() -> None:
    # The first row that claims a name keeps it, so a clash would silently hide the second.
    owner: dict[str, str] = {}
    clashes = []
    for system in default_knowledge().systems.values():
        for name in {system.designation, *system.aliases}:
            previous = owner.setdefault(fold_key(name), system.designation)
            if previous != system.designation:
                clashes.append((name, previous, system.designation))
    assert clashes == []


def test_every_iso_state_with_capitals_and_demonyms() -> None:
    kb = default_knowledge()
    assert len(kb.states) >= 249
    assert kb.lookup("Warsaw").value == "POL"
    assert kb.lookup("Polish").value == "POL"
    assert kb.lookup("Türkiye").value == "TUR"
    assert kb.lookup("the UK").value == "GBR"
    assert kb.lookup("Baikar").state == "TUR"
    assert kb.lookup("Motor Sich").state == "UKR"


def test_analyst_rows_extend_the_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "systems.csv").write_text(
        "designation,aliases,category,description,maker,state,armed\n"
        "Zephyr Q7,ZQ-7,aircraft,armed drone,Example Works,TUR,yes\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ARMSLEDGER_KNOWLEDGE", str(tmp_path))
    kb = load_knowledge()
    assert kb.lookup("ZQ-7").value == "Zephyr Q7"


def test_bad_added_row_names_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "systems.csv"
    bad.write_text(
        "designation,aliases,category,description,maker,state,armed\nZephyr Q7,,warplanes,drone,X,TUR,yes\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ARMSLEDGER_KNOWLEDGE", str(tmp_path))
    with pytest.raises(InputError, match=rf"{bad}:2: category 'warplanes' is not one of aircraft"):
        load_knowledge()


def test_missing_column_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "companies.csv").write_text("name,country\nAcme,USA\n", encoding="utf-8")
    monkeypatch.setenv("ARMSLEDGER_KNOWLEDGE", str(tmp_path))
    with pytest.raises(InputError, match="missing column"):
        load_knowledge()
