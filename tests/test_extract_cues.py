"""Transfer cues: stage, deal kind and the side of the subject, with their exceptions."""

from armsledger.extract.cues import deal_from_cues, find_cues


def cues(text: str) -> list[tuple[str, str, str]]:
    return [(c.text, c.status, c.direction) for c in find_cues(text)]


def test_base_cues_and_directions() -> None:
    assert cues("Turkey sold drones") == [("sold", "ordered", "supply")]
    assert cues("Poland bought drones") == [("bought", "ordered", "receive")]
    assert cues("India received jets") == [("received", "delivered", "receive")]
    assert cues("Germany delivered tanks") == [("delivered", "delivered", "supply")]


def test_modifiers() -> None:
    assert cues("talks are under way") == [("talks", "planned", "neutral")]
    assert cues("Romania is considering it") == [("considering", "interest", "receive")]
    assert cues("Canada suspended exports")[0] == ("suspended", "cancelled", "supply")


def test_negation_future_and_hypothetical() -> None:
    assert cues("Pakistan has not yet received them") == []
    assert cues("The jets should be delivered in 2024") == [("delivered", "ordered", "supply")]
    assert cues("Any drone shipments to Ethiopia") == []
    assert cues("in order to meet its needs") == []
    assert cues("second-order effects") == []


def test_second_hand_used_is_no_use() -> None:
    assert cues("Israel offered used Block 30 F-16s") == [("offered", "planned", "supply")]


def test_deal_kind() -> None:
    assert deal_from_cues(find_cues("a joint venture to produce drones")) == "production"
    assert deal_from_cues(find_cues("Germany pledged tanks")) == "aid"
    assert deal_from_cues(find_cues("Ukraine received tanks")) == "unknown"


def test_a_package_named_before_its_contents_passes_on_its_stage() -> None:
    found = cues(
        "It is one part of a wider package, worth 3 billion dollars, that would also cover two frigates"
    )
    assert ("package, worth 3 billion dollars, that would also cover", "inherit", "neutral") in found
    assert cues("Turkey arms Azerbaijan with drones") == [("arms", "delivered", "supply")]
    assert cues("the Qatari Armed Forces with drones") == []


def test_an_embargo_that_stops_nothing_and_a_wish_to_supply() -> None:
    assert cues("Spain keeps selling despite a partial embargo") == [("selling", "ordered", "supply")]
    assert ("wants to supply", "interest", "supply") in cues("Denel wants to supply missiles")


def test_expected_purchases_are_planned_by_the_buyer() -> None:
    assert cues("Italy is now expected to order tankers") == [("expected to order", "planned", "receive")]
    assert ("wanted to supply", "interest", "supply") in cues("Denel wanted to supply missiles")


def test_close_to_a_purchase_is_planned() -> None:
    assert cues("Hanoi is close to ordering corvettes") == [("close to ordering", "planned", "neutral")]
