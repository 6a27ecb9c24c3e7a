"""CSV tables with an article per row."""

import csv
from pathlib import Path

from armsledger.ingest import ReadOptions, read_documents
from armsledger.ingest.csv_text import open_table, read_rows, row_ranges


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


def test_a_legacy_row_far_into_the_file_is_read_and_an_unreadable_one_named(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    filler = [[f"a{i}", f"Plain ASCII row {i} about Rafale jets for Egypt."] for i in range(2000)]  # > 64 KB
    body = "id,text\n" + "".join(f"{i},{t}\n" for i, t in filler)
    late = 'late,"The \u201cdeal\u201d \u2013 worth \u20ac1bn \u2013 was signed."\n'
    broken = b'broken,"A stray byte \x81 here."\n'
    after = "after,Chile bought 12 F-16 jets from the Netherlands.\n"
    path.write_bytes(body.encode() + late.encode("cp1252") + broken + after.encode())
    docs, failures = read_documents([path])
    assert len(docs) == 2002 and docs[-1].id == "after"
    assert docs[-2].text == "The \u201cdeal\u201d \u2013 worth \u20ac1bn \u2013 was signed."
    assert [(f.source, f.message) for f in failures] == [
        (f"{path}:2003", "neither UTF-8 nor cp1252 text (byte 0x81 at column 22): row skipped")
    ]


def test_an_oversize_cell_costs_its_row_only(tmp_path: Path) -> None:
    path = tmp_path / "big-cell.csv"
    giant = "Poland ordered drones, said the ministry.\n" * 200  # quoted, with commas and line ends
    _write(
        path,
        ["id", "text"],
        [["r1", "Egypt ordered 30 Rafale jets."], ["giant", giant], ["r3", "Qatar bought 24 Rafale jets."]],
    )
    docs, failures = read_documents([path], ReadOptions(max_part_bytes=2000))
    assert [d.id for d in docs] == ["r1", "r3"]
    assert docs[1].source == f"{path}:204"  # the giant row spans lines 3-203
    assert [(f.source, f.reason, f.message) for f in failures] == [
        (f"{path}:3", "oversize", "row longer than 2000 bytes: skipped unread")
    ]


def test_columns_named_by_options(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    _write(
        path,
        ["key", "hed", "story", "day", "permalink", "text"],
        [["k1", "Jets", "Egypt ordered 30 Rafale jets.", "2021-05-04", "https://x.example/k1", "not this"]],
    )
    options = ReadOptions(
        text_column="Story", title_column="hed", date_column="day", url_column="permalink", id_column="key"
    )
    [doc], failures = read_documents([path], options)
    assert failures == []
    assert (doc.id, doc.title, doc.text, doc.published, doc.url) == (
        "k1",
        "Jets",
        "Egypt ordered 30 Rafale jets.",
        "2021-05-04",
        "https://x.example/k1",
    )
    _, failures = read_documents([path], ReadOptions(text_column="article"))
    assert [f.message for f in failures] == [
        "no column 'article' for the text; found key, hed, story, day, permalink, text"
    ]


def test_a_table_cut_at_row_starts_reads_like_the_whole(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    rows = [
        [f"r{i}", f'Row {i}: Greece bought {i} FDI frigates,\nsaid "officials".\n\nEnd.'] for i in range(80)
    ]
    _write(path, ["id", "text"], rows, encoding="cp1252")
    table, ranges = row_ranges(path, 500)
    assert len(ranges) > 5 and ranges[0][0] == table.rows_start and ranges[-1][1] == path.stat().st_size
    cut = [
        r
        for start, end, line in ranges
        for r in read_rows(
            path, open_table(path, detect=False, fallback=table.fallback), start, end, line, ReadOptions()
        )
    ]
    whole = list(read_documents([path])[0])
    assert [(d.id, d.source, d.text) for d in cut] == [(d.id, d.source, d.text) for d in whole]
