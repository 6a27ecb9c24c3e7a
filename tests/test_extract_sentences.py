"""Sentence splitting keeps offsets and respects abbreviations and skipped spans."""

from armsledger.extract.sentences import split_sentences
from armsledger.model import Span


def test_splits_on_full_stops_and_lines_with_offsets() -> None:
    text = "Turkey sold drones to Qatar. The U.S. supplied Javelins to Ukraine.\nNew paragraph here."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Turkey sold drones to Qatar.",
        "The U.S. supplied Javelins to Ukraine.",
        "New paragraph here.",
    ]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_keeps_abbreviations_and_initials_inside_a_sentence() -> None:
    text = "On Nov. 19 Gen. Smith met John F. Kennedy Jr. in Washington. Then he left."
    assert [s.text for s in split_sentences(text)] == [
        "On Nov. 19 Gen. Smith met John F. Kennedy Jr. in Washington.",
        "Then he left.",
    ]


def test_a_company_suffix_ends_a_sentence_only_when_no_designation_follows() -> None:
    text = "Seoul wants 40 Hyundai Rotem Co. Ltd. K2 tanks and Lockheed Martin Corp. F-16 parts. Talks went to Hanwha Corp. A deal followed."
    assert [s.text for s in split_sentences(text)] == [
        "Seoul wants 40 Hyundai Rotem Co. Ltd. K2 tanks and Lockheed Martin Corp. F-16 parts.",
        "Talks went to Hanwha Corp.",
        "A deal followed.",
    ]


def test_a_designation_ending_like_an_abbreviation_ends_the_sentence() -> None:
    text = "Lebanon got ten VBTP-MR. The rest were trucks."
    assert [s.text for s in split_sentences(text)] == ["Lebanon got ten VBTP-MR.", "The rest were trucks."]


def test_skipped_spans_are_left_out() -> None:
    text = "Egypt ordered 30 Rafale jets.\n1. Reader says\nBuy more tanks now."
    cut = text.index("1. Reader")
    sentences = split_sentences(text, [Span(cut, len(text))])
    assert [s.text for s in sentences] == ["Egypt ordered 30 Rafale jets."]


def test_closing_quote_stays_with_its_sentence() -> None:
    text = "He said “the deal is done.” Poland then signed."
    assert [s.text for s in split_sentences(text)] == ["He said “the deal is done.”", "Poland then signed."]
