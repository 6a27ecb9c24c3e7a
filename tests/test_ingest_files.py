"""Reading .txt files, folders and corpus .jsonl files, and refusing bad input clearly."""

import json
from pathlib import Path

from armsledger.extract import extract
from armsledger.ingest import ReadFailure, read_documents
from armsledger.ingest.boilerplate import find_skipped


def test_txt_file_id_is_stem(tmp_path: Path) -> None:
    path = tmp_path / "poland-drones.txt"
    path.write_text("Poland bought 24 drones.\r\nSecond line.", encoding="utf-8")
    docs, failures = read_documents([path])
    assert failures == []
    assert [d.id for d in docs] == ["poland-drones"]
    assert docs[0].text == "Poland bought 24 drones.\nSecond line."


def test_folder_reads_supported_files_in_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Second.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("First.", encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    docs, failures = read_documents([tmp_path])
    assert [d.id for d in docs] == ["a", "b"]
    assert failures == []


def test_jsonl_bad_lines_name_file_and_line_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    lines = [
        json.dumps({"id": "ok1", "url": "u", "published": "2021-05-24", "title": "t", "text": "Fine text."}),
        "{not json",
        json.dumps({"id": "no-text"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "bad-date", "published": "yesterday", "text": "x"}),
        json.dumps({"id": "ok2", "text": "More text."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, failures = read_documents([path])
    assert [d.id for d in docs] == ["ok1", "ok2"]
    assert docs[0].published == "2021-05-24" and docs[0].year == 2021
    messages = [str(f) for f in failures]
    assert messages[0].startswith(f"{path}:2: not JSON")
    assert messages[1] == f"{path}:3: the object has no 'text' string"
    assert messages[2] == f"{path}:4: expected a JSON object with 'id' and 'text'"
    assert messages[3].startswith(f"{path}:5: 'published' must be a date")


def test_empty_binary_and_wrong_encoding_files_fail_clearly(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\x00\x00\x01")
    (tmp_path / "latin.txt").write_bytes("Türkiye sold drones".encode("latin-1"))
    results = {Path(f.source).name: f.message for f in read_documents([tmp_path])[1]}
    assert results["empty.txt"] == "empty file: expected text"
    assert results["binary.txt"].startswith("binary file")
    assert results["latin.txt"].startswith("not UTF-8 text (byte 0xfc at offset 1)")


def test_missing_path_and_unknown_type(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    _, failures = read_documents([tmp_path / "nope.txt", tmp_path / "x.pdf"])
    assert all(isinstance(f, ReadFailure) for f in failures)
    assert failures[0].message == "no such file or folder"
    assert failures[1].message.startswith("unknown file type")


def test_comment_thread_caption_and_bio_are_skipped() -> None:
    text = (
        "Turkey sold drones to Qatar in 2019 and more are planned.\n"
        "Image: a drone on a runway\n"
        "The deal was signed in Doha after long talks between the two sides.\n"
        "Jane Roe is a senior fellow at a research institute.\n"
        "1. Someone says\n"
        "Poland should buy fifty drones.\n"
    )
    spans = find_skipped(text)
    skipped = [text[s.start : s.end] for s in spans]
    assert "Image: a drone on a runway" in skipped
    assert any(s.startswith("Jane Roe is a senior fellow") for s in skipped)
    assert any(s.startswith("1. Someone says") and "Poland should buy" in s for s in skipped)
    assert not any("Turkey sold drones" in s for s in skipped)


def test_unmarked_thread_headings_and_who_and_when_lines_start_a_thread_in_text() -> None:
    article = (
        "Comments on the budget\n\n"  # a title that looks like a heading stays: it is the first line
        "Turkey delivered six Bayraktar TB2 drones to Ukraine in 2019, officials said on Monday. "
        "The aircraft were handed over at a ceremony attended by officials from both countries, who "
        "described the sale as the start of a longer partnership between the two governments.\n\n"
        "The Ukrainian navy is expected to fly the drones from coastal bases next year.\n\n"
    )
    for thread in (
        "Comments (2)\n\nhawk77\n\nPoland should buy fifty Akinci drones.",
        "4 responses to \u201cDrones for Kyiv\u201d\n\nPoland should buy fifty Akinci drones.",
        "Join the discussion\n\nPoland should buy fifty Akinci drones.",
        "What readers say\n\nPoland should buy fifty Akinci drones.",
        "Responses\n\nPoland should buy fifty Akinci drones.",
        "hawk77, 3 hours ago\n\nPoland should buy fifty Akinci drones.",
        "Kasia \u00b7 1 hour ago\n\nPoland should buy fifty Akinci drones.",
    ):
        text = article + thread
        spans = find_skipped(text)
        assert [text[s.start : s.end] for s in spans] == [thread], thread


def test_a_leading_byline_is_the_author_and_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "wire.txt").write_text(
        "By John Smith and Ana Lopez, Reuters\n\nPoland ordered 24 Bayraktar TB2 drones from Turkey.\n"
    )
    (tmp_path / "titled.txt").write_text(
        "Drones for Poland\nBy Kasia Nowak-Wi\u015bniewska\n\nPoland ordered 24 drones from Turkey.\n"
    )
    (tmp_path / "not-a-byline.txt").write_text(
        "By the end of the year, Poland will have ordered 24 drones from Turkey.\n"
    )
    docs = {d.id: d for d in read_documents([tmp_path])[0]}
    wire, titled, plain = docs["wire"], docs["titled"], docs["not-a-byline"]
    assert wire.author == "John Smith and Ana Lopez"
    assert [wire.text[s.start : s.end] for s in wire.skipped] == ["By John Smith and Ana Lopez, Reuters"]
    assert wire.title == "Poland ordered 24 Bayraktar TB2 drones from Turkey."
    assert (titled.author, titled.title) == ("Kasia Nowak-Wi\u015bniewska", "Drones for Poland")
    assert [titled.text[s.start : s.end] for s in titled.skipped] == ["By Kasia Nowak-Wi\u015bniewska"]
    assert (plain.author, plain.skipped) == (None, [])
    claims = extract(wire)
    assert claims and all(c.start >= wire.skipped[0].end for c in claims)
