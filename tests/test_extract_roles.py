"""Roles: who gives and who takes, from prepositions, verbs, lists and possessives."""

from armsledger.extract.cues import find_cues
from armsledger.extract.mentions import find_mentions
from armsledger.extract.roles import assign_roles, parties_from
from armsledger.knowledge import default_knowledge


def roles(text: str) -> list[tuple[str, str | None]]:
    mentions = find_mentions(text, default_knowledge())
    parties = parties_from(text, 0, mentions, set())
    assign_roles(
        text, 0, parties, find_cues(text), [m.start for m in mentions if m.kind in ("system", "equipment")]
    )
    return [(p.code, p.role) for p in parties]


def test_from_and_to() -> None:
    assert roles("Ukraine received tanks from Germany.") == [("UKR", "recipient"), ("DEU", "supplier")]
    assert roles("France sold jets to Egypt and Qatar.") == [
        ("FRA", "supplier"),
        ("EGY", "recipient"),
        ("QAT", "recipient"),
    ]


def test_bare_object_of_selling_verb() -> None:
    assert roles("Turkey has sold Ukraine drones.") == [("TUR", "supplier"), ("UKR", "recipient")]


def test_list_of_suppliers_shares_the_role() -> None:
    assert roles("Turkey, along with Iran and the UAE, armed Ethiopia with drones.") == [
        ("TUR", "supplier"),
        ("IRN", "supplier"),
        ("ARE", "supplier"),
        ("ETH", "recipient"),
    ]


def test_speaker_is_not_the_subject() -> None:
    assert ("RUS", "ignore") in roles("Moscow claimed that the Javelin sale would do nothing for Ukraine.")


def test_possessive_supplier_and_customer() -> None:
    assert roles("Russia remains India's largest arms supplier, having delivered tanks.") == [
        ("RUS", "supplier"),
        ("IND", "recipient"),
    ]


def test_relying_on_names_the_supplier() -> None:
    assert roles("For its engines, Ankara turned to Kyiv.") == [("TUR", "recipient"), ("UKR", "supplier")]


def test_places_and_rebukes_are_not_parties() -> None:
    assert roles("The TB2 was proven in combat in Syria and Libya.") == [
        ("SYR", "ignore"),
        ("LBY", "ignore"),
    ]


def test_passive_subject_takes() -> None:
    assert roles("Ukraine was supplied with drones by Turkey.") == [("UKR", "recipient"), ("TUR", "supplier")]
    assert ("RUS", "ignore") in roles("Turkey sold drones, which earned it a protest from Russia.")
