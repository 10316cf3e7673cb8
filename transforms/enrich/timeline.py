"""The date context of each event sentence: when the story has set its clauses told in the past.

A reader dates "Police arrested him" by what came before: the last day an earlier sentence of the
paragraph gave ("On Friday, June 7, thieves raided a depot ... Police arrested two"), else the date
the previous paragraph opens with ("In May, ...": a frame for the paragraph after it; a date inside
a paragraph is only its own), else the story's news day, the day its lead says the news happened
("... said on Tuesday"). arguments.py uses the context only for a clause told in the past with no
date of its own. "That day", "the day's hearing" point back further: to the last day of the news week the story
named before the sentence, wherever in the article ("testified on Tuesday ... [two paragraphs on] watched
part of the day's testimony").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice

from spacy.tokens import Doc, Span

from winnow.transforms.enrich.dates import UNKNOWN, ResolvedDate, resolve_date

LEAD_BLOCKS = 3  # the lead: the first blocks of text (a standfirst, the dateline's paragraph, the next)
BLOCK = re.compile(r"[^\n]*\S[^\n]*")
NEWS_DAYS = 7  # a lead's day further back than a week is background, not the news
OPENING_CHARACTERS = 8  # how far into a paragraph its opening date starts ("In May", "On Saturday,")


@dataclass(frozen=True, slots=True)
class DateContext:
    frame: ResolvedDate  # the date a clause told in the past with none of its own takes
    last_day: ResolvedDate  # the last day of the news week named before the sentence: what "that day" is


NO_CONTEXT = DateContext(UNKNOWN, UNKNOWN)


def date_contexts(sentences: list[Span], body: Doc, published: date | None) -> list[DateContext]:
    """Each sentence's date context (see the module docstring)."""
    if published is None:
        return [NO_CONTEXT for _ in sentences]
    dates = [e for e in body.ents if e.label_ == "DATE"]
    news = news_day(body, dates, published)
    days = [  # the story's days of the news week: an older day is background of another thread
        (e.start_char, when)
        for e in dates
        if (when := resolve_date(e.text, published)).precision == "day"
        and published - timedelta(days=NEWS_DAYS) <= when.value <= published
    ]
    return [
        DateContext(
            _paragraph_date(s, body, dates, published) or _opening_date(s, body, dates, published) or news,
            next((w for start, w in reversed(days) if start < s.start_char), UNKNOWN),
        )
        for s in sentences
    ]


def news_day(body: Doc, dates: list[Span], published: date) -> ResolvedDate:
    """The first day the lead names within the week before publication, else UNKNOWN: news of the
    publication day itself is what `reported` already says."""
    lead_end = _lead_end(body.text)
    for entity in (e for e in dates if e.start_char < lead_end):
        when = resolve_date(entity.text, published)
        if when.precision == "day" and published - timedelta(days=NEWS_DAYS) <= when.value <= published:
            return when if when.value < published else UNKNOWN
    return UNKNOWN


def _paragraph_date(sentence: Span, body: Doc, dates: list[Span], published: date) -> ResolvedDate | None:
    """The last date an earlier sentence of the same paragraph gave, if it is not after publication;
    UNKNOWN if that date is vaguer than a day ("vetoed it last week; she criticised the veto" tells
    no more when she did)."""
    block_start = body.text.rfind("\n", 0, sentence.start_char) + 1
    for entity in reversed([e for e in dates if block_start <= e.start_char < sentence.start_char]):
        when = resolve_date(entity.text, published)
        if when.value is not None and when.value <= published:
            return when if when.precision == "day" else UNKNOWN
    return None


def _opening_date(sentence: Span, body: Doc, dates: list[Span], published: date) -> ResolvedDate | None:
    """The date the previous paragraph opens with ("In May, travellers were stranded ..."): it
    frames the story told in the past in the paragraph after it."""
    block_start = body.text.rfind("\n", 0, sentence.start_char) + 1
    previous_end = len(body.text[:block_start].rstrip())
    previous_start = body.text.rfind("\n", 0, previous_end) + 1
    opening = next((e for e in dates if previous_start <= e.start_char < block_start), None)
    if opening is None or opening.start_char - previous_start > OPENING_CHARACTERS:
        return None
    when = resolve_date(opening.text, published)
    return when if when.value is not None and when.value < published else None


def _lead_end(text: str) -> int:
    """Where the lead's last block of text ends."""
    lead = list(islice(BLOCK.finditer(text), LEAD_BLOCKS))
    return lead[-1].end() if lead else 0
