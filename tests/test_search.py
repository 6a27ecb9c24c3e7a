"""Full-text search over documents and evidence, with designations that FTS5 would misread."""

from __future__ import annotations

from pathlib import Path

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
