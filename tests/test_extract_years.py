"""Event years from explicit dates and from words relative to the publication date."""

from armsledger.extract.years import event_year


def test_explicit_year_wins() -> None:
    assert event_year("In May 2021 Poland signed for the drones.", "2024-05-17") == 2021


def test_a_year_opening_the_sentence() -> None:
    assert event_year("In 2004, Belarus shipped the vehicles.", "2020-01-01") == 2004
    assert event_year("In 2019 the first batteries arrived.", None) == 2019
    assert event_year("Since 2014, Kyiv has bought drones.", None) is None


def test_ranges_are_not_event_years() -> None:
    assert event_year("Ukraine has received Javelins from the U.S. since 2014.", None) is None


def test_relative_to_publication() -> None:
    assert event_year("Egypt ordered 30 jets earlier this year.", "2021-12-03") == 2021
    assert event_year("Greece bought the jets last year.", "2022-02-10") == 2021
    assert event_year("Egypt first bought 24 Rafales six years ago.", "2021-05-04") == 2015


def test_month_without_year_uses_publication() -> None:
    assert event_year("Morocco received the drones it ordered in May.", "2021-10-14") == 2021
    assert event_year("The order came in December.", "2022-02-10") == 2021


def test_no_date_no_year() -> None:
    assert event_year("Turkey sold drones to Qatar.", "2021-05-24") is None
