"""Date expressions resolve against the publication date: full dates as written, year-less ones to
the nearest year, bare months and weekdays by tense, relative ones by counting; durations do not."""

from __future__ import annotations

from datetime import date

import pytest

from winnow.transforms.enrich.dates import PRECISIONS, ResolvedDate, is_duration, resolve_date

PUBLISHED = date(2016, 9, 23)  # a Friday; its week starts on Monday 2016-09-19


def day(year: int, month: int, day_of_month: int) -> ResolvedDate:
    return ResolvedDate(date(year, month, day_of_month), "day")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # full dates
        ("Sept. 17, 2016", day(2016, 9, 17)),
        ("September 17, 2016", day(2016, 9, 17)),
        ("17 September 2016", day(2016, 9, 17)),
        ("2016-09-17", day(2016, 9, 17)),
        ("Sept 17th, 2016", day(2016, 9, 17)),
        ("the 17th of September 2016", day(2016, 9, 17)),
        ("SEPTEMBER 17, 2016", day(2016, 9, 17)),
        ("on Sept. 21, 2016.", day(2016, 9, 21)),
        ("Sept. 21, 2016", day(2016, 9, 21)),
        ("since Feb. 3, 2015,", day(2015, 2, 3)),
        ("Tuesday, Sept. 20, 2016", day(2016, 9, 20)),
        ("the morning of Sept. 20", day(2016, 9, 20)),
        ("on the night of Sept. 20, 2016", day(2016, 9, 20)),
        ("1st May 2014", day(2014, 5, 1)),
        # year-less dates: the year that puts them closest to publication
        ("Sept. 17", day(2016, 9, 17)),
        ("Sept. 12", day(2016, 9, 12)),
        ("Sep 17", day(2016, 9, 17)),
        ("17 September", day(2016, 9, 17)),
        ("on Sept. 30", day(2016, 9, 30)),
        ("Dec. 30", day(2016, 12, 30)),
        ("Jan. 5", day(2017, 1, 5)),
        ("March 30", day(2016, 3, 30)),  # 177 days before publication, 188 after
        ("March 1", day(2017, 3, 1)),  # 206 days before publication, 159 after
        ("the 2nd of January", day(2017, 1, 2)),
        ("Friday, Sept. 23", day(2016, 9, 23)),
        # month and year, bare month (past tense), year
        ("September 2016", ResolvedDate(date(2016, 9, 1), "month")),
        ("in Sept. 2015", ResolvedDate(date(2015, 9, 1), "month")),
        ("November, 2015", ResolvedDate(date(2015, 11, 1), "month")),
        ("September", ResolvedDate(date(2016, 9, 1), "month")),
        ("in November", ResolvedDate(date(2015, 11, 1), "month")),
        ("March", ResolvedDate(date(2016, 3, 1), "month")),
        # "last"/"next" and a month: strictly before or after the publication month
        ("last May", ResolvedDate(date(2016, 5, 1), "month")),
        ("Last September", ResolvedDate(date(2015, 9, 1), "month")),
        ("since last December", ResolvedDate(date(2015, 12, 1), "month")),
        ("next May", ResolvedDate(date(2017, 5, 1), "month")),
        ("next October", ResolvedDate(date(2016, 10, 1), "month")),
        ("this May", ResolvedDate(date(2016, 5, 1), "month")),
        # the middle of a month or year; seasons gone by or of a year
        ("mid-October", ResolvedDate(date(2015, 10, 1), "month")),
        ("in mid-2015", ResolvedDate(date(2015, 1, 1), "year")),
        ("last summer", ResolvedDate(date(2016, 1, 1), "year")),  # over by September
        ("last fall", ResolvedDate(date(2015, 1, 1), "year")),  # this one is not over
        ("this past spring", ResolvedDate(date(2016, 1, 1), "year")),
        ("the summer of 2014", ResolvedDate(date(2014, 1, 1), "year")),
        ("2016", ResolvedDate(date(2016, 1, 1), "year")),
        ("in 1997", ResolvedDate(date(1997, 1, 1), "year")),
        ("last year", ResolvedDate(date(2015, 1, 1), "year")),
        ("this year", ResolvedDate(date(2016, 1, 1), "year")),
        ("next year", ResolvedDate(date(2017, 1, 1), "year")),
        # days relative to publication
        ("today", day(2016, 9, 23)),
        ("Tonight", day(2016, 9, 23)),
        ("this morning", day(2016, 9, 23)),
        ("this evening", day(2016, 9, 23)),
        ("yesterday", day(2016, 9, 22)),
        ("last night", day(2016, 9, 22)),
        ("tomorrow", day(2016, 9, 24)),
        ("the day before yesterday", day(2016, 9, 21)),
        ("the day after tomorrow", day(2016, 9, 25)),
        ("3 days ago", day(2016, 9, 20)),
        ("two days ago", day(2016, 9, 21)),
        ("a day earlier", day(2016, 9, 22)),
        ("ten days ago", day(2016, 9, 13)),
        ("three days from now", day(2016, 9, 26)),
        # weeks: the Monday of the week
        ("this week", ResolvedDate(date(2016, 9, 19), "week")),
        ("last week", ResolvedDate(date(2016, 9, 12), "week")),
        ("next week", ResolvedDate(date(2016, 9, 26), "week")),
        ("a week ago", ResolvedDate(date(2016, 9, 12), "week")),
        ("3 weeks ago", ResolvedDate(date(2016, 8, 29), "week")),
        ("two weeks from now", ResolvedDate(date(2016, 10, 3), "week")),
        # months: the first of the month
        ("a month ago", ResolvedDate(date(2016, 8, 1), "month")),
        ("last month", ResolvedDate(date(2016, 8, 1), "month")),
        ("one last month", ResolvedDate(date(2016, 8, 1), "month")),  # NER's span of "... outages, one last month"
        ("this month", ResolvedDate(date(2016, 9, 1), "month")),
        ("next month", ResolvedDate(date(2016, 10, 1), "month")),
        ("five months ago", ResolvedDate(date(2016, 4, 1), "month")),
        ("twelve months ago", ResolvedDate(date(2015, 9, 1), "month")),
        # years: January 1
        ("a year ago", ResolvedDate(date(2015, 1, 1), "year")),
        ("2 years ago", ResolvedDate(date(2014, 1, 1), "year")),
        ("three years earlier", ResolvedDate(date(2013, 1, 1), "year")),
        # weekdays in the past tense: on or before publication, "last" strictly before, "next" strictly after
        ("Tuesday", day(2016, 9, 20)),
        ("on Friday", day(2016, 9, 23)),
        ("Saturday", day(2016, 9, 17)),
        ("this Friday", day(2016, 9, 23)),
        ("this Wednesday", day(2016, 9, 21)),
        ("last Friday", day(2016, 9, 16)),
        ("last Monday", day(2016, 9, 19)),
        ("next Friday", day(2016, 9, 30)),
        ("next Wednesday", day(2016, 9, 28)),
        # periods news refers to: a weekend (its Saturday), part of a month, of this week, month or year
        ("over the weekend", ResolvedDate(date(2016, 9, 17), "week")),
        ("last weekend", ResolvedDate(date(2016, 9, 17), "week")),
        ("earlier this month", ResolvedDate(date(2016, 9, 1), "month")),
        ("earlier this week", ResolvedDate(date(2016, 9, 19), "week")),
        ("early this year", ResolvedDate(date(2016, 1, 1), "year")),
        ("this fall", ResolvedDate(date(2016, 1, 1), "year")),
        ("the end of August", ResolvedDate(date(2016, 8, 1), "month")),
        ("early October", ResolvedDate(date(2015, 10, 1), "month")),
        # a time of day is its day
        ("Monday night", day(2016, 9, 19)),
        ("into Tuesday night", day(2016, 9, 20)),
        ("Wednesday morning", day(2016, 9, 21)),
    ],
)
def test_resolves_in_the_past_tense(expression, expected):
    assert resolve_date(expression, PUBLISHED) == expected
    assert resolve_date(expression, PUBLISHED, "past") == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # bare months: on or after the publication month
        ("November", ResolvedDate(date(2016, 11, 1), "month")),
        ("in March", ResolvedDate(date(2017, 3, 1), "month")),
        ("September", ResolvedDate(date(2016, 9, 1), "month")),
        # weekdays: on or after publication; "last" and "next" ignore the tense
        ("Friday", day(2016, 9, 23)),
        ("Tuesday", day(2016, 9, 27)),
        ("by Saturday", day(2016, 9, 24)),
        ("this Wednesday", day(2016, 9, 28)),
        ("next Friday", day(2016, 9, 30)),
        ("last Monday", day(2016, 9, 19)),
        ("last Friday", day(2016, 9, 16)),
        # everything else ignores the tense
        ("Sept. 17", day(2016, 9, 17)),
        ("tomorrow", day(2016, 9, 24)),
        ("next month", ResolvedDate(date(2016, 10, 1), "month")),
    ],
)
def test_resolves_in_the_future_tense(expression, expected):
    assert resolve_date(expression, PUBLISHED, "future") == expected


@pytest.mark.parametrize(
    ("expression", "published", "tense", "expected"),
    [
        ("January 2", date(2026, 11, 4), "past", day(2027, 1, 2)),
        ("Dec. 30", date(2026, 1, 3), "past", day(2025, 12, 30)),
        ("January 2", date(2026, 12, 30), "future", day(2027, 1, 2)),
        ("January 2", date(2026, 12, 30), "past", day(2027, 1, 2)),
        ("December", date(2026, 1, 3), "past", ResolvedDate(date(2025, 12, 1), "month")),
        ("January", date(2026, 12, 30), "future", ResolvedDate(date(2027, 1, 1), "month")),
        ("last month", date(2026, 1, 3), "past", ResolvedDate(date(2025, 12, 1), "month")),
        ("next month", date(2026, 12, 30), "past", ResolvedDate(date(2027, 1, 1), "month")),
        ("next week", date(2026, 12, 30), "past", ResolvedDate(date(2027, 1, 4), "week")),
        ("this week", date(2026, 1, 3), "past", ResolvedDate(date(2025, 12, 29), "week")),
        ("yesterday", date(2026, 1, 1), "past", day(2025, 12, 31)),
        ("Wednesday", date(2026, 1, 3), "past", day(2025, 12, 31)),
        # a leap day exists only in a leap year
        ("Feb. 29", date(2024, 3, 10), "past", day(2024, 2, 29)),
        ("Feb. 29", date(2026, 3, 10), "past", ResolvedDate(None, "unknown")),
        # March 1 is 183 days either side of 2023-08-31: the tense breaks the tie
        ("March 1", date(2023, 8, 31), "past", day(2023, 3, 1)),
        ("March 1", date(2023, 8, 31), "future", day(2024, 3, 1)),
    ],
)
def test_resolves_across_year_boundaries(expression, published, tense, expected):
    assert resolve_date(expression, published, tense) == expected


@pytest.mark.parametrize("month", range(1, 13))
@pytest.mark.parametrize("dot", [".", ""])
def test_month_abbreviations(month, dot):
    abbreviation = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[month - 1]
    assert resolve_date(f"{abbreviation}{dot} 1", date(2016, 7, 1)) == day(2016, month, 1)


def test_sept_is_september():
    assert resolve_date("Sept 1", date(2016, 7, 1)) == day(2016, 9, 1)


@pytest.mark.parametrize(
    "weekday, expected_day",
    [
        ("Monday", 19),
        ("Tuesday", 20),
        ("Wednesday", 21),
        ("Thursday", 22),
        ("Friday", 23),
        ("Saturday", 17),
        ("Sunday", 18),
    ],
)
def test_every_weekday_in_the_past_tense(weekday, expected_day):
    assert resolve_date(weekday, PUBLISHED) == day(2016, 9, expected_day)


@pytest.mark.parametrize(
    "expression",
    [
        "the 1990s",
        "recent years",
        "every Friday",
        "Fridays",
        "a seven day",
        "12 hours",
        "Monthly",
        "weekly",
        "five-day",
        "twenty years",
        "20 years",
        "three weeks",
        "a year",
        "a week",
        "the past week",
        "summer",
        "the 17th",
        "Feb. 30",
        "Feb. 30, 2016",
        "2016-02-30",
        "2016-13-01",
        "",
        "  ",
        "last decade",
        "later this month",
        "the early 2020s",
        "one Tuesday",
        "last winter",  # it spans two years
        "mid-size",
    ],
)
def test_unresolvable_expressions_are_unknown(expression):
    assert resolve_date(expression, PUBLISHED) == ResolvedDate(None, "unknown")
    assert resolve_date(expression, PUBLISHED, "future") == ResolvedDate(None, "unknown")


def test_a_count_later_is_from_publication_only_in_the_future_tense():
    assert resolve_date("two days later", PUBLISHED, "future") == day(2016, 9, 25)
    assert resolve_date("two months later", PUBLISHED) == ResolvedDate(None, "unknown")
    may = ResolvedDate(date(2016, 5, 1), "month")
    assert resolve_date("two months later", PUBLISHED, anchor=may) == ResolvedDate(date(2016, 7, 1), "month")


@pytest.mark.parametrize(
    "expression",
    ["later in the day", "Later that night", "that day", "the same day", "earlier in the day", "in the morning"],
)
def test_the_storys_day_named_again_is_that_day(expression):
    monday = day(2016, 9, 19)
    assert resolve_date(expression, PUBLISHED, anchor=monday) == monday
    assert resolve_date(expression, PUBLISHED, anchor=ResolvedDate(date(2016, 9, 1), "month")).value is None
    assert resolve_date(expression, PUBLISHED).value is None


def test_the_day_after_or_before_the_storys_day_counts_from_it():
    monday = day(2016, 9, 19)
    assert resolve_date("the next morning", PUBLISHED, anchor=monday) == day(2016, 9, 20)
    assert resolve_date("The following day", PUBLISHED, "done", anchor=monday) == day(2016, 9, 20)
    assert resolve_date("the previous night", PUBLISHED, anchor=monday) == day(2016, 9, 18)
    assert resolve_date("the next day", PUBLISHED).value is None  # no day to count from
    assert resolve_date("the next day", PUBLISHED, anchor=ResolvedDate(date(2016, 9, 1), "month")).value is None


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("that year", ResolvedDate(date(2015, 1, 1), "year")),
        ("later that year", ResolvedDate(date(2015, 1, 1), "year")),
        ("the same month", ResolvedDate(date(2015, 5, 1), "month")),
        ("earlier that week", ResolvedDate(date(2015, 5, 11), "week")),
        ("the following week", ResolvedDate(date(2015, 5, 18), "week")),
        ("the previous month", ResolvedDate(date(2015, 4, 1), "month")),
        ("the following year", ResolvedDate(date(2016, 1, 1), "year")),
    ],
)
def test_the_storys_week_month_or_year_named_again_or_beside_counts_from_its_date(expression, expected):
    tuesday = day(2015, 5, 12)
    assert resolve_date(expression, PUBLISHED, "done", anchor=tuesday) == expected
    assert resolve_date(expression, PUBLISHED, "done").value is None  # no story date
    vaguer = ResolvedDate(date(2015, 1, 1), "year")  # "that month" after "in 2015" tells no month
    assert resolve_date(expression, PUBLISHED, anchor=vaguer).precision in ("year", "unknown")


def test_precisions_are_the_documented_ones():
    assert PRECISIONS == ("day", "week", "month", "year", "unknown")


def test_an_unknown_tense_is_an_error():
    with pytest.raises(ValueError, match="tense"):
        resolve_date("Tuesday", PUBLISHED, "present")


@pytest.mark.parametrize("expression", ["weeks", "seven years", "for three months", "the past two weeks", "decades"])
def test_a_length_of_time_is_a_duration(expression):
    assert is_duration(expression)


@pytest.mark.parametrize(
    "expression", ["last week", "this year", "two weeks ago", "Monday", "2019", "the 14th century"]
)
def test_a_point_in_time_is_no_duration(expression):
    assert not is_duration(expression)


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("May this year", date(2024, 5, 1)),
        ("in March last year", date(2023, 3, 1)),
        ("June next year", date(2025, 6, 1)),
    ],
)
def test_a_month_of_a_named_year(expression, expected):
    assert resolve_date(expression, date(2024, 3, 8)) == ResolvedDate(expected, "month")


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("nearly a year ago", ResolvedDate(date(2023, 1, 1), "year")),
        ("about two weeks ago", ResolvedDate(date(2024, 2, 19), "week")),
        ("more than three days ago", ResolvedDate(date(2024, 3, 5), "day")),
    ],
)
def test_an_approximate_count_resolves_as_the_count(expression, expected):
    assert resolve_date(expression, date(2024, 3, 8)) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("Monday, May 11", day(2026, 5, 11)),  # 193 days before publication, but May 11, 2027 is a Tuesday
        ("on Monday, 11 May", day(2026, 5, 11)),
        ("Tuesday, May 11", day(2027, 5, 11)),
        ("Friday, May 11", day(2027, 5, 11)),  # a Friday in none of the years: the nearest, as without one
    ],
)
def test_a_weekday_named_with_a_yearless_date_picks_its_year(expression, expected):
    assert resolve_date(expression, date(2026, 11, 20), "past") == expected


def test_a_wrong_weekday_does_not_move_a_date_a_year_away():
    # Nov. 13, 2026 is a Friday; Nov. 13, 2025 a Thursday, but a year before publication
    assert resolve_date("Thursday, Nov. 13", date(2026, 11, 20), "past") == day(2026, 11, 13)


def test_a_yearless_day_told_as_done_is_not_after_publication():
    # published 2016-09-23: March 1, 2017 is nearer, but what was done on "March 1" is of 2016
    assert resolve_date("on March 1", PUBLISHED, "done") == day(2016, 3, 1)
    assert resolve_date("on March 1", PUBLISHED, "past") == day(2017, 3, 1)
    assert resolve_date("Sept. 24", PUBLISHED, "done") == day(2016, 9, 24)  # a day ahead: a time zone's
    assert resolve_date("Tuesday", PUBLISHED, "done") == day(2016, 9, 20)


@pytest.mark.parametrize("expression", ["Tuesday, days", "Tuesday, two days", "Sept. 20, weeks"])
def test_a_count_of_time_glued_on_after_a_comma_is_not_the_days(expression):
    # the NER tags "on Tuesday, days after the vote" as one date: the day is Tuesday
    assert resolve_date(expression, PUBLISHED) == day(2016, 9, 20)
