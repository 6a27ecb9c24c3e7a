"""The same story on several sites is one source."""

import numpy as np

from armsledger.ingest.dedupe import (
    PERMUTATIONS,
    band_keys,
    mark_duplicates,
    reporting_text,
    signature,
    similarity,
)
from armsledger.model import Document, Span

WIRE = (
    "ANKARA (Wire) - Turkey has agreed to sell 24 Bayraktar TB2 armed drones to Poland, the first "
    "member of NATO to buy the aircraft, the Turkish presidency said on Monday after talks in Ankara.\n\n"
    "The agreement, signed during a visit by the Polish president, covers the drones, ground stations, "
    "training and a logistics package, with deliveries due to begin next year.\n\n"
    "Polish officials said the drones would strengthen the country's eastern flank and that the "
    "first unit to receive them would be based near the border with Belarus.\n\n"
    "Turkish officials said the sale showed the growing reach of the country's defence industry, "
    "which has sold the same drone to several other governments in recent years."
)
OTHER = (
    "France has delivered the first of twelve Rafale fighter jets to Greece, the defence ministry in "
    "Athens said, as the country modernises its air force amid tension in the eastern Mediterranean.\n\n"
    "The aircraft landed at Tanagra air base and will join a squadron that already flies Mirage 2000 jets."
)


def _near_copy(text: str) -> str:
    paragraphs = text.split("\n\n")
    # Another site: its own headline line, the last paragraph cut, a closing line added.
    return "Poland buys Turkish drones\n\n" + "\n\n".join(paragraphs[:-1]) + "\n\nReporting by our wire desk."


def test_signature_is_stable_and_similarity_tracks_overlap() -> None:
    a, b = signature(WIRE), signature(WIRE)
    assert a is not None and b is not None and a.shape == (PERMUTATIONS,) and a.dtype == np.uint32
    assert np.array_equal(a, b) and np.array_equal(band_keys(a), band_keys(b))
    assert similarity(a, signature(_near_copy(WIRE))) > 0.5
    assert similarity(a, signature(OTHER)) < 0.1
    assert signature("  ... ") is None


def test_exact_and_near_copies_share_a_source_group() -> None:
    docs = [
        Document(id="other", text=OTHER),
        Document(id="wire-site-a", text=WIRE),
        Document(id="wire-site-b", text=WIRE),
        Document(id="wire-site-c", text=_near_copy(WIRE)),
        Document(id="alone", text="Morocco ordered Caesar howitzers from France for its army."),
    ]
    count = mark_duplicates(docs)
    assert [d.source_group for d in docs] == [None, "wire-site-a", "wire-site-a", "wire-site-a", None]
    assert (count.exact, count.near) == (1, 1)
    # Counted as sources, the five documents are three.
    assert len({d.source_group or d.id for d in docs}) == 3


def test_comments_do_not_make_copies_look_different() -> None:
    with_thread = WIRE + "\n\n3 Comments\n\nhawk77 says: buy more drones, fifty of them, right now please!"
    skip_from = len(WIRE) + 2
    docs = [
        Document(id="a", text=WIRE),
        Document(id="b", text=with_thread, skipped=[Span(skip_from, len(with_thread))]),
    ]
    assert reporting_text(docs[1]).strip() == WIRE
    mark_duplicates(docs)
    assert [d.source_group for d in docs] == ["a", "a"]
