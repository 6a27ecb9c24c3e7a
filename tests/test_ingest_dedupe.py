"""The same story on several sites is one source."""

import re

import numpy as np

from armsledger.ingest.dedupe import (
    MIN_SHINGLES,
    NEAR_DUPLICATE,
    PERMUTATIONS,
    DuplicateCount,
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


ORDER = (
    "The United States Army awarded {company} a contract worth {value} million dollars for {count} {item} "
    "to be delivered to {buyer} by the end of {year}, the Pentagon said in its daily list of contract "
    "announcements on {day}. Work will be performed at {place}, and the contracting activity is the Army "
    "Contracting Command in Detroit Arsenal, Michigan, which received {bids} bids for the order."
)
ORDERS = [
    ORDER.format(
        company="Lockheed Martin",
        value=120,
        count=24,
        item="Javelin launchers",
        buyer="Poland",
        year=2025,
        day="Monday",
        place="Orlando, Florida",
        bids=2,
    ),
    ORDER.format(
        company="General Dynamics",
        value=340,
        count=18,
        item="Abrams tanks",
        buyer="Romania",
        year=2026,
        day="Tuesday",
        place="Lima, Ohio",
        bids=1,
    ),
    ORDER.format(
        company="Raytheon",
        value=90,
        count=6,
        item="Patriot radars",
        buyer="Ukraine",
        year=2024,
        day="Friday",
        place="Andover, Massachusetts",
        bids=3,
    ),
]


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}


def _jaccard(a: str, b: str) -> float:
    return len(_shingles(a) & _shingles(b)) / len(_shingles(a) | _shingles(b))


def test_templated_orders_stay_apart_and_the_estimate_tracks_the_truth() -> None:
    sigs = [signature(text) for text in ORDERS]
    assert all(s is not None for s in sigs)
    for a, b in ((0, 1), (0, 2), (1, 2)):
        truth = _jaccard(ORDERS[a], ORDERS[b])
        assert 0.15 < truth < 0.25
        assert abs(similarity(sigs[a], sigs[b]) - truth) < 0.12  # once 0.5 and over
    docs = [Document(id=f"order-{i}", text=t) for i, t in enumerate(ORDERS)]
    assert mark_duplicates(docs) == DuplicateCount(exact=0, near=0)
    assert [d.source_group for d in docs] == [None, None, None]


def test_short_items_are_not_compared_but_exact_copies_still_count_once() -> None:
    short = [
        "Poland ordered 24 Bayraktar TB2 drones from Turkey, the defence ministry said.",
        "Egypt ordered 30 Rafale jets from France, the defence ministry said.",
        "Poland ordered 24 Bayraktar TB2 drones from Turkey, the defence ministry said.",
    ]
    assert signature(short[0]) is None and len(_shingles(short[0])) < MIN_SHINGLES
    docs = [Document(id=f"s{i}", text=t) for i, t in enumerate(short)]
    assert mark_duplicates(docs) == DuplicateCount(exact=1, near=0)
    assert [d.source_group for d in docs] == ["s0", None, "s0"]


def test_a_lightly_edited_wire_copy_is_one_source() -> None:
    edited = WIRE.replace("on Monday", "on Monday, 23 May,").replace(
        "Polish officials", "Officials in Warsaw"
    )
    docs = [Document(id="wire", text=WIRE), Document(id="copy", text=_near_copy(edited))]
    assert similarity(signature(WIRE), signature(docs[1].text)) >= NEAR_DUPLICATE
    assert mark_duplicates(docs) == DuplicateCount(exact=0, near=1)
    assert [d.source_group for d in docs] == ["wire", "wire"]


def test_the_hash_family_is_unbiased_on_random_texts() -> None:
    rng = np.random.default_rng(7)
    errors = []
    for _ in range(60):
        words = [f"w{n}" for n in rng.integers(0, 3000, 300)]
        edited = list(words)
        for at in rng.integers(0, 300, int(rng.integers(0, 150))):
            edited[at] = f"w{rng.integers(0, 3000)}"
        a, b = " ".join(words), " ".join(edited)
        errors.append(similarity(signature(a), signature(b)) - _jaccard(a, b))
    assert abs(float(np.mean(errors))) < 0.02 and float(np.std(errors)) < 0.06
