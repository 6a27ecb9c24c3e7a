"""Saved web pages: the article text in, comments, menus and bylines out, metadata kept."""

from pathlib import Path

import pytest

from armsledger.extract import extract
from armsledger.ingest import ReadFailure, read_documents
from armsledger.ingest.html import fragment_text

ARTICLE = "Turkey delivered six Bayraktar TB2 drones to Ukraine in 2019."
COMMENT = "Poland should buy fifty Akinci drones from Turkey tomorrow."


def _page(comments: str, charset: str = "utf-8", extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}"><title>Drones for Kyiv | Defence Weekly</title>
<meta property="og:site_name" content="Defence Weekly">
<meta name="author" content="Ada Lovelace">
<meta property="article:published_time" content="2019-03-14T10:00:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/land">Land forces</a></li><li>Naval news</li></ul></nav>
<div class="menu">Subscribe | Sign in | Newsletter | Advertise with us</div>
<article>
<h1>Drones for Kyiv</h1>
<p class="byline">By Ada Lovelace, defence correspondent</p>
<p>{ARTICLE} The aircraft were handed over at a ceremony attended by officials from both
countries, who described the sale as the start of a longer partnership.</p>
<p>The Ukrainian navy is expected to fly the drones from coastal bases. Officials said the
training of the first crews had ended earlier in the year, and that upkeep would be shared.{extra}</p>
</article>
{comments}
<footer>Copyright 2024 Defence Weekly. All rights reserved.</footer>
</body></html>"""


WORDPRESS_THREAD = f"""<div id="comments" class="comments-area">
<h2 class="comments-title">2 thoughts on "Drones for Kyiv"</h2>
<ol class="comment-list">
<li id="comment-11" class="comment"><article class="comment-body"><footer class="comment-meta">
<b class="fn">hawk77</b> says:</footer><div class="comment-content"><p>{COMMENT}</p></div></article></li>
<li id="comment-12" class="comment"><article class="comment-body"><footer class="comment-meta">
<b class="fn">anon</b> says:</footer><div class="comment-content"><p>Good piece, thanks.</p></div></article></li>
</ol>
<div id="respond" class="comment-respond"><h3>Leave a Reply</h3></div>
</div>"""

PLAIN_THREAD = f"""<section class="user-comments"><h3>3 Comments</h3>
<div class="comment"><span class="comment-author">hawk77</span><p>{COMMENT}</p></div>
<div class="comment"><span class="comment-author">anon</span><p>Nice write-up.</p></div>
</section>"""


def test_article_text_and_metadata_without_menus_or_byline(tmp_path: Path) -> None:
    path = tmp_path / "kyiv-drones.html"
    path.write_text(_page(WORDPRESS_THREAD), encoding="utf-8")
    docs, failures = read_documents([path])
    assert failures == []
    doc = docs[0]
    assert doc.id == "kyiv-drones"
    assert ARTICLE in doc.text
    assert doc.title == "Drones for Kyiv"
    assert doc.published == "2019-03-14"
    assert doc.site == "Defence Weekly"
    assert doc.author == "Ada Lovelace"
    assert doc.source == str(path)
    for outside in ("Subscribe", "Land forces", "By Ada Lovelace", "Copyright", "Leave a Reply"):
        assert outside not in doc.text
    # Paragraphs are separated like the plain-text corpus, so sentences never run together.
    assert "\n\nThe Ukrainian navy" in doc.text


def test_no_claim_comes_from_a_reader_comment(tmp_path: Path) -> None:
    for name, thread in (("wordpress.html", WORDPRESS_THREAD), ("plain.htm", PLAIN_THREAD)):
        (tmp_path / name).write_text(_page(thread), encoding="utf-8")
    docs, failures = read_documents([tmp_path])
    assert failures == [] and len(docs) == 2
    for doc in docs:
        assert "Akinci" not in doc.text and "hawk77" not in doc.text
        assert ARTICLE in doc.text
        for claim in extract(doc):
            assert "POL" not in (claim.supplier, claim.recipient)
            assert "Akinci" not in claim.evidence
            assert doc.text[claim.start : claim.end] == claim.evidence


def test_page_in_a_declared_legacy_charset(tmp_path: Path) -> None:
    path = tmp_path / "legacy.html"
    page = _page(
        "", charset="windows-1252", extra=" The contract was worth 69 million \u20ac, said the minister."
    )
    path.write_bytes(page.encode("cp1252"))
    docs, failures = read_documents([path])
    assert failures == []
    assert "69 million \u20ac" in docs[0].text


def test_page_without_an_article_and_a_binary_page_fail_clearly(tmp_path: Path) -> None:
    (tmp_path / "empty-shell.html").write_text(
        "<html><head><title>Loading</title><script>start()</script></head><body><div id='app'></div></body></html>"
    )
    (tmp_path / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    _, failures = read_documents([tmp_path])
    by_name = {Path(f.source).name: f for f in failures}
    assert isinstance(by_name["empty-shell.html"], ReadFailure)
    assert by_name["empty-shell.html"].message == "no article text found in the page"
    assert by_name["image.html"].message.startswith("binary file")


def test_fragment_text_puts_each_block_on_its_own_paragraph() -> None:
    markup = "<p>First <b>bold</b> line.</p><script>var x = 1;</script><ul><li>One</li><li>Two</li></ul>Tail"
    assert fragment_text(markup) == "First bold line.\n\nOne\n\nTwo\n\nTail"
    assert fragment_text("No markup here.\nSecond.") == "No markup here.\n\nSecond."


# Threads no class or id marks out, put inside the article where trafilatura keeps them.
UNMARKED_THREADS = {
    "count-heading": f"""<div><h3>Comments (2)</h3>
<div><p><b>hawk77</b>, 3 hours ago</p><p>{COMMENT}</p></div>
<div><p><b>anon</b>, 5 hours ago</p><p>Nice write-up, thanks for this.</p></div></div>""",
    "responses-to": f"""<section><h2>3 responses to \u201cDrones for Kyiv\u201d</h2>
<ul><li><p>hawk77 on March 14, 2019 at 10:15 am</p><p>{COMMENT}</p></li></ul></section>""",
    "bare-responses": f"""<h4>Responses</h4><p>hawk77</p><p>{COMMENT}</p>""",
    "join": f"""<div><h4>Join the discussion</h4><p>Sam Brown, 2 days ago</p><p>{COMMENT}</p></div>""",
    "readers-say": f"""<div><strong>What readers say</strong><p>Kasia \u00b7 1 hour ago</p><p>{COMMENT}</p></div>""",
    "who-and-when-only": f"""<div><p>hawk77, 3 hours ago</p><p>{COMMENT}</p>
<p>anon, 4 hours ago</p><p>Good piece.</p></div>""",
}


@pytest.mark.parametrize("name", sorted(UNMARKED_THREADS))
def test_no_claim_comes_from_a_thread_no_class_marks(tmp_path: Path, name: str) -> None:
    page = _page("").replace("</article>", UNMARKED_THREADS[name] + "</article>")
    path = tmp_path / f"{name}.html"
    path.write_text(page, encoding="utf-8")
    [doc], failures = read_documents([path])
    assert failures == []
    assert ARTICLE in doc.text and doc.text.startswith("Drones for Kyiv")  # the title line stays
    assert "Akinci" not in doc.text and "hawk77" not in doc.text
    claims = extract(doc)
    assert claims and all(
        "Akinci" not in c.evidence and "POL" not in (c.supplier, c.recipient) for c in claims
    )


def test_a_who_and_when_line_at_the_top_is_not_a_thread(tmp_path: Path) -> None:
    page = _page("").replace(
        "<h1>Drones for Kyiv</h1>", "<h1>Drones for Kyiv</h1><p>Reuters, 3 hours ago</p>"
    )
    path = tmp_path / "dateline.html"
    path.write_text(page, encoding="utf-8")
    [doc], _ = read_documents([path])
    assert ARTICLE in doc.text and "The Ukrainian navy" in doc.text
    assert doc.skipped == [] or all(doc.text[s.start : s.end].strip() != "" for s in doc.skipped)
    assert not any("Ukrainian navy" in doc.text[s.start : s.end] for s in doc.skipped)
