"""Gzipped corpora and web archives, whole and cut short."""

import gzip
import json
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from armsledger.ingest import ReadFailure, read_documents, read_paths
from armsledger.model import Document

PAGE = b"""<html><head><title>Tanks for Poland</title><meta charset="utf-8"></head><body>
<nav>Home | World | Defence</nav>
<article><h1>Tanks for Poland</h1>
<p>Poland ordered 250 M1A2 Abrams tanks from the United States in 2022, the defence ministry said.</p>
<p>The first vehicles are due to reach an armoured brigade in the east of the country next year.</p>
</article>
<div id="comments"><p>Reader: Germany should sell Leopard tanks to Poland instead.</p></div>
</body></html>"""


def _rows(n: int) -> list[dict[str, str]]:
    return [
        {"id": f"g{i}", "text": f"Story {i}: Egypt ordered {i + 2} Rafale jets from France."}
        for i in range(n)
    ]


def _gz(rows: list[dict[str, str]]) -> bytes:
    return gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode("utf-8"))


def test_jsonl_gz_is_read_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl.gz"
    path.write_bytes(_gz([*_rows(3), {"text": "An article with no id."}]))
    docs, failures = read_documents([path])
    assert failures == []
    assert [d.id for d in docs] == ["g0", "g1", "g2", "news-4"]
    assert docs[1].source == f"{path}:2"


def test_truncated_gz_keeps_what_was_read_and_says_how_much(tmp_path: Path) -> None:
    whole = _gz(_rows(20_000))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    after = tmp_path / "zz-after.jsonl.gz"
    after.write_bytes(_gz(_rows(2)))
    results = list(read_paths([tmp_path]))
    failures = [r for r in results if isinstance(r, ReadFailure)]
    docs = [r for r in results if isinstance(r, Document)]
    assert len(failures) == 1 and failures[0].reason == "truncated"
    read_before_cut = len(docs) - 2
    assert 0 < read_before_cut < 20_000
    assert failures[0].message == (
        f"truncated gzip: the file ends before its end marker; "
        f"{read_before_cut} documents read before the cut"
    )
    # The run went on to the next file.
    assert [d.id for d in docs[-2:]] == ["g0", "g1"] and docs[-1].source.startswith(str(after))


def test_a_gz_that_is_not_gzip(tmp_path: Path) -> None:
    path = tmp_path / "plain.jsonl.gz"
    path.write_text(json.dumps({"id": "x", "text": "Not compressed."}) + "\n")
    _, failures = read_documents([path])
    assert [f.message for f in failures] == ["not a gzip file: expected gzipped JSON lines"]


def _warc(path: Path, records: list[tuple[str, str, bytes, str]]) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
        for uri, content_type, body, status in records:
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(uri, "response", payload=BytesIO(body), http_headers=headers)
            )


def test_warc_html_record_is_read_and_other_records_are_skipped_and_counted(tmp_path: Path) -> None:
    for name in ("crawl.warc.gz", "crawl.warc"):
        path = tmp_path / name
        _warc(
            path,
            [
                ("https://news.example.org/tanks", "text/html; charset=utf-8", PAGE, "200 OK"),
                (
                    "https://news.example.org/logo.png",
                    "image/png",
                    b"\x89PNG\r\n\x1a\n" + bytes(64),
                    "200 OK",
                ),
                ("https://news.example.org/gone", "text/html", b"<html>Not found</html>", "404 Not Found"),
            ],
        )
        docs, failures = read_documents([path])
        assert len(docs) == 1
        doc = docs[0]
        assert doc.url == "https://news.example.org/tanks"
        assert doc.id.startswith("urn:uuid:")
        assert doc.title == "Tanks for Poland"
        assert "Poland ordered 250 M1A2 Abrams tanks" in doc.text
        assert "Leopard" not in doc.text and "Home | World" not in doc.text
        assert [f.reason for f in failures] == ["not-html", "not-html"]
        assert failures[0].message == "https://news.example.org/logo.png: image/png, not HTML: skipped"
        assert failures[1].message == "https://news.example.org/gone: HTTP status 404, not a page: skipped"
        assert failures[0].source.startswith(f"{path}@")


def test_truncated_warc_and_a_file_that_is_not_warc(tmp_path: Path) -> None:
    whole = tmp_path / "whole.warc"
    _warc(
        whole,
        [
            ("https://news.example.org/a", "text/html", PAGE, "200 OK"),
            ("https://news.example.org/b", "text/html", PAGE.replace(b"250", b"116"), "200 OK"),
        ],
    )
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: len(data) - 300])
    whole.unlink()
    (tmp_path / "fake.warc").write_text("just some text, not an archive\n")
    docs, failures = read_documents([tmp_path])
    assert len(docs) == 1
    by_name = {Path(f.source.split("@")[0]).name: f for f in failures}
    assert by_name["cut.warc"].reason == "truncated"
    assert (
        by_name["cut.warc"].message
        == "truncated WARC: the file ends inside a record; 1 pages read before the cut"
    )
    assert by_name["fake.warc"].message.startswith("not a WARC file")
