"""Reconcile: hand-built claims in, register rows with exact figures and provenance out."""

from __future__ import annotations

from dataclasses import replace
from itertools import count

import pytest

from armsledger.model import Claim, Document
from armsledger.reconcile import (
    LedgerClaim,
    Row,
    claim_key,
    confidence,
    group_claims,
    group_key,
    ledger_claim,
    reconcile,
    summarise,
)

_ids = count()


def lc(
    status: str = "ordered",
    quantity: int | None = None,
    year: int | None = None,
    *,
    doc: str = "a",
    published: str | None = "2021-01-01",
    seq: int = 1,
    system: str | None = "Bayraktar TB2",
    category: str = "aircraft",
    deal: str = "sale",
    incremental: bool = False,
    vague: bool = False,
    supplier: str = "TUR",
    recipient: str = "UKR",
    doc_hash: str | None = None,
) -> LedgerClaim:
    """A ledger claim with the defaults of a TB2 sale from Turkey to Ukraine."""
    n = next(_ids)
    return LedgerClaim(
        key=f"c-{n:04d}",
        doc=doc,
        doc_hash=doc_hash or f"hash-{doc}",
        published=published,
        seq=seq,
        supplier=supplier,
        recipient=recipient,
        system=system,
        category=category,
        quantity=quantity,
        deal=deal,
        status=status,
        year=year,
        evidence=f"sentence {n}",
        start=n * 10,
        end=n * 10 + 5,
        incremental=incremental,
        vague_quantity=vague,
    )


def test_one_row_per_supplier_recipient_system_and_category_rows_for_unnamed_systems() -> None:
    claims = [
        lc(doc="a"),
        lc(doc="b", system="Bayraktar-TB2"),
        lc(system=None, category="missiles"),
        lc(recipient="POL"),
    ]
    rows = reconcile(claims)
    assert [r.key for r in rows] == [
        "TUR/POL/bayraktartb2",
        "TUR/UKR/bayraktartb2",
        "TUR/UKR/category:missiles",
    ]
    tb2 = rows[1]
    assert tb2.documents == ["a", "b"]
    assert len(tb2.claims) == 2


def test_largest_exact_total_and_the_claims_that_disagree() -> None:
    c12 = lc(quantity=12, year=2019, doc="a", published="2019-02-01", seq=1)
    c6 = lc(quantity=6, year=2019, doc="b", published="2019-03-01", seq=2)
    c12b = lc(quantity=12, year=2019, doc="c", published="2020-01-01", seq=3)
    row = summarise("r", [c6, c12, c12b])
    assert row.number_ordered == 12
    prov = row.provenance["number_ordered"]
    assert prov.rule.startswith("largest exact total among ordered claims")
    assert prov.claims == [c12.key, c12b.key]
    assert prov.documents == ["a", "c"]
    assert prov.disagree == [c6.key]


def test_increments_add_to_the_earlier_total_not_replace_it() -> None:
    base = lc(quantity=12, year=2019, doc="a", published="2019-05-01", seq=1)
    more = lc(quantity=24, year=2021, doc="b", published="2021-10-01", seq=2, incremental=True)
    repeat = lc(quantity=24, year=2021, doc="c", published="2021-11-01", seq=3, incremental=True)
    row = summarise("r", [more, base, repeat])
    assert row.number_ordered == 36  # 12 + 24, the repeated "24 more" counted once
    prov = row.provenance["number_ordered"]
    assert prov.rule.startswith("largest of: each exact total among ordered claims plus the increments")
    assert prov.claims == [base.key, more.key]
    assert prov.disagree == []
    assert row.year_of_order == 2019


def test_increments_alone_are_summed_once_each() -> None:
    a = lc(quantity=24, year=2021, incremental=True, doc="a", seq=1)
    b = lc(quantity=24, year=2021, incremental=True, doc="b", seq=2)
    c = lc(quantity=6, year=2022, incremental=True, doc="c", seq=3)
    row = summarise("r", [a, b, c])
    assert row.number_ordered == 30
    assert row.provenance["number_ordered"].rule.startswith("sum of increments")


def test_a_later_stated_total_that_includes_the_increment_is_not_added_twice() -> None:
    base = lc(quantity=12, doc="a", published="2019-01-01", seq=1)
    inc = lc(quantity=24, incremental=True, doc="b", published="2021-01-01", seq=2)
    total = lc(quantity=36, doc="b", published="2021-01-01", seq=2)  # "bringing the total to 36"
    assert summarise("r", [base, inc, total]).number_ordered == 36


def test_vague_counts_never_overwrite_exact_figures() -> None:
    exact = lc(status="delivered", quantity=6, year=2019, doc="a", published="2019-07-01", seq=1)
    # A later article says "dozens"; even if a reader kept a lower bound, it is not a figure.
    vague = lc(status="delivered", quantity=24, doc="b", published="2022-01-01", seq=2, vague=True)
    none = lc(status="delivered", quantity=None, doc="c", published="2022-02-01", seq=3, vague=True)
    row = summarise("r", [exact, vague, none])
    assert row.number_delivered == 6
    assert "2 vague count(s) ignored" in row.provenance["number_delivered"].rule
    only_vague = summarise("r", [vague, none])
    assert only_vague.number_delivered is None
    assert only_vague.number_ordered is None


def test_number_ordered_is_at_least_the_number_delivered_when_no_order_figure() -> None:
    row = summarise("r", [lc(status="delivered", quantity=6, year=2019), lc(status="ordered")])
    assert row.number_ordered == 6
    assert row.provenance["number_ordered"].rule == "no order figure: at least the number delivered"
    assert row.years_of_delivery == [2019]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["interest"], "interest"),
        (["interest", "planned"], "planned"),
        (["planned", "ordered", "interest"], "ordered"),
        (["ordered", "delivered", "planned"], "delivered"),
    ],
)
def test_status_is_the_furthest_stage(statuses: list[str], expected: str) -> None:
    claims = [lc(status=s, doc=f"d{i}", seq=i) for i, s in enumerate(statuses)]
    row = summarise("r", claims)
    assert row.status == expected
    assert row.provenance["status"].claims == [c.key for c in claims if c.status == expected]


def test_cancelled_only_when_a_later_source_says_so() -> None:
    ordered = lc(status="ordered", doc="a", published="2019-01-01", seq=5)
    cancelled = lc(status="cancelled", doc="b", published="2020-06-01", seq=1)
    row = summarise("r", [ordered, cancelled])
    assert row.status == "cancelled"
    assert row.provenance["status"].claims == [cancelled.key]
    assert row.provenance["status"].disagree == [ordered.key]
    # A delivery reported after the cancellation report revives the deal.
    delivered = lc(status="delivered", doc="c", published="2021-01-01", seq=2)
    revived = summarise("r", [ordered, cancelled, delivered])
    assert revived.status == "delivered"
    assert revived.provenance["status"].disagree == [cancelled.key]
    # Undated sources: the order they were stored in says nothing; with no year to tell them apart,
    # the cancellation stands, whichever was stored first.
    stop = lc(status="cancelled", doc="x", published=None, seq=1)
    go = lc(status="ordered", doc="y", published=None, seq=2)
    assert summarise("r", [stop, go]).status == "cancelled"
    assert summarise("r", [replace(stop, seq=2), replace(go, seq=1)]).status == "cancelled"
    # The claims' years tell them apart: an order of 2022 comes after a cancellation of 2020.
    assert summarise("r", [replace(stop, year=2020), replace(go, year=2022)]).status == "ordered"
    assert summarise("r", [replace(stop, year=2022), replace(go, year=2020)]).status == "cancelled"


def test_far_apart_orders_with_different_numbers_are_separate_deals() -> None:
    first = lc(quantity=12, year=2018, doc="a", seq=1)
    second = lc(quantity=60, year=2023, doc="b", seq=2)
    delivered_early = lc(status="delivered", quantity=12, year=2019, doc="c", seq=3)
    delivered_late = lc(status="delivered", year=2024, doc="d", seq=4)
    undated = lc(status="planned", doc="e", seq=5)
    rows = group_claims([first, second, delivered_early, delivered_late, undated])
    assert list(rows) == ["TUR/UKR/bayraktartb2", "TUR/UKR/bayraktartb2/2023"]
    assert {c.key for c in rows["TUR/UKR/bayraktartb2"]} == {first.key, delivered_early.key, undated.key}
    assert {c.key for c in rows["TUR/UKR/bayraktartb2/2023"]} == {second.key, delivered_late.key}
    # Same number years apart, or different numbers close together: one deal.
    assert len(group_claims([first, replace(second, quantity=12)])) == 1
    assert len(group_claims([first, replace(second, year=2020)])) == 1


def test_confidence_grows_with_independent_documents_and_falls_with_dissent() -> None:
    one = summarise("r", [lc(quantity=12, doc="a")])
    assert one.confidence == confidence(1, 1, 1) == 0.5
    # Two document ids with one content hash are one source.
    same_text = summarise(
        "r", [lc(quantity=12, doc="a", doc_hash="h"), lc(quantity=12, doc="b", doc_hash="h")]
    )
    assert same_text.confidence == 0.5
    two = summarise("r", [lc(quantity=12, doc="a"), lc(quantity=12, doc="b", seq=2)])
    assert two.confidence == 0.75
    split = summarise("r", [lc(quantity=12, doc="a"), lc(quantity=6, doc="b", seq=2)])
    assert split.confidence == round(0.75 * (0.5 + 0.5 * 1 / 2), 3)


def test_deal_type_is_the_most_frequent_known_one() -> None:
    row = summarise(
        "r",
        [
            lc(deal="sale"),
            lc(deal="production", doc="b"),
            lc(deal="production", doc="c"),
            lc(deal="unknown", doc="d"),
        ],
    )
    assert row.deal == "production"
    assert len(row.provenance["deal"].disagree) == 1


def test_same_claims_same_rows_in_any_input_order() -> None:
    claims = [
        lc(quantity=q, year=y, doc=d, seq=s, status=st)
        for q, y, d, s, st in [
            (12, 2019, "a", 1, "ordered"),
            (6, 2019, "b", 2, "delivered"),
            (None, None, "c", 3, "interest"),
            (24, 2021, "d", 4, "ordered"),
        ]
    ]
    forward = [r.to_json() for r in reconcile(claims)]
    backward = [r.to_json() for r in reconcile(list(reversed(claims)))]
    assert forward == backward


def test_claim_keys_are_stable_and_depend_on_text_offsets_and_reading() -> None:
    doc = Document(id="d1", text="Turkey sold Ukraine 12 drones.", published="2019-01-01")
    claim = Claim(
        "TUR", "UKR", None, "aircraft", 12, "sale", "ordered", 2019, "Turkey sold Ukraine 12 drones.", 0, 30
    )
    first = ledger_claim(claim, doc, 1)
    again = ledger_claim(claim, Document(id="other-id", text=doc.text), 7)
    assert first.key == again.key == claim_key(doc.content_hash, claim)
    assert first.key.startswith("c-") and len(first.key) == 18
    assert claim_key(doc.content_hash, replace(claim, status="delivered")) != first.key
    assert first.group == group_key("TUR", "UKR", None, "aircraft") == "TUR/UKR/category:aircraft"


def test_row_round_trips_through_json() -> None:
    row = summarise(
        "r", [lc(quantity=12, year=2019), lc(status="delivered", quantity=12, year=2020, doc="b")]
    )
    assert Row.from_json(row.to_json()) == row


def test_an_undated_increment_adds_to_the_totals_of_other_sources() -> None:
    # Undated reports: "24 more" in one, "12 in 2019" in another; the increment comes after a base.
    more = lc(quantity=24, incremental=True, doc="a", published=None, seq=1)
    base = lc(quantity=12, year=2019, doc="b", published=None, seq=2)
    six = lc(quantity=6, year=2019, doc="c", published="2019-03-07", seq=3)
    row = summarise("r", [more, base, six])
    assert row.number_ordered == 36
    assert row.provenance["number_ordered"].claims == [more.key, base.key]
    assert row.provenance["number_ordered"].disagree == [six.key]
    # Inside one document, an increment adds only to a total of an earlier year.
    same = lc(quantity=12, year=2019, doc="d", seq=4)
    later = lc(quantity=24, year=2021, incremental=True, doc="d", seq=4)
    assert summarise("r", [same, later]).number_ordered == 36
    assert summarise("r", [same, replace(later, year=None)]).number_ordered == 24


def test_the_working_spells_out_the_arithmetic_and_what_was_left_out() -> None:
    base = lc(quantity=12, year=2019, doc="a", published="2019-05-01")
    more = lc(quantity=24, incremental=True, doc="b", published=None)
    again = lc(quantity=24, incremental=True, doc="e", published=None)  # the same "24 more", another source
    six = lc(quantity=6, year=2019, doc="c", published="2019-03-07")
    dozens = lc(status="delivered", vague=True, doc="d", published="2021-01-01")
    # A joint venture to build 48 more at home: units produced, not units transferred by the sale.
    local = lc(status="planned", quantity=48, deal="production", doc="a", published="2019-05-01")
    row = summarise("r", [base, more, again, six, dozens, local])
    assert (row.number_ordered, row.deal) == (36, "sale")
    prov = row.provenance["number_ordered"]
    assert prov.working == "12 (2019, doc a) + 24 more (no year, doc b) = 36"
    assert prov.unused == [
        {
            "claim": again.key,
            "doc": "e",
            "value": "24 more",
            "why": f"the same increment as {more.key}, counted once",
        },
        {"claim": six.key, "doc": "c", "value": "6", "why": "a smaller total than the 36 chosen"},
        {
            "claim": local.key,
            "doc": "a",
            "value": "48",
            "why": "units built under a production deal (a joint venture or licence), not transferred in this sale",
        },
    ]
    assert row.provenance["number_delivered"].unused == [
        {"claim": dozens.key, "doc": "d", "value": "vague", "why": "a vague count, never a figure"}
    ]
    confidence_working = row.provenance["confidence"].working
    assert confidence_working.startswith(f"(1 - 0.5^5) x (0.5 + 0.5 x 5/6) = {row.confidence:.3f}: ")
    assert confidence_working.endswith(
        "5 independent source(s) in 5 document(s); 5 of 6 claim(s) agree with the row"
    )
    assert row.provenance["deal"].working == "sale in 5 claim(s), production in 1"


def test_production_figures_count_in_a_production_row() -> None:
    built = [
        lc(quantity=48, deal="production", doc="a"),
        lc(quantity=48, deal="production", doc="b"),
        lc(quantity=12, deal="sale", doc="c"),
    ]
    row = summarise("r", built)
    assert (row.deal, row.number_ordered) == ("production", 48)
    # In a sale row the same claims set no figure.
    sold = summarise("r", [*built[2:], lc(quantity=12, deal="sale", doc="d"), built[0]])
    assert (sold.deal, sold.number_ordered) == ("sale", 12)


def test_copies_of_one_story_are_one_source() -> None:
    wire = lc(quantity=12, doc="wire", doc_hash="h1")
    reprint = lc(quantity=12, doc="reprint", doc_hash="h2")
    alone = summarise("r", [wire, reprint])
    assert (alone.independent_sources, alone.confidence) == (2, 0.75)
    one_story = summarise("r", [replace(wire, source="h1"), replace(reprint, source="h1")])
    assert (one_story.independent_sources, one_story.confidence) == (1, 0.5)
    assert "1 independent source(s) in 2 document(s) (1 a copy or near-copy of another)" in (
        one_story.provenance["confidence"].working
    )
