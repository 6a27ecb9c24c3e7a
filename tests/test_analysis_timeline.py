"""Tests for the timeline tables and the claims-to-rows grouping."""

from __future__ import annotations

import pandas as pd

from analysis_helpers import claim, frames
from armsledger.analysis.frames import claims_frame, from_ledger, register_from_claims, story_keys
from armsledger.analysis.timeline import claims_by_status, pair_timeline
from armsledger.model import Claim, Document


def test_claims_by_status_per_year_with_unknown_last() -> None:
    _, claims = frames(
        claim(0, "TUR", "UKR", "ordered", year=2021),
        claim(1, "TUR", "UKR", "delivered", year=2019),
        claim(2, "TUR", "POL", "ordered", year=2021),
        claim(3, "TUR", "QAT", "interest"),
        claim(4, "USA", "TUR", "cancelled", published="2019-07-17"),
    )
    table = claims_by_status(claims)
    assert list(table["year"]) == ["2019", "2021", "unknown"]
    assert table.set_index("year").loc["2019"].to_dict() == {
        "interest": 0,
        "planned": 0,
        "ordered": 0,
        "delivered": 1,
        "cancelled": 1,
        "total": 2,
    }
    assert table.set_index("year").loc["2021", "ordered"] == 2
    pairs = pair_timeline(claims).set_index(["supplier", "recipient"])
    assert pairs.loc[("TUR", "UKR"), "first_year"] == 2019 and pairs.loc[("TUR", "UKR"), "statuses"] == [
        "ordered",
        "delivered",
    ]
    # Whole years, and an empty cell (not NaN or 2020.0) where a pair has no dated claim.
    assert str(pairs["first_year"].dtype) == "Int64" and pd.isna(pairs.loc[("TUR", "QAT"), "first_year"])


def test_rows_from_claims_follow_the_ledgers_reconcile() -> None:
    rows, claims = frames(
        claim(0, "TUR", "UKR", "ordered", quantity=12, year=2019, doc="a"),
        claim(1, "TUR", "UKR", "delivered", quantity=6, year=2020, doc="b"),
        claim(2, "TUR", "UKR", "ordered", quantity=24, year=2021, doc="b"),
        claim(3, "USA", "TUR", "ordered", system="F-35", year=2017),
        claim(4, "USA", "TUR", "cancelled", system="F-35", year=2019),
    )
    by_key = rows.set_index("row_key")
    # The ledger's keys and rules: the largest exact order, and a confidence lowered by the 12 that disagrees.
    ukr = by_key.loc["TUR/UKR/category:aircraft"]
    assert (ukr["status"], ukr["number_ordered"], ukr["number_delivered"], ukr["year_of_order"]) == (
        "delivered",
        24,
        6,
        2019,
    )
    assert ukr["years_of_delivery"] == [2020] and ukr["confidence"] == 0.625
    assert ukr["claim_ids"] == ["a#0", "b#1", "b#2"]
    assert by_key.loc["USA/TUR/f35", "status"] == "cancelled"
    assert dict(zip(claims["claim_id"], claims["row_key"], strict=True))["d1#4"] == "USA/TUR/f35"


def test_ledger_columns_are_renamed() -> None:
    register = pd.DataFrame(
        [
            {
                "key": "k1",
                "supplier": "TUR",
                "recipient": "UKR",
                "system": None,
                "category": "aircraft",
                "deal": "sale",
                "status": "ordered",
                "number_ordered": 1,
                "number_delivered": None,
                "year_of_order": 2019,
                "years_of_delivery": [],
                "confidence": 0.5,
                "claims": ["c1"],
            }
        ]
    )
    claims = pd.DataFrame([{**claim(0, "TUR", "UKR", "ordered"), "key": "c1", "row": "k1"}]).drop(
        columns=["claim_id", "row_key"]
    )
    rows, renamed = from_ledger(register, claims)
    assert rows.loc[0, "row_key"] == "k1" and rows.loc[0, "claim_ids"] == ["c1"]
    assert rows.loc[0, "years_of_delivery"] is None
    assert renamed.loc[0, "claim_id"] == "c1" and renamed.loc[0, "row_key"] == "k1"


def test_near_copies_of_one_story_are_one_source_as_in_the_ledger() -> None:
    story = (
        "Turkey has delivered six Bayraktar TB2 drones to Ukraine under a contract signed in January, the "
        "defence ministry in Kyiv said on Thursday. The drones arrived with three ground control stations and "
        "ammunition, and Ukrainian crews trained on them in Turkey over the winter before the handover. "
    ) * 3
    first = Document("wire", story, published="2019-03-07")
    copy = Document("reprint", story.replace("on Thursday", "on Thursday afternoon"), published="2019-03-08")
    other = Document("other", "Poland ordered 24 Bayraktar TB2 drones from Turkey in May 2021. " * 4)
    keys = story_keys([copy, first, other])
    assert keys[copy.content_hash] == keys[first.content_hash] == first.content_hash
    assert keys[other.content_hash] == other.content_hash

    def delivered(doc: Document) -> Claim:
        return Claim(
            supplier="TUR",
            recipient="UKR",
            system="Bayraktar TB2",
            category="aircraft",
            quantity=6,
            deal="sale",
            status="delivered",
            year=2019,
            evidence=doc.text[:40],
            start=0,
            end=40,
        )

    rows, _ = register_from_claims(claims_frame([(first, [delivered(first)]), (copy, [delivered(copy)])]))
    assert rows.loc[0, "confidence"] == 0.5  # one story, however many reprints
