"""RSS and Atom feeds saved to files or folders: one document per entry."""

import tracemalloc
from pathlib import Path

import pytest

from armsledger.ingest import ReadOptions, feeds, read_documents
from armsledger.ingest.feeds import entry_ranges, read_feed_range

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Defence Wire</title><link>https://wire.example.org/</link><description>News</description>
<item><title>Drones for Poland</title><link>https://wire.example.org/a1</link>
<guid>https://wire.example.org/a1</guid><pubDate>Mon, 24 May 2021 10:00:00 GMT</pubDate>
<dc:creator>Jo Bloggs</dc:creator><description>A short summary.</description>
<content:encoded><![CDATA[<p>Poland ordered 24 Bayraktar TB2 drones from Turkey.</p>
<p>The first deliveries are planned for next year.</p>]]></content:encoded></item>
<item><title>Summary only</title><link>https://wire.example.org/a2</link>
<description>&lt;p&gt;Qatar received its first Rafale jets from France.&lt;/p&gt;</description></item>
<item><title>Nothing inside</title><link>https://wire.example.org/a3</link></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Naval Notes</title><id>urn:naval-notes</id><updated>2022-02-01T00:00:00Z</updated>
<entry><title>Frigates for Greece</title><id>urn:naval-notes:1</id>
<link href="https://naval.example.net/frigates"/><updated>2022-01-31T09:30:00Z</updated>
<author><name>Sam Writer</name></author>
<content type="html">&lt;p&gt;Greece signed a contract for three FDI frigates from France.&lt;/p&gt;</content>
</entry>
</feed>
"""


def test_rss_entries_are_documents_with_metadata(tmp_path: Path) -> None:
    path = tmp_path / "wire.rss"
    path.write_text(RSS, encoding="utf-8")
    docs, failures = read_documents([path])
    assert [d.id for d in docs] == ["https://wire.example.org/a1", "https://wire.example.org/a2"]
    first = docs[0]
    assert first.text == (
        "Poland ordered 24 Bayraktar TB2 drones from Turkey.\n\n"
        "The first deliveries are planned for next year."
    )
    assert (first.title, first.published, first.site, first.author) == (
        "Drones for Poland",
        "2021-05-24",
        "Defence Wire",
        "Jo Bloggs",
    )
    assert first.url == "https://wire.example.org/a1"
    assert docs[1].text == "Qatar received its first Rafale jets from France."
    assert [(f.source, f.message) for f in failures] == [
        (f"{path}#entry3", "the entry has no content or summary text")
    ]


def test_atom_feed_in_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "naval.atom").write_text(ATOM, encoding="utf-8")
    (folder / "wire.xml").write_text(RSS, encoding="utf-8")
    docs, _ = read_documents([folder])
    atom = docs[0]
    assert atom.id == "urn:naval-notes:1"
    assert atom.text == "Greece signed a contract for three FDI frigates from France."
    assert (atom.published, atom.site, atom.author, atom.url) == (
        "2022-01-31",
        "Naval Notes",
        "Sam Writer",
        "https://naval.example.net/frigates",
    )
    assert len(docs) == 3


def test_a_feed_that_is_not_xml_fails_and_the_others_are_read(tmp_path: Path) -> None:
    (tmp_path / "broken.rss").write_text("this is { not xml at all\n", encoding="utf-8")
    (tmp_path / "page.xml").write_text("<urlset><url><loc>https://x.example</loc></url></urlset>")
    (tmp_path / "empty.atom").write_bytes(b"")
    (tmp_path / "wire.rss").write_text(RSS, encoding="utf-8")
    docs, failures = read_documents([tmp_path])
    assert len(docs) == 2
    by_name = {Path(f.source.split("#")[0]).name: f for f in failures}
    assert by_name["broken.rss"].message.startswith("not an RSS or Atom feed: not well-formed XML")
    assert by_name["broken.rss"].reason == "not-a-feed"
    assert by_name["page.xml"].message.startswith("not an RSS or Atom feed")
    assert by_name["empty.atom"].message == "empty file: expected an RSS or Atom feed"


def _rss(items: list[str]) -> bytes:
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
        "<channel><title>Defence Wire</title><link>https://wire.example.org/</link>\n"
        "<description><![CDATA[News about <item> and </item> tags]]></description>\n"
    )
    return (head + "".join(items) + "</channel></rss>\n").encode("utf-8")


def _item(n: int, body: str = "") -> str:
    text = body or f"Poland ordered {n} Bayraktar TB2 drones from Turkey."
    return (
        f"<item><title>Story {n}</title><link>https://wire.example.org/{n}</link>"
        f"<!-- </item> in a comment --><content:encoded><![CDATA[<p>{text}</p><p>Not </item> the end.</p>]]>"
        f"</content:encoded></item>\n"
    )


def test_an_oversize_entry_is_skipped_unread_and_the_others_are_kept(tmp_path: Path) -> None:
    giant = "Qatar bought Rafale jets. " * 400_000  # 10 MB in one entry
    path = tmp_path / "giant.rss"
    path.write_bytes(_rss([_item(1), _item(2, giant), _item(3)]))
    tracemalloc.start()
    docs, failures = read_documents([path], ReadOptions(max_part_bytes=1_000_000))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [d.id for d in docs] == ["https://wire.example.org/1", "https://wire.example.org/3"]
    assert docs[1].text == "Poland ordered 3 Bayraktar TB2 drones from Turkey.\n\nNot the end."
    assert docs[0].site == "Defence Wire"
    assert [(f.source, f.reason) for f in failures] == [(f"{path}#entry2", "oversize")]
    assert failures[0].message.startswith("entry of 10,400,")
    assert peak < 6 * 2**20  # the 10 MB entry was never held


def test_a_feed_of_many_entries_reads_alike_whole_and_cut_at_entry_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "_CHUNK", 4096)  # entries, comments and CDATA straddle the chunks read
    path = tmp_path / "many.rss"
    path.write_bytes(_rss([_item(n) for n in range(1, 401)]))
    whole, failures = read_documents([path])
    assert failures == [] and [d.title for d in whole] == [f"Story {n}" for n in range(1, 401)]
    header_end, ranges = entry_ranges(path, 10_000, 2**20)
    assert len(ranges) > 5 and ranges[0][2] == 1 and ranges[-1][1] == path.stat().st_size
    cut = [
        r
        for start, end, first in ranges
        for r in read_feed_range(path, header_end, start, end, first, ReadOptions())
    ]
    assert [(d.id, d.source, d.text) for d in cut] == [(d.id, d.source, d.text) for d in whole]


def test_an_entry_cut_off_by_the_end_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cut.rss"
    path.write_bytes(_rss([_item(1), _item(2)])[:-80])
    docs, failures = read_documents([path])
    assert [d.title for d in docs] == ["Story 1"]
    assert [(f.source, f.reason) for f in failures] == [(f"{path}#entry2", "truncated")]
