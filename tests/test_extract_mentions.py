"""Gazetteer mentions: states in every form, companies, systems, kinds of equipment."""

from armsledger.extract.mentions import find_mentions
from armsledger.knowledge import default_knowledge


def kinds(text: str) -> list[tuple[str, str, object]]:
    return [(m.kind, m.text, m.value) for m in find_mentions(text, default_knowledge())]


def test_state_names_aliases_capitals_demonyms_and_made_forms() -> None:
    found = kinds("Kyiv bought Turkish-made drones from Türkiye, the U.S. and Britain.")
    assert ("state", "Kyiv", "UKR") in found
    assert ("state", "Turkish-made", "TUR") in found
    assert ("state", "Türkiye", "TUR") in found
    assert ("state", "the U.S.", "USA") in found or ("state", "U.S.", "USA") in found
    assert ("state", "Britain", "GBR") in found


def test_systems_by_alias_transliteration_and_plural() -> None:
    found = kinds("The Akanci, two TB2s and a Bayraktar TV2 flew with F-16s.")
    systems = [(text, value) for kind, text, value in found if kind == "system"]
    assert systems == [
        ("Akanci", "Akinci"),
        ("TB2s", "Bayraktar TB2"),
        ("Bayraktar TV2", "Bayraktar TB2"),
        ("F-16s", "F-16"),
    ]


def test_companies_map_to_their_state() -> None:
    mentions = find_mentions("Baykar and Motor Sich signed a deal.", default_knowledge())
    assert [(m.text, m.state) for m in mentions if m.kind == "company"] == [
        ("Baykar", "TUR"),
        ("Motor Sich", "UKR"),
    ]


def test_group_of_states_expands() -> None:
    found = kinds("the Baltic states")
    assert found == [("group", "the Baltic states", ("EST", "LVA", "LTU"))]


def test_unknown_designation_is_caught_by_pattern_and_typed_by_its_noun() -> None:
    mentions = find_mentions("a new XR-77 howitzer", default_knowledge())
    system = next(m for m in mentions if m.kind == "system")
    assert (system.value, system.category, system.form) == ("XR-77", "artillery", "pattern")


def test_capitalised_dateline_and_no_loose_match_on_money() -> None:
    assert ("state", "ANKARA", "TUR") in kinds("ANKARA, Turkey — officials said")
    assert not [k for k in kinds("a €4 billion programme") if k[0] == "system"]


def test_anti_aircraft_is_not_aircraft() -> None:
    assert [k for k in kinds("Gepard anti-aircraft guns") if k[0] == "equipment"] == [
        ("equipment", "anti-aircraft guns", "air-defence")
    ]
