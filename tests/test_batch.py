"""The batch runner end to end on a real Dask cluster: partitions, Parquet, bad inputs, copies, resuming."""

from __future__ import annotations

import csv
import fcntl
import gzip
import json
import logging
from io import BytesIO
from itertools import pairwise
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from distributed import LocalCluster
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from armsledger.batch import Settings, read_parquet_claims, run_batch
from armsledger.batch.output import Layout
from armsledger.batch.plan import input_files, plan_partitions
from armsledger.batch.worker import read_partition
from armsledger.cli import main
from armsledger.errors import InputError
from armsledger.extract import extract
from armsledger.ingest import ReadFailure, read_paths
from armsledger.model import Document

SENTENCES = [
    "Poland ordered {n} Bayraktar TB2 drones from Turkey, the defence ministry in Warsaw said.",
    "France delivered {n} Rafale fighter jets to Greece after a ceremony at Tanagra air base.",
    "India received {n} S-400 air defence units from Russia despite warnings from Washington.",
    "Egypt signed a contract for {n} more Rafale jets from France, officials in Cairo said.",
    "The United States approved the sale of {n} M1A2 Abrams tanks to Poland on Friday.",
    "Germany will supply {n} Leopard 2 tanks to Ukraine, the chancellor announced in Berlin.",
]
WIRE = (
    "Turkey has agreed to sell 24 Bayraktar TB2 armed drones to Poland, the first member of NATO to buy "
    "the aircraft, the Turkish presidency said on Monday after talks between the two presidents in Ankara.\n\n"
    "The agreement covers the drones, ground stations, training and a logistics package, with deliveries "
    "due to begin next year, and officials said the first unit would be based in the east of the country."
)
PAGE = b"""<html><head><meta charset="utf-8"><title>Tanks for Poland</title></head><body>
<nav>Home | World | Defence</nav><article><h1>Tanks for Poland</h1>
<p>Poland ordered 250 M1A2 Abrams tanks from the United States in 2022, the defence ministry said.</p>
<p>The first vehicles are due to reach an armoured brigade in the east of the country next year.</p>
</article><div id="comments"><p>Germany should sell fifty Leopard tanks to Poland tomorrow.</p></div>
</body></html>"""


def _articles(count: int, start: int = 0) -> list[dict[str, str]]:
    return [
        {
            "id": f"n{i:05d}",
            "published": "2022-06-01",
            "text": f"Item {i}. " + SENTENCES[i % len(SENTENCES)].format(n=i % 40 + 2),
        }
        for i in range(start, start + count)
    ]


def _write_jsonl(path: Path, rows: list[dict[str, str]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _warc(path: Path) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for uri, kind, body in (
            ("https://news.example.org/tanks", "text/html; charset=utf-8", PAGE),
            ("https://news.example.org/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(uri, "response", payload=BytesIO(body), http_headers=headers)
            )


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A folder of every kind of input, some of them bad."""
    folder = tmp_path / "in"
    folder.mkdir()
    _write_jsonl(folder / "big.jsonl", _articles(120))
    gz_rows = "".join(json.dumps(r) + "\n" for r in _articles(3000, start=1000)).encode()
    (folder / "cut.jsonl.gz").write_bytes(gzip.compress(gz_rows)[:4_000])  # a truncated download
    (folder / "whole.jsonl.gz").write_bytes(
        gzip.compress("".join(json.dumps(r) + "\n" for r in _articles(30, start=500)).encode())
    )
    (folder / "page.html").write_bytes(PAGE)
    _warc(folder / "crawl.warc.gz")
    (folder / "broken.rss").write_text("this { is not xml\n")
    (folder / "table.csv").write_text("id,body\nc1,Chile bought 12 F-16 jets from the Netherlands in 2005.\n")
    (folder / "wire-a.txt").write_text(WIRE)
    (folder / "wire-b.txt").write_text("Poland buys Turkish drones\n\n" + WIRE)
    (folder / "huge.txt").write_text("Poland ordered drones. " * 2000)  # 46,000 characters
    _write_jsonl(folder / "huge-line.jsonl", [{"id": "giant", "text": "Qatar bought jets. " * 5000}])
    return folder


def _small(**overrides: int) -> Settings:
    return Settings(**{"max_chars": 20_000, "partition_bytes": 4096, **overrides})


def test_plan_cuts_big_corpus_files_and_reads_them_like_the_plain_reader(inputs: Path) -> None:
    files = input_files([inputs])
    partitions = plan_partitions(files, 4096)
    big = [p for p in partitions if p.paths == (str(inputs / "big.jsonl"),)]
    assert len(big) > 3 and all(p.kind == "bytes" for p in big)
    assert big[0].start == 0 and all(a.end == b.start for a, b in pairwise(big))
    gz = [p for p in partitions if p.paths == (str(inputs / "whole.jsonl.gz"),)]
    assert [p.kind for p in gz] == ["gz-lines"] * len(gz) and gz[-1].end == 0
    settings = _small()
    for cut in (big, gz):
        read = [r for p in cut for r in read_partition(p, settings)]
        plain = list(read_paths([cut[0].paths[0]]))
        assert [(d.id, d.source, d.text) for d in read] == [(d.id, d.source, d.text) for d in plain]


def test_batch_end_to_end_counts_skips_and_parquet(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run_batch(
        [inputs], out, workers=2, processes=False, settings=_small(), progress=False, say=lambda _: None
    )
    layout = Layout(out)
    assert summary.failed == [] and summary.ran == summary.partitions > 5
    assert layout.done_names() == [f"part-{i:05d}" for i in range(summary.partitions)]
    # Skipped by reason: the image in the WARC, the cut gzip, the feed that is not XML, two giant articles.
    assert summary.skipped == {"not-html": 1, "truncated": 1, "not-a-feed": 1, "oversize": 2}
    pairs = list(read_parquet_claims(out))
    docs = [doc for doc, _ in pairs]
    ids = [d.id for d in docs]
    assert len(docs) == summary.documents
    read_before_cut = sum(1 for i in ids if i.startswith("n0") and 1000 <= int(i[1:]) < 4000)
    assert 0 < read_before_cut < 3000
    assert (
        summary.documents == 120 + 30 + read_before_cut + 1 + 1 + 1 + 2
    )  # jsonl, gz, cut gz, page, warc, csv, wire
    assert "giant" not in ids and "huge" not in ids
    # What the batch stored is what extraction says about each document, offsets and all.
    claims_total = 0
    for doc, claims in pairs:
        assert [c.as_dict() for c in claims] == [c.as_dict() for c in extract(doc)]
        assert all(doc.text[c.start : c.end] == c.evidence for c in claims)
        claims_total += len(claims)
    assert (
        claims_total
        == summary.claims
        == sum(pq.ParquetFile(layout.claims(n)).metadata.num_rows for n in layout.done_names())
    )
    # Metadata survives the round trip; comments stay out of the page's text.
    page = next(d for d in docs if d.id == "page")
    assert page.title == "Tanks for Poland" and "Leopard" not in page.text
    # The wire story on two "sites" is one source.
    wire = {d.id: d.source_group for d in docs if d.id.startswith("wire-")}
    assert wire == {"wire-a": "wire-a", "wire-b": "wire-a"}
    assert summary.near_copies >= 1
    assert json.loads((out / "summary.json").read_text())["documents"] == summary.documents


def test_resume_reruns_only_unfinished_partitions_without_duplicates(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _write_jsonl(folder / "a.jsonl", _articles(90))
    out = tmp_path / "out"
    settings = _small(partition_bytes=2048)
    # Real worker processes on loopback, as a user's run would have.
    first = run_batch(
        [folder],
        out,
        workers=2,
        processes=True,
        memory_limit="1GB",
        settings=settings,
        progress=False,
        say=lambda _: None,
    )
    layout = Layout(out)
    assert first.ran == first.partitions >= 4 and first.failed == []
    stamps = {n: layout.claims(n).stat().st_mtime_ns for n in layout.done_names()}
    # A run killed while writing part 2: no marker, a half-written file beside it.
    layout.marker("part-00002").unlink()
    layout.claims("part-00002").with_name("part-00002.parquet.partial-0123456789ab").write_bytes(b"PAR1 half")
    second = run_batch(
        [folder], out, workers=1, processes=False, settings=settings, progress=False, say=lambda _: None
    )
    assert (second.ran, second.resumed) == (1, first.partitions - 1)
    after = {n: layout.claims(n).stat().st_mtime_ns for n in layout.done_names()}
    assert [n for n in after if after[n] != stamps[n]] == ["part-00002"]
    assert not list(out.rglob("*.partial-*"))
    assert (second.documents, second.claims) == (first.documents, first.claims) == (90, second.claims)
    ids = [doc.id for doc, _ in read_parquet_claims(out)]
    assert ids == [f"n{i:05d}" for i in range(90)]
    # A third run has nothing left to do.
    third = run_batch([folder], out, processes=False, settings=settings, progress=False, say=lambda _: None)
    assert (third.ran, third.resumed) == (0, first.partitions)


def test_changed_inputs_refuse_to_mix_into_an_old_run(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    _write_jsonl(path, _articles(3))
    out = tmp_path / "out"
    run_batch([path], out, workers=1, processes=False, progress=False, say=lambda _: None)
    _write_jsonl(path, _articles(4))
    with pytest.raises(InputError, match="holds a batch over other inputs"):
        run_batch([path], out, workers=1, processes=False, progress=False, say=lambda _: None)
    assert len(list(read_parquet_claims(out))) == 3  # the stored run is untouched


def test_oversize_article_in_a_single_file_is_skipped_unread(tmp_path: Path) -> None:
    # A 200 MB article, scaled down: the limit is lowered instead of writing 200 MB.
    (tmp_path / "giant.txt").write_text("Poland ordered drones. " * 1000)
    (tmp_path / "fine.txt").write_text("Chile bought 12 F-16 jets from the Netherlands in 2005.")
    summary = run_batch(
        [tmp_path / "giant.txt", tmp_path / "fine.txt"],
        tmp_path / "out",
        workers=1,
        processes=False,
        settings=Settings(max_chars=100),
        progress=False,
        say=lambda _: None,
    )
    assert (summary.documents, summary.skipped) == (1, {"oversize": 1})
    report = json.loads((tmp_path / "out" / "done" / "part-00000.json").read_text())
    assert report["messages"] == [
        f"{tmp_path / 'giant.txt'}: file of 23,000 bytes is over the limit of 1,000 "
        "for one article: skipped unread"
    ]


def test_read_parquet_claims_refuses_a_folder_that_is_not_a_batch(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a batch output folder"):
        list(read_parquet_claims(tmp_path))


def test_batch_command_prints_a_summary_and_refuses_bad_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.jsonl"
    _write_jsonl(path, _articles(5))
    out = tmp_path / "out"
    assert (
        main(
            [
                "batch",
                str(path),
                "--out",
                str(out),
                "--workers",
                "1",
                "--memory-limit",
                "1GB",
                "--no-progress",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "partitions: 1 (1 run now, 0 already done, 0 failed)" in printed
    assert "documents: 5" in printed
    assert main(["batch", str(path), "--out", str(tmp_path / "o2"), "--memory-limit", "lots"]) == 1
    assert "--memory-limit 'lots': expected a size such as 2GB" in capsys.readouterr().err
    assert main(["batch", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o3")]) == 1
    assert "missing.jsonl: no such file or folder" in capsys.readouterr().err
    assert not (tmp_path / "o3").exists()


def test_documents_keep_their_fields_through_parquet(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    row = {
        "id": "x1",
        "url": "https://x.example/1",
        "published": "2021-05-24",
        "title": "T",
        "text": "Poland ordered 24 drones from Turkey.\nImage: a drone on a runway\nMore text here.",
    }
    _write_jsonl(path, [row])
    run_batch([path], tmp_path / "out", workers=1, processes=False, progress=False, say=lambda _: None)
    [(doc, _)] = list(read_parquet_claims(tmp_path / "out"))
    expected = next(r for r in read_paths([path]) if isinstance(r, Document))
    assert not isinstance(expected, ReadFailure)
    assert doc == expected  # every field, the skipped caption span included
    assert doc.skipped and doc.text[doc.skipped[0].start : doc.skipped[0].end] == "Image: a drone on a runway"


def test_a_second_run_on_the_same_folder_is_refused_while_one_runs(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    _write_jsonl(path, _articles(2))
    out = tmp_path / "out"
    out.mkdir()
    with (out / "run.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running batch holds it
        with pytest.raises(InputError, match="another batch is running on this folder"):
            run_batch([path], out, workers=1, processes=False, progress=False, say=lambda _: None)
    assert not (out / "plan.json").exists()
    assert (
        run_batch([path], out, workers=1, processes=False, progress=False, say=lambda _: None).documents == 2
    )


def test_an_existing_cluster_by_address_and_a_bad_address(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    _write_jsonl(path, _articles(4))
    with LocalCluster(
        n_workers=1,
        processes=False,
        dashboard_address="127.0.0.1:0",
        worker_dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    ) as cluster:
        summary = run_batch(
            [path], tmp_path / "out", scheduler=cluster.scheduler_address, progress=False, say=lambda _: None
        )
    assert (summary.ran, summary.documents) == (1, 4)
    with pytest.raises(InputError, match="--scheduler nonsense://x: cannot reach a Dask scheduler there"):
        run_batch([path], tmp_path / "out2", scheduler="nonsense://x", progress=False, say=lambda _: None)


def test_skip_messages_are_printed_up_to_a_limit_then_counted(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        "".join("{not json\n" for _ in range(30)) + json.dumps({"id": "ok", "text": "Fine."}) + "\n"
    )
    said: list[str] = []
    summary = run_batch([path], tmp_path / "out", workers=1, processes=False, progress=False, say=said.append)
    assert summary.skipped == {"unreadable": 30} and summary.documents == 1
    said = [line for line in said if not line.startswith("Dask dashboard:")]
    assert len(said) == 21
    assert said[0].startswith(f"armsledger: skipped {path}:1: not JSON")
    assert said[-1].startswith("armsledger: ... and 10 more skipped inputs")


def test_a_legacy_encoded_corpus_reads_alike_whole_and_in_partitions(tmp_path: Path) -> None:
    """One fallback encoding per file, judged at planning: small and big files decode the same."""
    rows = _articles(60)
    for row in rows[40:]:
        row["text"] += " The \u201cdeal\u201d \u2013 worth \u20ac1bn \u2013 was signed in Z\u00fcrich."
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("cp1252")
    (tmp_path / "legacy.jsonl").write_bytes(data)
    (tmp_path / "legacy.jsonl.gz").write_bytes(gzip.compress(data))
    expected = [r["text"] for r in rows]
    settings = _small(partition_bytes=1024)
    for name in ("legacy.jsonl", "legacy.jsonl.gz"):
        path = tmp_path / name
        whole = [d.text for d in read_paths([path]) if isinstance(d, Document)]
        assert whole == expected
        parts = plan_partitions([path], 1024, tmp_path / f"shards-{name}")
        assert len(parts) > 3 and {p.encoding for p in parts} == {"cp1252"}
        # The first partitions hold only ASCII lines; they still decode as the file does.
        cut = [d.text for p in parts for d in read_partition(p, settings) if isinstance(d, Document)]
        assert cut == expected


def test_gz_is_copied_into_shards_once_and_each_worker_reads_its_own(tmp_path: Path) -> None:
    rows = _articles(200)
    path = tmp_path / "news.jsonl.gz"
    path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    out = tmp_path / "out"
    parts = plan_partitions([path], 2048, Layout(out).shards)
    assert len(parts) > 5 and all(Path(p.shard).exists() for p in parts)
    assert sum(Path(p.shard).stat().st_size for p in parts) == len(gzip.decompress(path.read_bytes()))
    assert [p.first_line for p in parts][:2] == [1, parts[0].end + 1] and parts[-1].end == 0
    read = [r for p in parts for r in read_partition(p, _small())]
    plain = list(read_paths([path]))
    assert [(d.id, d.source) for d in read] == [(d.id, d.source) for d in plain]
    assert read[57].source == f"{path}:58"  # named after the input, not the shard
    # A shard that went missing is read from the input itself.
    Path(parts[1].shard).unlink()
    assert [d.id for d in read_partition(parts[1], _small())] == [
        d.id for d in read_partition(parts[1], _small())
    ]
    summary = run_batch(
        [path],
        out,
        workers=1,
        processes=False,
        settings=_small(partition_bytes=2048),
        progress=False,
        say=lambda _: None,
    )
    assert summary.documents == 200 and summary.partitions == len(parts)
    assert not list(Layout(out).shards.glob("*.jsonl"))  # each shard deleted when its partition is done


def test_a_cut_gz_is_planned_up_to_the_cut_and_the_last_stretch_says_so(tmp_path: Path) -> None:
    whole = gzip.compress("".join(json.dumps(r) + "\n" for r in _articles(3000)).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    parts = plan_partitions([path], 8192, tmp_path / "shards")
    read = [r for p in parts for r in read_partition(p, _small())]
    docs = [r.id for r in read if isinstance(r, Document)]
    plain = [r.id for r in read_paths([path]) if isinstance(r, Document)]
    assert docs == plain and 0 < len(docs) < 3000
    failures = [r for r in read if isinstance(r, ReadFailure)]
    assert [f.reason for f in failures] == ["truncated"]
    assert failures[0].message == (
        f"truncated gzip: the file ends before its end marker; {len(docs)} lines read before the cut"
    )


def _csv_table(path: Path, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["key", "hed", "story"])
        for i in range(count):
            writer.writerow(
                [f"c{i:04d}", f"Order {i}", f"Item {i}.\n" + SENTENCES[i % len(SENTENCES)].format(n=i)]
            )


def test_a_big_csv_is_cut_at_row_starts_and_read_with_named_columns(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    _csv_table(path, 150)
    settings = _small(partition_bytes=2048, text_column="story", title_column="hed", id_column="key")
    parts = plan_partitions([path], 2048, options=settings.read_options())
    assert len(parts) > 5 and {p.kind for p in parts} == {"csv"}
    cut = [r for p in parts for r in read_partition(p, settings)]
    whole = list(read_paths([path], settings.read_options()))
    assert [(d.id, d.source, d.title) for d in cut] == [(d.id, d.source, d.title) for d in whole]
    assert [d.id for d in cut] == [f"c{i:04d}" for i in range(150)]
    summary = run_batch(
        [path],
        tmp_path / "out",
        workers=1,
        processes=False,
        settings=settings,
        progress=False,
        say=lambda _: None,
    )
    assert (summary.partitions, summary.documents, summary.skipped) == (len(parts), 150, {})


def test_the_batch_command_passes_csv_column_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "table.csv"
    _csv_table(path, 3)
    out = tmp_path / "out"
    args = [
        "batch",
        str(path),
        "--out",
        str(out),
        "--workers",
        "1",
        "--no-progress",
        "--text-column",
        "story",
    ]
    assert main([*args, "--title-column", "hed", "--id-column", "key"]) == 0
    assert "documents: 3" in capsys.readouterr().out
    docs = [doc for doc, _ in read_parquet_claims(out)]
    assert [(d.id, d.title) for d in docs] == [
        ("c0000", "Order 0"),
        ("c0001", "Order 1"),
        ("c0002", "Order 2"),
    ]
    assert (
        main(
            [
                "batch",
                str(path),
                "--out",
                str(tmp_path / "o2"),
                "--workers",
                "1",
                "--no-progress",
                "--text-column",
                "article",
            ]
        )
        == 0
    )
    printed = capsys.readouterr()
    assert "skipped: 1 unreadable" in printed.out
    assert "no column 'article' for the text; found key, hed, story" in printed.err


def _big_warc(path: Path, pages: int) -> None:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.name.endswith(".gz"))
        for i in range(pages):
            body = PAGE.replace(b"250", str(100 + i).encode())
            records = [(f"https://news.example.org/tanks-{i}", "text/html; charset=utf-8", body)]
            if i % 5 == 0:
                records.append(
                    (f"https://news.example.org/logo-{i}.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64))
                )
            for uri, kind, payload in records:
                headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
                writer.write_record(
                    writer.create_warc_record(uri, "response", payload=BytesIO(payload), http_headers=headers)
                )


def _big_feed(path: Path, entries: int) -> None:
    items = "".join(
        f"<item><title>Story {i}</title><link>https://wire.example.org/{i}</link>"
        f"<description><![CDATA[<p>{SENTENCES[i % len(SENTENCES)].format(n=i)}</p>]]></description></item>\n"
        for i in range(entries)
    )
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>',
        encoding="utf-8",
    )


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc", "wire.rss"])
def test_big_archives_and_feeds_are_cut_at_record_and_entry_starts(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    _big_feed(path, 120) if name.endswith(".rss") else _big_warc(path, 30)
    settings = _small(partition_bytes=3000)
    parts = plan_partitions([path], 3000, options=settings.read_options())
    assert len(parts) > 3 and {p.kind for p in parts} == {"feed" if name.endswith(".rss") else "warc"}
    assert parts[-1].end == path.stat().st_size
    cut = [r for p in parts for r in read_partition(p, settings)]
    whole = list(read_paths([path]))
    assert [(type(r).__name__, r.source) for r in cut] == [(type(r).__name__, r.source) for r in whole]
    summary = run_batch(
        [path],
        tmp_path / "out",
        workers=2,
        processes=False,
        settings=settings,
        progress=False,
        say=lambda _: None,
    )
    expected = (120, {}) if name.endswith(".rss") else (30, {"not-html": 6})
    assert (summary.partitions, summary.documents, summary.skipped) == (len(parts), *expected)


def test_a_local_run_says_where_the_dashboard_is_or_how_to_have_it(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    _write_jsonl(path, _articles(2))
    said: list[str] = []
    run_batch([path], tmp_path / "out", workers=1, processes=False, progress=False, say=said.append)
    [note] = [line for line in said if line.startswith("Dask dashboard:")]
    try:
        import bokeh  # noqa: F401

        assert note.startswith("Dask dashboard: http://127.0.0.1:")
    except ImportError:
        assert "bokeh>=" in note and "127.0.0.1" in note


def test_an_oversize_feed_entry_costs_that_entry_not_the_feed(tmp_path: Path) -> None:
    # A 200 MB entry, scaled down: the limit is lowered (max_chars 1,000: 10,000 bytes unread).
    path = tmp_path / "wire.rss"
    _big_feed(path, 6)
    text = path.read_text(encoding="utf-8")
    giant = (
        "<item><title>Giant</title><description>" + "Qatar bought jets. " * 50_000 + "</description></item>"
    )
    path.write_text(text.replace("<item>", giant + "\n<item>", 1), encoding="utf-8")
    summary = run_batch(
        [path],
        tmp_path / "out",
        workers=1,
        processes=False,
        settings=Settings(max_chars=1000),
        progress=False,
        say=lambda _: None,
    )
    assert (summary.documents, summary.skipped, summary.failed) == (6, {"oversize": 1}, [])
    report = json.loads((tmp_path / "out" / "done" / "part-00000.json").read_text())
    assert report["messages"] == [
        f"{path}#entry1: entry of 950,060 bytes is over the limit of 10,000: skipped unread"
    ]
