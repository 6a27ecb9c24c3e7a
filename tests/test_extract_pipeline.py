"""Whole-pipeline claims from sentences we wrote, one extraction rule at a time."""

from armsledger.extract import extract
from armsledger.model import Document


def claims(text: str, published: str | None = None) -> set[tuple]:
    """Supplier, recipient, system (or category), quantity and status of every claim."""
    doc = Document(id="t", text=text, published=published)
    return {
        (c.supplier, c.recipient, c.system or f"({c.category})", c.quantity, c.status) for c in extract(doc)
    }


def test_seller_as_subject_and_recipient_after_to() -> None:
    assert claims("South Korea signed a contract to sell 48 K9 howitzers to Poland in 2022.") == {
        ("KOR", "POL", "K9", 48, "ordered")
    }


def test_receiver_as_subject_and_supplier_after_from() -> None:
    assert claims("Ukraine has received Javelin missiles from the U.S.") == {
        ("USA", "UKR", "Javelin", None, "delivered")
    }


def test_bare_object_of_a_selling_verb_is_the_recipient() -> None:
    assert claims("Turkey has sold Ukraine six Bayraktar TB2 drones.") == {
        ("TUR", "UKR", "Bayraktar TB2", 6, "ordered")
    }


def test_company_maps_to_its_state_and_a_list_gives_one_claim_per_recipient() -> None:
    assert claims("Baykar has sold its TB2 to Azerbaijan, Ukraine, Qatar and Libya.") == {
        ("TUR", code, "Bayraktar TB2", None, "ordered") for code in ("AZE", "UKR", "QAT", "LBY")
    }


def test_demonym_names_the_maker() -> None:
    assert claims("India began receiving the Russian S-400 air defence system in 2021.") == {
        ("RUS", "IND", "S-400", None, "delivered")
    }


def test_programme_exclusion_is_cancelled() -> None:
    assert claims("The United States removed Turkey from the F-35 programme in 2019.") == {
        ("USA", "TUR", "F-35", None, "cancelled")
    }


def test_interest_and_offers() -> None:
    assert claims("Egypt is considering buying Russian Su-35 fighters.") == {
        ("RUS", "EGY", "Su-35", None, "interest")
    }
    assert claims("France offered Rafale jets to Croatia.") == {("FRA", "HRV", "Rafale", None, "planned")}


def test_generic_word_resolves_to_the_system_the_document_is_about() -> None:
    text = (
        "Poland ordered 24 Bayraktar TB2 drones from Turkey in May 2021.\n"
        "Earlier, Turkey had sold drones to Qatar and Azerbaijan."
    )
    assert claims(text) == {
        ("TUR", "POL", "Bayraktar TB2", 24, "ordered"),
        ("TUR", "AZE", "Bayraktar TB2", None, "ordered"),
        ("TUR", "QAT", "Bayraktar TB2", None, "ordered"),
    }


def test_increment_and_sets_times_units() -> None:
    assert claims("Egypt ordered 30 more Rafale jets from France.") == {
        ("FRA", "EGY", "Rafale", 30, "ordered")
    }
    assert claims("Poland bought from Turkey four sets, that is, 24 Bayraktar TB2 aircraft.") == {
        ("TUR", "POL", "Bayraktar TB2", 24, "ordered")
    }


def test_engines_for_another_states_drone_go_to_the_drone_maker() -> None:
    assert claims("Motor Sich will supply AI-450 engines for the Turkish Akinci drone.") == {
        ("UKR", "TUR", "AI-450", None, "ordered")
    }


def test_unknown_designation_is_caught_and_typed_by_its_noun() -> None:
    assert claims("Turkey sold twelve new ZX-200 drones to Somalia.") == {
        ("TUR", "SOM", "ZX-200", 12, "ordered")
    }


def test_a_state_using_its_own_weapons_is_no_transfer() -> None:
    assert claims("Turkey used its own Bayraktar TB2 drones in Syria.") == set()


def test_later_stage_hides_earlier_one_for_the_same_deal() -> None:
    text = "Greece was interested in Rafale jets. In 2021 Greece ordered 18 Rafale jets from France."
    assert claims(text) == {("FRA", "GRC", "Rafale", 18, "ordered")}


def test_one_claim_per_stage_keeps_the_latest_dated_count() -> None:
    text = "Egypt ordered 24 Rafale jets from France in 2015.\nIn 2021, Egypt bought 30 more Rafale jets from France."
    found = extract(Document(id="t", text=text, published="2021-06-01"))
    assert [(c.quantity, c.year, c.evidence[:8]) for c in found] == [(30, 2021, "In 2021,")]


def test_a_count_stated_as_the_whole_beats_a_batch() -> None:
    text = "Norway received 6 F-35 jets in 2019.\nNorway has ordered a total of 52 F-35 jets from the United States."
    assert claims(text) == {("USA", "NOR", "F-35", 6, "delivered"), ("USA", "NOR", "F-35", 52, "ordered")}
    text = (
        "Norway ordered 6 F-35 jets from the United States in 2019.\nIt has ordered a total of 52 F-35 jets."
    )
    assert claims(text) == {("USA", "NOR", "F-35", 52, "ordered")}


def test_the_generic_word_takes_the_system_just_named() -> None:
    text = (
        "Pakistan sold K-8 jets to Bolivia. Bolivia flies K-8 jets. Ghana bought K-8 jets.\n"
        "Pakistan agreed to sell 10 Super Mushshak aircraft to Qatar.\nThe aircraft are in service in Oman."
    )
    assert ("PAK", "OMN", "Super Mushshak", None, "delivered") in claims(text)


def test_a_maker_s_own_forces_using_its_system_are_no_transfer() -> None:
    text = (
        "Pakistan agreed to sell 10 Super Mushshak aircraft to Qatar.\n"
        "About 300 Super Mushshak aircraft serve the PAF and are used by the Pakistan Army."
    )
    assert claims(text) == {("PAK", "QAT", "Super Mushshak", 10, "ordered")}


def test_reader_comments_are_not_read() -> None:
    text = (
        "Hungary bought Leopard 2 tanks from Germany.\n\n"
        "Comments\n1. Someone says\nRomania should buy fifty Leopard 2 tanks from Germany now.\n"
    )
    from armsledger.ingest.boilerplate import mark_skipped

    doc = mark_skipped(Document(id="t", text=text))
    found = {(c.supplier, c.recipient) for c in extract(doc)}
    assert found == {("DEU", "HUN")}
