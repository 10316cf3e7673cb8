"""Resolve the date expressions that spaCy tags DATE ("Sept. 17", "last Tuesday", "two weeks ago")
against the article's publication date, to a calendar date and how precise it is.

Expressions without a year take one from the publication date:
- a month and day ("Sept. 17") takes whichever of the years before, of and after publication puts
  it closest to the publication date ("Dec. 30" published 2026-01-03 is 2025-12-30); on a tie,
  183 days either way across a February 29, the tense decides (past: the earlier date); a weekday
  named with it ("Monday, May 11") keeps only the years within about half a year of publication in
  which the day falls on that weekday, if there is one; told in the past tense (`done`: "was
  arrested on May 16") it takes no year that puts it after publication;
- a bare month ("in November") takes the tense: past means the most recent such month on or before
  the publication month, future the next such month on or after it; "last November" is strictly
  before the publication month and "next November" strictly after, "this November" as a bare month;
- a weekday ("Tuesday") likewise, the publication day itself counting; "last Tuesday" is strictly
  before the publication day and "next Tuesday" strictly after, whatever the tense; "this Tuesday"
  follows the tense.
Relative expressions ("yesterday", "last week", "a year ago", "earlier this month") count from the
publication date; "two months later" counts from the story's earlier date where the caller gives
one, else from publication in the future tense (told in the past it is unknown); "later that day",
"that night" are the story's earlier day ("the morning of Sept. 20" is that day), "the next morning" and "the previous night" the day after
or before it, "that year", "later that month", "the following week", "the previous year" its week, month
or year or the one after or before, unknown without one (or with one vaguer than the unit). A week resolves to its Monday, a
month to its first day, a year to January 1; the precision says which. A weekend ("over the weekend") is the last one before publication, its
Saturday at week precision; a season of this year ("this fall") is the year. A count of time the
NER glues on after a comma ("Monday, days" of "on Monday, days after the vote") is not the day's. Durations ("three
weeks", "a year"), decades, recurrences, what is still to come in a period ("later this month")
and anything else come back unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta

PRECISIONS = ("day", "week", "month", "year", "unknown")


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    value: date | None
    precision: str  # one of PRECISIONS; "unknown" iff value is None


UNKNOWN = ResolvedDate(None, "unknown")
TENSES = ("past", "future", "done")  # "done": told in the past tense, so not after publication

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_DAYS_FROM_PUBLICATION = {
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "yesterday": -1,
    "last night": -1,
    "tomorrow": 1,
    "day before yesterday": -2,
    "day after tomorrow": 2,
}

_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>[12]\d{3})"
_ON_WEEKDAY = rf"(?:(?P<named_weekday>{'|'.join(_WEEKDAYS)}),? )?"  # "Tuesday, Sept. 20": the weekday picks the year
_NUMBER = rf"(?P<number>\d{{1,3}}|{'|'.join(NUMBERS)})"
_UNIT = r"(?P<unit>day|week|month|year)s?"
_WHICH = r"(?P<which>last|this|next)"
# A month and day written out ("July 25"), to find inside text the NER tagged as something else.
NAMED_DAY = re.compile(rf"\b(?i:{_MONTH}) {_DAY}\b")
_LEADING_WORDS = re.compile(  # "one" as NER glues the pronoun on: "two outages, one last month"
    r"^(?:(?:on|in|by|since|from|until|over|during|at|into|through|throughout|the|earlier|early|one(?= (?:last|this) )"
    r"|late|mid|(?:end|beginning|start|middle) of|(?:morning|afternoon|evening|night) of|nearly|almost|about|around"
    r"|roughly|some|just|(?:more|less) than) )+"
)
# A count of time the NER glues onto a day after a comma ("Monday, days after the vote"): not the day's.
_TRAILING_COUNT = re.compile(r",\s*(?:(?:a|an|a few|several|\d+|[a-z]+)\s+)?(?:hours|days|weeks|months|years)$")
_SEASON_NAMES = "spring|summer|fall|autumn|winter"
_SEASONS = rf"(?:{_SEASON_NAMES})"
_MID = re.compile(r"^mid-(?=[a-z]{3}|[12]\d{3})")  # "mid-October" is October, "mid-2018" is 2018
_SEASON_ENDS = {"spring": 5, "summer": 8, "fall": 11, "autumn": 11}  # the month each season ends in
# The story's day, named again: "later in the day", "(earlier in) the day", "that night", "the same day".
_SAME_DAY = re.compile(r"(?:later (?:in |on )?)?(?:that |the |same |in the )*(?:day|night|morning|afternoon|evening)")
# The day after or before the story's day: "the next morning", "the following day", "the previous night".
_DAY_BESIDE = re.compile(r"(?:the )?(?P<which>next|following|previous|prior) (?:day|night|morning|afternoon|evening)")
# The story's week, month or year named again, or the one after or before it: "that year", "later that
# month", "the following week", "the previous year" ("the year before" is as often before another thing).
_PERIOD_OF_THE_STORY = re.compile(r"(?:(?:later|earlier) (?:in )?)?(?:that|(?:the )?same) (?P<unit>week|month|year)")
_PERIOD_BESIDE = re.compile(
    r"(?:the )?(?P<which>following|previous|prior) (?P<unit>week|month|year)"
)  # "next year": publication's
_FINER = {"week": ("day", "week"), "month": ("day", "week", "month"), "year": ("day", "week", "month", "year")}
_WEEKDAY_REACH = timedelta(days=200)
_TIME_OF_DAY = re.compile(r"\s+(?:night|morning|afternoon|evening)$")


def _month(match: re.Match[str]) -> int:
    return _MONTHS.index(match["month"][:3]) + 1


def _day(match: re.Match[str], published: date, tense: str) -> ResolvedDate:
    month, day = _month(match), int(match["day"])
    if match["year"]:
        return ResolvedDate(date(int(match["year"]), month, day), "day")
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        with suppress(ValueError):  # February 29 exists in leap years only
            candidates.append(date(year, month, day))
    if tense == "done":  # "was arrested on May 16" is a May 16 gone by, however near the next one is
        candidates = [c for c in candidates if c <= published + timedelta(days=1)] or candidates
    if match["named_weekday"]:
        # "Monday, May 11": the year in which May 11 is a Monday, within reach of publication
        # (a wrong weekday must not move the date a year away)
        weekday = _WEEKDAYS.index(match["named_weekday"])
        reachable = [c for c in candidates if c.weekday() == weekday and abs(c - published) <= _WEEKDAY_REACH]
        candidates = reachable or candidates
    # min() of no candidates raises ValueError too, which makes the expression unknown
    return ResolvedDate(
        min(
            candidates,
            key=lambda candidate: (
                abs(candidate - published),
                candidate < published if tense == "future" else candidate > published,
            ),
        ),
        "day",
    )


def _month_of_year(match: re.Match[str], published: date, tense: str) -> ResolvedDate:
    month = _month(match)
    if match["year"]:
        year = int(match["year"])
    elif tense == "future":
        year = published.year + (month < published.month)
    else:
        year = published.year - (month > published.month)
    return ResolvedDate(date(year, month, 1), "month")


def _month_of_named_year(match: re.Match[str], published: date, tense: str) -> ResolvedDate:
    """ "May this year", "March last year"."""
    year = published.year + ("last", "this", "next").index(match["which"]) - 1
    return ResolvedDate(date(year, _month(match), 1), "month")


def _month_named_by_which(match: re.Match[str], published: date, tense: str) -> ResolvedDate:
    """ "last March": the last March strictly before the publication month, as "last Tuesday" is before
    its day; "next March" strictly after it; "this March" as a bare month, by the tense."""
    month, which = _month(match), match["which"]
    if which == "this":
        forward = tense == "future"
        year = published.year + (month < published.month) if forward else published.year - (month > published.month)
    elif which == "last":
        year = published.year - (month >= published.month)
    else:
        year = published.year + (month <= published.month)
    return ResolvedDate(date(year, month, 1), "month")


def _shifted(published: date, unit: str, shift: int) -> ResolvedDate:
    """The day, week, month or year `shift` units from the publication date's."""
    if unit == "day":
        return ResolvedDate(published + timedelta(days=shift), "day")
    if unit == "week":
        return ResolvedDate(published - timedelta(days=published.weekday()) + timedelta(weeks=shift), "week")
    if unit == "month":
        index = published.year * 12 + published.month - 1 + shift
        return ResolvedDate(date(index // 12, index % 12 + 1, 1), "month")
    return ResolvedDate(date(published.year + shift, 1, 1), "year")


def _counted(match: re.Match[str], published: date, tense: str) -> ResolvedDate:
    if match["direction"] == "later" and tense != "future":
        return UNKNOWN  # "was freed two weeks later" counts from the story's earlier event, not from publication
    number = match["number"]
    count = int(number) if number.isdigit() else NUMBERS[number]
    return _shifted(published, match["unit"], -count if match["direction"] in ("ago", "earlier") else count)


def _weekday(match: re.Match[str], published: date, tense: str) -> ResolvedDate:
    which, weekday = match["which"], _WEEKDAYS.index(match["weekday"])
    forward = which == "next" or (which != "last" and tense == "future")
    gap = (weekday - published.weekday()) % 7 if forward else (published.weekday() - weekday) % 7
    if gap == 0 and which in ("last", "next"):
        gap = 7
    return ResolvedDate(published + timedelta(days=gap if forward else -gap), "day")


def _iso(match: re.Match[str], published: date, tense: str) -> ResolvedDate:
    return ResolvedDate(date(int(match["year"]), int(match["month"]), int(match["day"])), "day")


def _year(match: re.Match[str], published: date, tense: str) -> ResolvedDate:
    return ResolvedDate(date(int(match["year"]), 1, 1), "year")


def _last_this_next(match: re.Match[str], published: date, tense: str) -> ResolvedDate:
    return _shifted(published, match["unit"], ("last", "this", "next").index(match["which"]) - 1)


def _weekend(match: re.Match[str], published: date, tense: str) -> ResolvedDate:
    """The Saturday of the last weekend before the publication day (or of its own, on a Sunday)."""
    gap = (published.weekday() - 5) % 7 or (7 if published.weekday() == 5 else 0)
    return ResolvedDate(published - timedelta(days=gap), "week")


def _season(match: re.Match[str], published: date, tense: str) -> ResolvedDate:
    return ResolvedDate(date(published.year, 1, 1), "year")


def _last_season(match: re.Match[str], published: date, tense: str) -> ResolvedDate:
    """ "last summer": the year of the last such season over before the publication month (a winter
    spans two years: unknown)."""
    last_month = _SEASON_ENDS.get(match["season"])
    if last_month is None:
        return UNKNOWN
    return ResolvedDate(date(published.year - (published.month <= last_month), 1, 1), "year")


def _season_of_year(match: re.Match[str], published: date, tense: str) -> ResolvedDate:
    return ResolvedDate(date(int(match["year"]), 1, 1), "year")


_DURATION = re.compile(
    rf"(?:for )?(?:(?:the )?(?:past |last |next |first )?(?:{'|'.join(NUMBERS)}|\d+|several|many|few|some|a few)? ?)?"
    r"(?:hour|day|week|month|year|decade)s?(?: long)?"
)


def is_duration(expression: str) -> bool:
    """Whether an expression only measures time ("weeks", "seven years", "the past two months"): no
    day, month or year it happened in."""
    text = _normal(expression)
    return bool(_DURATION.fullmatch(text)) and resolve_date(text, date(2000, 1, 1)).value is None


def _period_of(anchor: ResolvedDate | None, unit: str, shift: int) -> ResolvedDate:
    """The week, month or year of the story's date `anchor`, shifted by `shift` of them; unknown
    without an anchor at least that precise ("that month" after "in 2015" tells no month)."""
    if anchor is None or anchor.value is None or anchor.precision not in _FINER[unit]:
        return UNKNOWN
    return _shifted(anchor.value, unit, shift)


def needs_anchor(expression: str) -> bool:
    """Whether an expression counts from the story's earlier date ("two days later", "that night")."""
    text = _normal(expression)
    return text.endswith(" later") or any(
        pattern.fullmatch(text) for pattern in (_SAME_DAY, _DAY_BESIDE, _PERIOD_OF_THE_STORY, _PERIOD_BESIDE)
    )


def is_same_day(expression: str) -> bool:
    """Whether an expression names the story's day again ("that night", "the day's", "later that day")."""
    return bool(_SAME_DAY.fullmatch(_normal(expression)))


def _normal(expression: str) -> str:
    text = _TRAILING_COUNT.sub("", " ".join(expression.lower().split()))
    return _MID.sub("", _LEADING_WORDS.sub("", text.strip(" .,;:!?'\"()")))


_Resolver = Callable[[re.Match[str], date, str], ResolvedDate]
_PATTERNS: tuple[tuple[re.Pattern[str], _Resolver], ...] = (  # tried in order; the first full match decides
    (re.compile(r"(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)"), _iso),
    (re.compile(rf"{_ON_WEEKDAY}{_MONTH} {_DAY}(?:,? {_YEAR})?"), _day),
    (re.compile(rf"{_ON_WEEKDAY}{_DAY} (?:of )?{_MONTH}(?:,? {_YEAR})?"), _day),
    (re.compile(rf"{_MONTH}(?:,? {_YEAR})?"), _month_of_year),
    (re.compile(rf"{_MONTH},? {_WHICH} year"), _month_of_named_year),
    (re.compile(rf"{_WHICH} {_MONTH}"), _month_named_by_which),
    (re.compile(_YEAR), _year),
    (re.compile(rf"{_NUMBER} {_UNIT} (?P<direction>ago|earlier|later|from now)"), _counted),
    (re.compile(rf"(?:(?:early|late) )?{_WHICH} (?P<unit>week|month|year)"), _last_this_next),
    (re.compile(r"(?:this |last |this past )?weekend"), _weekend),
    (re.compile(rf"this {_SEASONS}"), _season),
    (re.compile(rf"(?:last|this past) (?P<season>{_SEASON_NAMES})"), _last_season),
    (re.compile(rf"{_SEASONS}(?: of|,)? {_YEAR}"), _season_of_year),
    (re.compile(rf"(?:{_WHICH} )?(?P<weekday>{'|'.join(_WEEKDAYS)})"), _weekday),
)


def resolve_date(
    expression: str, published: date, tense: str = "past", anchor: ResolvedDate | None = None
) -> ResolvedDate:
    """Resolve a date expression found in an article (as spaCy's DATE entity text gives it) against
    the article's publication date; `tense` (from the sentence's verb: "future", "done" for a clause
    told in the past tense, else "past") decides weekday names, bare month names and a year-less
    day's year; "two months later" and "later that day" count from
    `anchor`, the story's earlier date, where there is one. See the module docstring for the rules."""
    if tense not in TENSES:
        raise ValueError(f"tense must be one of {TENSES}, not {tense!r}")
    text = _normal(expression)
    if anchor is not None and anchor.value is not None and text.endswith(" later"):
        return resolve_date(text, anchor.value, "future")
    if _SAME_DAY.fullmatch(text):
        return anchor if anchor is not None and anchor.precision == "day" else UNKNOWN
    if period := _PERIOD_OF_THE_STORY.fullmatch(text):
        return _period_of(anchor, period["unit"], 0)
    if period := _PERIOD_BESIDE.fullmatch(text):
        return _period_of(anchor, period["unit"], 1 if period["which"] == "following" else -1)
    if step := _DAY_BESIDE.fullmatch(text):
        if anchor is None or anchor.precision != "day":
            return UNKNOWN
        return ResolvedDate(anchor.value + timedelta(days=1 if step["which"] in ("next", "following") else -1), "day")
    if text in _DAYS_FROM_PUBLICATION:
        return ResolvedDate(published + timedelta(days=_DAYS_FROM_PUBLICATION[text]), "day")
    text = _TIME_OF_DAY.sub("", text)  # "Monday night" is Monday
    for pattern, resolver in _PATTERNS:
        if match := pattern.fullmatch(text):
            try:
                return resolver(match, published, tense)
            except ValueError:  # no such day: "Feb. 30", "2016-13-01"
                return UNKNOWN
    return UNKNOWN
