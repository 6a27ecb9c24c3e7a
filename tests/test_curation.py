"""Analysts' edits: applied on top of machine rows, kept through rebuilds, orphans reported, conflicts refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armsledger.curation import UNSET, ConflictError, Edit, apply_edits, new_edit, parse_value, split_key
from armsledger.errors import InputError
from armsledger.reconcile import LedgerClaim, reconcile
from armsledger.store import open_store
from armsledger.store.ledger import edits_jsonl, import_edits, parse_edits_jsonl, record_edit, store_batch
from armsledger.store.queries import claims_by_key, curated_register, load_edits
from test_store import cli, make_claim, make_doc, tb2_batch

TB2 = "TUR/UKR/bayraktartb2"


def claims_of(rows_claims: list[LedgerClaim]) -> dict[str, list[LedgerClaim]]:
    out: dict[str, list[LedgerClaim]] = {}
    for row in reconcile(rows_claims):
        out[row.key] = [c for c in rows_claims if c.key in row.claims]
    return out


def lc(
    key: str,
    doc: str,
    status: str = "ordered",
    quantity: int | None = None,
    system: str = "Bayraktar TB2",
    recipient: str = "UKR",
    seq: int = 1,
) -> LedgerClaim:
    return LedgerClaim(
        key=key,
        doc=doc,
        doc_hash=f"h-{doc}",
        published="2021-01-01",
        seq=seq,
        supplier="TUR",
        recipient=recipient,
        system=system,
        category="aircraft",
        quantity=quantity,
        deal="sale",
        status=status,
        year=2021,
        evidence=f"evidence {key}",
        start=0,
        end=5,
    )


def edit(action: str, target: str, at: str, kind: str = "row", **kw: object) -> Edit:
    return Edit(
        uid=f"u-{at}", target_kind=kind, target=target, action=action, who="ana", at=at, why="checked", **kw
    )  # type: ignore[arg-type]


def test_corrections_apply_on_top_and_keep_the_machine_value_in_the_provenance() -> None:
    claims = [lc("c1", "a", quantity=12), lc("c2", "b", quantity=6, seq=2)]
    rows = reconcile(claims)
    fix = edit("correct", TB2, "2024-01-01T00:00:00Z", field="number_ordered", old_value=12, new_value=14)
    curated = apply_edits(rows, [fix], {})
    row = curated.rows[0]
    assert row.number_ordered == 14
    assert row.provenance["number_ordered"].rule == "set to 14 by ana on 2024-01-01: checked (was 12)"
    assert row.provenance["number_ordered"].claims == ["c1"]
    assert curated.outcomes == {fix.uid: ("applied", "")}
    assert rows[0].number_ordered == 12  # the machine rows themselves are untouched
    # When the machine's figure moves on, the edit still wins, and says so.
    moved = reconcile([*claims, lc("c3", "c", quantity=20, seq=3)])
    again = apply_edits(moved, [fix], {})
    assert again.rows[0].number_ordered == 14
    assert again.outcomes[fix.uid] == (
        "applied",
        "number_ordered was 12 when edited, the register now says 20",
    )


def test_accept_reject_and_orphans() -> None:
    rows = reconcile([lc("c1", "a"), lc("c2", "a", recipient="POL")])
    edits = [
        edit("accept", TB2, "2024-01-01"),
        edit("reject", "TUR/POL/bayraktartb2", "2024-01-02"),
        edit("correct", "TUR/GRC/bayraktartb2", "2024-01-03", field="status", new_value="delivered"),
    ]
    curated = apply_edits(rows, edits, {})
    assert [r.key for r in curated.rows] == [TB2]
    assert [r.key for r in curated.rejected] == ["TUR/POL/bayraktartb2"]
    assert curated.accepted == {TB2}
    assert curated.orphaned == ["u-2024-01-03"]
    assert curated.outcomes["u-2024-01-03"] == ("orphaned", "row TUR/GRC/bayraktartb2 no longer exists")


def test_merge_split_and_claim_rejection_reconcile_the_rows_again() -> None:
    claims = [
        lc("c1", "a", quantity=12),
        lc("c2", "b", quantity=12, seq=2),
        lc("c3", "c", status="delivered", quantity=6, seq=3),
        lc("c4", "d", system="TB-3", quantity=4, seq=4),
    ]
    rows = reconcile(claims)
    assert [r.key for r in rows] == [TB2, "TUR/UKR/tb3"]
    merge = edit("merge", TB2, "2024-01-01", new_value="TUR/UKR/tb3")
    curated = apply_edits(rows, [merge], claims_of(claims))
    assert [r.key for r in curated.rows] == [TB2]
    assert curated.rows[0].claims == ["c1", "c2", "c3", "c4"]
    split = edit("split", TB2, "2024-01-02", new_value=["c3"])
    curated = apply_edits(rows, [split], claims_of(claims))
    new_key = split_key(TB2, ["c3"])
    assert [r.key for r in curated.rows] == [TB2, new_key, "TUR/UKR/tb3"]
    assert curated.row(new_key).number_delivered == 6  # type: ignore[union-attr]
    assert curated.row(TB2).number_delivered is None  # type: ignore[union-attr]
    reject = edit("reject", "c2", "2024-01-03", kind="claim")
    curated = apply_edits(rows, [reject], claims_of(claims))
    assert curated.row(TB2).claims == ["c1", "c3"]  # type: ignore[union-attr]
    assert curated.row(TB2).confidence == 0.75  # type: ignore[union-attr]
    gone = edit("reject", "c-gone", "2024-01-04", kind="claim")
    assert apply_edits(rows, [gone], {}).outcomes[gone.uid] == ("orphaned", "claim c-gone no longer exists")


def test_values_are_parsed_and_checked() -> None:
    assert parse_value("number_ordered", "24") == 24
    assert parse_value("number_ordered", "none") is None
    assert parse_value("years_of_delivery", "2021;2019, 2021") == [2019, 2021]
    assert parse_value("status", "delivered") == "delivered"
    assert parse_value("recipient", "NSA:houthis") == "NSA:houthis"
    with pytest.raises(InputError, match="number_ordered must be a whole number"):
        parse_value("number_ordered", "two dozen")
    with pytest.raises(InputError, match="status must be one of interest"):
        parse_value("status", "shipped")
    with pytest.raises(InputError, match="field 'price' cannot be corrected"):
        parse_value("price", "1")


def test_second_editor_from_the_same_old_value_gets_a_conflict(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    store_batch(store, tb2_batch())
    with store.reading() as session:
        seen = curated_register(session).row(TB2).number_ordered  # type: ignore[union-attr]
    assert seen == 36
    first = new_edit(
        "row", TB2, "correct", "ana", "SIPRI says 12 ordered first", field="number_ordered", new_value=12
    )
    record_edit(store, first, expected=seen)
    second = new_edit("row", TB2, "correct", "ben", "I count 48", field="number_ordered", new_value=48)
    with pytest.raises(ConflictError, match="number_ordered is now 12, not 36 as expected"):
        record_edit(store, second, expected=seen)
    with store.reading() as session:
        assert [e.who for e in load_edits(session)] == ["ana"]
        assert curated_register(session).row(TB2).number_ordered == 12  # type: ignore[union-attr]
    # Without an expectation the current value is recorded as the old one.
    third = record_edit(
        store,
        new_edit("row", TB2, "correct", "ben", "", field="number_ordered", new_value=48),
        expected=UNSET,
    )
    assert third.old_value == 12
    store.close()


def test_new_edits_on_missing_targets_are_refused(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    store_batch(store, tb2_batch())
    with pytest.raises(
        InputError, match="no register row 'TUR/UKR/bayraktar'; did you mean TUR/UKR/bayraktartb2"
    ):
        record_edit(store, new_edit("row", "TUR/UKR/bayraktar", "accept", "ana"))
    with pytest.raises(InputError, match="no claim 'c-0000'"):
        record_edit(store, new_edit("claim", "c-0000", "reject", "ana"))
    with pytest.raises(InputError, match="a split must leave some claims"):
        with store.reading() as session:
            keys = curated_register(session).row(TB2).claims  # type: ignore[union-attr]
        record_edit(store, new_edit("row", TB2, "split", "ana", new_value=keys))
    store.close()


def test_an_edit_survives_a_rebuild_and_orphans_when_its_row_goes(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    store_batch(store, tb2_batch())
    record_edit(
        store,
        new_edit(
            "row",
            "TUR/UKR/category:other",
            "correct",
            "ana",
            "it was artillery shells",
            field="category",
            new_value="artillery",
        ),
    )
    record_edit(store, new_edit("row", TB2, "correct", "ana", "", field="year_of_order", new_value=2018))
    # Rebuild from scratch with the same documents: the edits apply again.
    store_batch(store, tb2_batch(), clear_first=True)
    with store.reading() as session:
        curated = curated_register(session)
        assert curated.row(TB2).year_of_order == 2018  # type: ignore[union-attr]
        assert curated.row("TUR/UKR/category:other").category == "artillery"  # type: ignore[union-attr]
        assert curated.orphaned == []
    # Rebuild without the document behind the ammunition row: that edit is orphaned, not dropped.
    store_batch(store, tb2_batch()[:2], clear_first=True)
    with store.reading() as session:
        curated = curated_register(session)
        edits = load_edits(session)
    assert len(edits) == 2
    assert [e.status for e in edits] == ["orphaned", "applied"]
    assert edits[0].note == "row TUR/UKR/category:other no longer exists"
    # And it applies again once the document is back.
    store_batch(store, tb2_batch()[2:])
    with store.reading() as session:
        assert [e.status for e in load_edits(session)] == ["applied", "applied"]
    store.close()


def test_edits_carry_to_a_fresh_store(tmp_path: Path) -> None:
    old = open_store(tmp_path / "old.db")
    store_batch(old, tb2_batch())
    record_edit(old, new_edit("row", TB2, "accept", "ana", "matches the contract"))
    with old.reading() as session:
        body = edits_jsonl(load_edits(session))
    old.close()
    fresh = open_store(tmp_path / "fresh.db")
    store_batch(fresh, tb2_batch())
    edits = parse_edits_jsonl(body, "edits.jsonl")
    assert import_edits(fresh, edits) == (1, 0)
    assert import_edits(fresh, edits) == (0, 1)
    with fresh.reading() as session:
        assert curated_register(session).accepted == {TB2}
    fresh.close()
    with pytest.raises(InputError, match=r"edits.jsonl:1: not JSON"):
        parse_edits_jsonl("{oops\n", "edits.jsonl")
    with pytest.raises(InputError, match=r"edits.jsonl:2: missing who"):
        parse_edits_jsonl(body + json.dumps({**json.loads(body), "who": ""}) + "\n", "edits.jsonl")


def test_edit_commands_end_to_end(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    store = open_store(db)
    store_batch(store, tb2_batch())
    other = make_doc("p", "Poland took 24 TB2 drones from Turkey in 2022.", "2022-06-01")
    store_batch(
        store,
        [
            (
                other,
                [
                    make_claim(
                        other,
                        "Poland took 24 TB2 drones from Turkey in 2022",
                        recipient="POL",
                        quantity=24,
                        year=2022,
                        status="delivered",
                    )
                ],
            )
        ],
    )
    store.close()
    ok = cli(
        "edit",
        TB2,
        "--set",
        "number_ordered=24",
        "--expect",
        "36",
        "--who",
        "ana",
        "--why",
        "contract",
        "--db",
        db,
    )
    assert ok.returncode == 0, ok.stderr
    assert "number_ordered 36 -> 24" in ok.stdout
    clash = cli("edit", TB2, "--set", "number_ordered=30", "--expect", "36", "--who", "ben", "--db", db)
    assert clash.returncode == 1
    assert "number_ordered is now 24, not 36 as expected" in clash.stderr
    bad = cli("edit", TB2, "--set", "number_ordered=lots", "--who", "ben", "--db", db)
    assert bad.returncode == 1 and "must be a whole number" in bad.stderr and "Traceback" not in bad.stderr
    assert (
        cli(
            "edit", "TUR/POL/bayraktartb2", "--reject", "--who", "ana", "--why", "double count", "--db", db
        ).returncode
        == 0
    )
    listing = cli("edits", "--db", db)
    assert listing.returncode == 0
    assert "number_ordered: 36 -> 24" in listing.stdout and "2 edit(s)" in listing.stdout
    register = cli("register", "--db", db)
    assert "TUR/POL/bayraktartb2" not in register.stdout.split("row(s)")[0]
    assert "1 row(s) rejected by analysts: TUR/POL/bayraktartb2" in register.stdout
    assert "2 edit(s): 2 applied, 0 orphaned" in register.stdout
    exported = tmp_path / "edits.jsonl"
    assert cli("edit", "export", str(exported), "--db", db).returncode == 0
    assert len(exported.read_text().splitlines()) == 2


def test_merge_and_split_recorded_in_the_store(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.db")
    store_batch(store, tb2_batch())
    record_edit(
        store,
        new_edit(
            "row",
            TB2,
            "merge",
            "ana",
            "the ammunition came with the drones",
            new_value="TUR/UKR/category:other",
        ),
    )
    with store.reading() as session:
        curated = curated_register(session)
    assert [r.key for r in curated.rows] == [TB2]
    merged = curated.rows[0]
    assert len(merged.claims) == 4
    with store.reading() as session:
        found = claims_by_key(session, merged.claims)
    ammunition = next(k for k, c in found.items() if c.system is None)
    record_edit(
        store, new_edit("row", TB2, "split", "ben", "not part of the drone deal", new_value=[ammunition])
    )
    with store.reading() as session:
        curated = curated_register(session)
    assert [r.key for r in curated.rows] == [TB2, split_key(TB2, [ammunition])]
    assert curated.rows[1].claims == [ammunition]
    assert curated.rows[0].number_ordered == 36
    with pytest.raises(InputError, match="no register row 'TUR/UKR/category:other'"):
        record_edit(store, new_edit("row", TB2, "merge", "ana", new_value="TUR/UKR/category:other"))
    store.close()
