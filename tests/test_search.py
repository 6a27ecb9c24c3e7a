"""Full-text search over documents and evidence, with designations that FTS5 would misread."""

from __future__ import annotations

from pathlib import Path

from armsledger.reconcile import claim_key
from armsledger.store.queries import fts_query
from test_store import cli


def test_plain_words_are_quoted_and_operators_pass_through() -> None:
    assert fts_query("S-400 Turkey") == '"S-400" "Turkey"'
    assert fts_query("Javelin AND Ukraine") == "Javelin AND Ukraine"
    assert fts_query('"air defence"') == '"air defence"'


def test_search_finds_a_hyphenated_designation(tmp_path: Path) -> None:
    doc = tmp_path / "india.txt"
    doc.write_text("India received the first S-400 squadron from Russia in 2021.\n", encoding="utf-8")
    assert cli("build", str(doc), cwd=tmp_path).returncode == 0
    found = cli("search", "S-400", cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert "[S-400]" in found.stdout and "india" in found.stdout
    missing = cli("search", "Rafale", cwd=tmp_path)
    assert missing.returncode == 0
    assert "[Rafale]" not in missing.stdout


def test_a_broken_query_is_a_message_not_a_database_error(tmp_path: Path) -> None:
    doc = tmp_path / "india.txt"
    doc.write_text("India received the first S-400 squadron from Russia in 2021.\n", encoding="utf-8")
    assert cli("build", str(doc), cwd=tmp_path).returncode == 0
    broken = cli("search", '"S-400', cwd=tmp_path)
    assert broken.returncode == 1
    assert "not a valid full-text query" in broken.stderr


def test_claims_read_from_one_sentence_are_one_hit(tmp_path: Path) -> None:
    from armsledger.store import open_store
    from armsledger.store.ledger import store_batch
    from armsledger.store.queries import search
    from test_store import make_claim, make_doc

    doc = make_doc("m", "Morocco, Qatar and Ethiopia have also ordered TB2 drones from Turkey. Nothing else.")
    sentence = "Morocco, Qatar and Ethiopia have also ordered TB2 drones from Turkey"
    claims = [make_claim(doc, sentence, recipient=code) for code in ("MAR", "QAT", "ETH")]
    store = open_store(tmp_path / "s.db")
    store_batch(store, [(doc, claims)])
    with store.reading() as session:
        hits = search(session, "qatar ORDERED")
    store.close()
    claim_hits = [h for h in hits if h["kind"] == "claim"]
    assert len(claim_hits) == 1
    assert claim_hits[0]["claims"] == sorted(claim_key(doc.content_hash, c) for c in claims)
    assert claim_hits[0]["doc"] == "m" and claim_hits[0]["ref"] in claim_hits[0]["claims"]
    shown = cli("search", "Qatar", "ordered", "--db", str(tmp_path / "s.db"))
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count("Morocco, [Qatar] and Ethiopia have also [ordered]") == 1
    assert "(+2 more)  m " in shown.stdout and shown.stdout.endswith("1 match(es)\n")
