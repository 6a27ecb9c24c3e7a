"""SIPRI trade-register import: the real excerpt read in place, names mapped, rows compared with the register."""

from __future__ import annotations

from pathlib import Path

import pytest

from armsledger.errors import InputError
from armsledger.knowledge import default_knowledge
from armsledger.reconcile import Row
from armsledger.sipri import SipriIndex, parse_sipri, party_code, read_sipri, same_system, sipri_name
from armsledger.store import open_store
from armsledger.store.ledger import replace_sipri, store_batch
from armsledger.store.queries import register_view
from test_store import cli, make_claim, make_doc


@pytest.fixture(scope="module")
def excerpt(shared_dir: Path) -> Path:
    path = shared_dir / "data" / "sipri" / "trade-register-excerpt.csv"
    if not path.exists():
        pytest.skip(f"the SIPRI excerpt is not at {path}")
    return path


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Turkiye", "TUR"),
        ("Soviet Union", "SUN"),
        ("UAE", "ARE"),
        ("Korea, South", "KOR"),
        ("Viet Nam", "VNM"),
        ("East Germany (GDR)", "DDR"),
        ("Yemen Arab Republic (North Yemen)", "YEM"),
        ("Syria rebels*", "NSA:syrian-opposition"),
        ("Hamas (Palestine)*", "NSA:hamas"),
        ("Amal (Lebanon)*", "NSA:amal-lebanon"),
        ("House of Representatives (Libya)*", "NSA:house-of-representatives-libya"),
        ("NATO**", "ORG:nato"),
        ("unknown supplier(s)", "unknown"),
        ("Katanga", "NSA:katanga"),
        ("Atlantis", None),
    ],
)
def test_party_names_map_to_codes(name: str, code: str | None) -> None:
    assert party_code(name, default_knowledge()) == code


def test_the_excerpt_is_read_in_place_with_its_preamble_flags_and_encoding(excerpt: Path) -> None:
    result = read_sipri(excerpt, default_knowledge())
    assert result.rows_read == 2692
    assert len(result.records) == 2692
    assert result.warnings == [] and result.notes == []
    katanga = next(r for r in result.records if r.line == 1058)
    assert (katanga.recipient_name, katanga.recipient, katanga.supplier) == ("Katanga", "NSA:katanga", "BEL")
    tb2 = [
        r
        for r in result.records
        if (r.supplier, r.recipient) == ("TUR", "UKR") and r.designation == "Bayraktar TB-2"
    ]
    assert [(r.line, r.year_of_order, r.number_ordered, r.number_delivered) for r in tb2] == [
        (2152, 2018, 12, 12),
        (2157, 2020, None, 60),
        (2261, 2022, 7, 7),
        (2533, 2023, 1, 1),
    ]
    first = tb2[0]
    assert (first.year_of_order_uncertain, first.number_ordered_uncertain) == (False, True)
    assert first.years_of_delivery == [2019, 2021]
    assert first.supplier_name == "Turkiye"
    assert first.condition == "New" and first.tiv_per_unit == 2.4
    assert tb2[1].year_of_order_uncertain is True
    # Windows-1252 text decoded: the umlaut of a Finnish maker's name.
    assert any("Wärtsilä" in r.comments for r in result.records)
    soviet = [r for r in result.records if r.supplier_name == "Soviet Union"]
    assert soviet and {r.supplier for r in soviet} == {"SUN"}
    starred = {r.recipient_name: r.recipient for r in result.records if r.recipient_name.endswith("*")}
    assert starred["Syria rebels*"] == "NSA:syrian-opposition"
    assert starred["NATO**"] == "ORG:nato"


def test_a_file_that_is_not_a_sipri_export_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("name,value\nx,1\n")
    with pytest.raises(InputError, match="no SIPRI trade-register header"):
        read_sipri(path, default_knowledge())
    with pytest.raises(InputError, match="no such file"):
        read_sipri(tmp_path / "missing.csv", default_knowledge())


def test_bad_cells_are_warned_about_with_their_line() -> None:
    text = (
        "Preamble line\n\nRecipient,Supplier,Year of order, ,Number ordered, ,Weapon designation,"
        "Weapon description,Number delivered, ,Year(s) of delivery,status,Comments,SIPRI TIV per unit,"
        "SIPRI TIV for total order,SIPRI TIV of delivered weapons\n"
        "Poland,South Korea,2022,,about 180,?,K2,tank,28,,2022; 2023,New,,,,\n"
        "Atlantis,France,2020,,2,,Rafale,FGA aircraft,,,,New,,,,\n"
        "Atlantis,Lemuria,2021,,2,,Rafale,FGA aircraft,,,,New,,,,\n"
    )
    result = parse_sipri(text, "mine.csv", default_knowledge())
    assert result.rows_read == 3
    assert [(r.supplier, r.recipient, r.number_ordered, r.years_of_delivery) for r in result.records] == [
        ("KOR", "POL", None, [2022, 2023])
    ]
    assert result.warnings == ["mine.csv:4: number ordered 'about 180' is not a whole number; left empty"]
    # Unknown names are counted notes, one per name, not an error line per row.
    assert result.notes == [
        "mine.csv: 2 row(s) skipped: party name 'Atlantis' is not in states.csv (line(s) 5, 6)",
        "mine.csv: 1 row(s) skipped: party name 'Lemuria' is not in states.csv (line(s) 6)",
    ]


def test_system_names_match_after_normalising_and_containment() -> None:
    kb = default_knowledge()
    assert same_system("Bayraktar TB2", "Bayraktar TB-2", kb)
    assert same_system("TB2", "Bayraktar TB-2", kb)
    assert same_system("S-400", "S-400 Triumf", kb)
    assert not same_system("Rafale", "Bayraktar TB-2", kb)
    assert not same_system(None, "Bayraktar TB-2", kb)
    assert sipri_name("TUR", kb) == "Turkiye"
    assert sipri_name("UKR", kb) == "Ukraine"
    assert sipri_name("TUR", kb, {"TUR": "Türkiye"}) == "Türkiye"


def test_register_rows_are_compared_with_sipri(tmp_path: Path, excerpt: Path) -> None:
    doc = make_doc(
        "a",
        "Ukraine ordered 12 TB2 drones from Turkey in 2018. Greece bought 6 TB2 drones from "
        "Turkey. Ukraine ordered 36 Kirpi vehicles from Turkey in 2022.",
        "2019-01-01",
    )
    claims = [
        make_claim(doc, "Ukraine ordered 12 TB2 drones from Turkey in 2018", quantity=12, year=2018),
        make_claim(doc, "Greece bought 6 TB2 drones from Turkey", recipient="GRC", quantity=6),
        make_claim(
            doc,
            "Ukraine ordered 36 Kirpi vehicles from Turkey in 2022",
            system="Kirpi",
            category="armoured-vehicles",
            quantity=36,
            year=2022,
        ),
    ]
    store = open_store(tmp_path / "s.db")
    store_batch(store, [(doc, claims)])
    kb = default_knowledge()
    result = read_sipri(excerpt, kb)
    assert replace_sipri(store, str(excerpt), result.records) == 2692
    with store.reading() as session:
        view = register_view(session, kb)
    notes = {r.key: view.sipri_note(r) for r in view.rows}
    assert notes == {
        "TUR/GRC/bayraktartb2": "not in SIPRI",
        "TUR/UKR/bayraktartb2": "also in SIPRI (line 2152)",
        "TUR/UKR/kirpi": "differs from SIPRI (line 2477) on: number ordered",
    }
    assert view.sipri_names["TUR"] == "Turkiye"
    # Importing again replaces the earlier import.
    assert replace_sipri(store, str(excerpt), result.records[:10]) == 10
    store.close()
    assert SipriIndex([], kb).compare(view.rows[0]) == ""  # no import, no verdict


def test_import_sipri_command(tmp_path: Path, excerpt: Path) -> None:
    db = str(tmp_path / "s.db")
    result = cli("import-sipri", str(excerpt), "--db", db)
    assert result.returncode == 0, result.stderr
    assert "2692 SIPRI rows read, 2692 imported, 0 skipped" in result.stdout
    assert result.stderr == ""
    missing = cli("import-sipri", str(tmp_path / "nope.csv"), "--db", db)
    assert missing.returncode == 1 and "nope.csv: no such file" in missing.stderr


def test_systems_the_catalog_tells_apart_never_match() -> None:
    kb = default_knowledge()
    if "Akinci" not in kb.systems or "Bayraktar TB2" not in kb.systems:
        pytest.skip("the systems catalog does not list both Akinci and Bayraktar TB2")
    assert not same_system("Akinci", "Bayraktar TB-2", kb)
    assert same_system("Akinci", "Bayraktar Akinci", kb)
    assert same_system("TB2", "Bayraktar TB-2", kb)


def _row(**figures: object) -> Row:
    values: dict[str, object] = {
        "key": "FRA/GRC/rafale",
        "group": "FRA/GRC/rafale",
        "supplier": "FRA",
        "recipient": "GRC",
        "system": "Rafale",
        "category": "aircraft",
        "number_ordered": None,
        "year_of_order": None,
        "number_delivered": None,
        "years_of_delivery": [],
        "status": "ordered",
        "deal": "sale",
        "confidence": 0.5,
        "claims": [],
        "documents": [],
        "provenance": {},
    }
    values.update(figures)
    return Row(**values)  # type: ignore[arg-type]


def test_a_deal_sipri_splits_over_lines_is_compared_with_the_lines_together(excerpt: Path) -> None:
    kb = default_knowledge()
    index = SipriIndex(read_sipri(excerpt, kb).records, kb)
    # SIPRI: Greece's Rafale as 12 (2021, line 718) + 6 (2021, line 719) + 6 (2022, line 720).
    greece = index.comparison(_row(number_ordered=24, year_of_order=2021))
    assert greece is not None
    assert [r.line for r in greece.compared] == [718, 719, 720]
    assert greece.note() == "also in SIPRI (lines 718, 719, 720 together)"
    assert greece.agree == ["number ordered 24 = SIPRI lines together: 24 (12 + 6 + 6)", "year of order 2021"]
    # One line alone when it is the better match; delivery years compared too.
    one = index.comparison(_row(number_ordered=12, year_of_order=2021, years_of_delivery=[2021, 2026]))
    assert one is not None and [r.line for r in one.compared] == [718]
    assert one.differ == ["years of delivery: ours 2021; 2026, SIPRI 2021; 2022; 2023 (not in SIPRI: 2026)"]
    assert one.note() == "differs from SIPRI (line 718) on: years of delivery"
    # Found in SIPRI, but the row has no figure to compare: said so.
    bare = index.comparison(_row())
    assert bare is not None
    assert bare.note() == "also in SIPRI (line 718); nothing compared: the row has no number or year"
    assert [r.line for r in bare.matches] == [718, 719, 720]
    assert index.compare(_row(recipient="ISL")) == "not in SIPRI"
