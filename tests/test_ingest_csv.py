"""CSV tables with an article per row."""

import csv
from pathlib import Path

from armsledger.ingest import read_documents


def _write(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> None:
    with path.open("w", newline="", encoding=encoding) as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def test_text_column_and_metadata_columns(tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    _write(
        path,
        ["ID", "Headline", "Text", "Date", "URL", "Author"],
        [
            [
                "a1",
                "Rafales for Egypt",
                "Egypt ordered 30 more Rafale jets from France.\nThe deal was signed in May.",
                "2021-05-04",
                "https://x.example/a1",
                "Jo Bloggs",
            ],
            ["", "No id", "India received S-400 systems from Russia.", "", "", ""],
        ],
    )
    docs, failures = read_documents([path])
    assert failures == []
    first, second = docs
    assert first.id == "a1" and first.title == "Rafales for Egypt" and first.published == "2021-05-04"
    assert first.text == "Egypt ordered 30 more Rafale jets from France.\nThe deal was signed in May."
    assert (first.url, first.author) == ("https://x.example/a1", "Jo Bloggs")
    # The first row spans lines 2-3, so the second starts on line 4.
    assert second.id == "articles-4" and second.source == f"{path}:4" and second.published is None


def test_content_and_body_columns_are_found_too(tmp_path: Path) -> None:
    _write(tmp_path / "a.csv", ["id", "content"], [["c1", "Greece bought three FDI frigates from France."]])
    _write(tmp_path / "b.csv", ["id", "BODY"], [["b1", "Morocco ordered Caesar howitzers from France."]])
    docs, failures = read_documents([tmp_path])
    assert failures == []
    assert [d.id for d in docs] == ["c1", "b1"]


def test_legacy_encoding_long_cells_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    long_text = "Qatar signed for Rafale jets worth 6 billion \u20ac with Dassault. " * 4000  # over 128 KB
    _write(
        path,
        ["id", "text", "published"],
        [
            ["l1", long_text, "2015-05-04"],
            ["l2", "  ", ""],
            ["l3", "Text with a bad date.", "last week"],
            ["l4", "Caf\u00e9 talk: Chile bought F-16s from the Netherlands.", ""],
        ],
        encoding="cp1252",
    )
    docs, failures = read_documents([path])
    assert [d.id for d in docs] == ["l1", "l4"]
    assert docs[0].text == long_text and "\u20ac" in docs[0].text
    assert docs[1].text.startswith("Caf\u00e9 talk")
    assert [(f.source, f.message) for f in failures] == [
        (f"{path}:3", "the row's text is empty"),
        (f"{path}:4", "'published' must be a date YYYY-MM-DD, got 'last week'"),
    ]


def test_no_text_column_and_empty_file(tmp_path: Path) -> None:
    _write(tmp_path / "numbers.csv", ["year", "value"], [["2020", "3"]])
    (tmp_path / "empty.csv").write_text("")
    _, failures = read_documents([tmp_path])
    messages = {Path(f.source).name: f.message for f in failures}
    assert messages["numbers.csv"] == "no text column: expected one of text, content, body; found year, value"
    assert messages["empty.csv"] == "empty file: expected a CSV table with a header row"
