"""Quantities: number words, dozens, increments, vague counts, sets times units, money."""

import pytest

from armsledger.extract.quantities import bare_quantities, quantity_before, read_number


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("24", 24),
        ("1,200", 1200),
        ("two dozen", 24),
        ("a dozen", 12),
        ("forty-eight", 48),
        ("one hundred and twenty", 120),
        ("twelve", 12),
        ("drones", None),
    ],
)
def test_read_number(phrase: str, value: int | None) -> None:
    assert read_number(phrase) == value


def _before(text: str):
    return quantity_before(text, len(text))


def test_increment_is_flagged_and_counted() -> None:
    q = _before("Contracts for at least two dozen more ")
    assert (q.value, q.incremental, q.vague) == (24, True, False)


def test_vague_count_has_no_value() -> None:
    q = _before("Baykar has sold dozens of ")
    assert (q.value, q.vague) == (None, True)


def test_sets_times_units() -> None:
    assert _before("The order is for three batteries, each with eight ").value == 24


def test_adjectives_and_made_in_between() -> None:
    assert _before("drop its plan to buy 12 refurbished and second-hand US-built ").value == 12


def test_money_years_and_articles_are_not_counts() -> None:
    assert _before("a deal worth $410 million with ") is None
    assert _before("In 2019 ") is None
    assert _before("bought a ") is None


def test_counts_without_their_noun() -> None:
    found = bare_quantities("Berlin pledged 14, Oslo will send another 8 next year and 1990 came before.")
    assert [(q.value, q.incremental) for q in found] == [(14, False), (8, True)]
    assert [(q.value, q.incremental) for q in bare_quantities("Two more are due in May.")] == [(2, True)]
    assert bare_quantities("Ankara ordered a further $30 million of spares.") == []
