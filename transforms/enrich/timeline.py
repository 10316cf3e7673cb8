"""The date context of each event sentence: when the story has set its clauses told in the past.

A reader dates "Police arrested him" by what came before: the last day an earlier sentence of the
paragraph gave ("On Friday, June 7, thieves raided a depot ... Police arrested two"; not a
thing's date, "in a June 7 letter"), else the date
the previous paragraph opens with ("In May, ...", or in the phrase of time or occasion it opens
with, "At the council meeting on Tuesday, ...": a frame for the paragraph after it; a date inside
a paragraph is only its own), else the story's news day, the day its lead says the news happened
("... said on Tuesday"). A story told before the article names its day ("The next morning,
police arrested him" with no date before it, "... on Saturday, Nov. 11" further on) is of that
day, from the paragraph that counts from it to where the day is named. A sentence that opens with
a word going on with the previous sentence's story ("But", "Then") takes that sentence's last date,
across a paragraph's end and of any precision. A date carried is read as one gone by (the context
dates only clauses told in the past: "crossed on May 16. Guards arrested him", published in March,
is last year's May 16), unless its sentence tells of now or of a plan before it ("is set for May
16"). event_dates.py uses the
context only for a clause told in the past with no date of its own. "That day", "the day's
hearing" point back further: to the last day of the news week the story named before the
sentence, wherever in the article ("testified on Tuesday ... [two paragraphs on] followed
the day's testimony on the radio").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice

from spacy.tokens import Doc, Span

from winnow.transforms.enrich.dates import NAMED_DAY, UNKNOWN, ResolvedDate, resolve_date
from winnow.transforms.enrich.factuality import FUTURE, PLAN_WORDS, inside_quotes

LEAD_BLOCKS = 3  # the lead: the first blocks of text (a standfirst, the dateline's paragraph, the next)
BLOCK = re.compile(r"[^\n]*\S[^\n]*")
NEWS_DAYS = 7  # a lead's day further back than a week is background, not the news
COUNTING_FROM_A_DAY = re.compile(  # "later that evening", "the next morning": a day the story has set
    r"\b(?:that (?:same )?|the (?:next|following) )(?:day|night|morning|afternoon|evening)\b", re.I
)
# A phrase of time or occasion a paragraph opens with, up to its comma: "At the council meeting on
# Tuesday," "After a short hearing in May,"
OPENING_PHRASE = re.compile(r"(?:In|On|At|During|After|Following)\b[^,.;:\n]{0,80},")
OPENING_CHARACTERS = 8  # how far into a paragraph its opening date starts ("In May", "On Saturday,")
# A year after a possessive, at the end of a name the NER tagged ("Dale's 2016" as a person).
POSSESSED_YEAR = re.compile(r"(?<=['’]s )(?:1[89]|20)\d\d$")
# Words a sentence opens with that go on with the previous sentence's story, in its time.
CONTINUING = frozenset("but then".split())
# Words before a date in its sentence that tell of now or of a plan ("is set for May 16").
NOW_OR_PLANNED = FUTURE | PLAN_WORDS | frozenset("is are am 's set scheduled planned".split())
# Words before a date that make it a thing's ("a Feb. 12 letter", "its May 3 ruling").
THING_DETERMINERS = frozenset("a an the its his her their our this that".split())


@dataclass(frozen=True, slots=True)
class DateContext:
    frame: ResolvedDate  # the date a clause told in the past with none of its own takes
    last_day: ResolvedDate  # the last day of the news week named before the sentence: what "that day" is


NO_CONTEXT = DateContext(UNKNOWN, UNKNOWN)


def date_contexts(
    sentences: list[Span], body: Doc, published: date | None, quoted: list[tuple[int, int]]
) -> list[DateContext]:
    """Each sentence's date context (see the module docstring); `quoted`: the character ranges of
    the body inside quotation marks (factuality.quoted_ranges)."""
    if published is None:
        return [NO_CONTEXT for _ in sentences]
    # Each date the text gives, resolved once for the article in its sentence's tense ("will play
    # on Sunday" is the Sunday to come): every sentence looks back at them.
    expressions = date_entities(body)
    dates = [
        (e.start_char, resolve_date(e.text, published, "future" if _told_ahead(e) else "past")) for e in expressions
    ]
    # The frame dates only a clause told in the past, so a date it carries is one gone by: "crossed on
    # May 16. Guards arrested him", published in March, is last year's May 16, not the nearest one.
    framing = [
        (start, resolve_date(e.text, published, "done") if _framed_as_done(e) else when)
        for (start, when), e in zip(dates, expressions)
    ]
    clause_dates = [  # a thing's date ("in a Feb. 12 letter") dates that thing, not the clauses after it
        d for d, e in zip(framing, expressions) if not _of_a_thing(e)
    ]
    news = news_day(body, dates, published)
    before, story_day, named_at = _story_day_told_later(body, dates, published, quoted)
    days = [  # the story's days of the news week: an older day is background of another thread
        (start, when) for start, when in dates if when.precision == "day" and _in_news_week(when, published)
    ]
    return [
        DateContext(
            _continued_date(s, body, clause_dates, published)
            or _paragraph_date(s, body, clause_dates, published)
            or _opening_date(s, body, framing, published)
            or (story_day if before <= s.start_char < named_at else news),
            next((w for start, w in reversed(days) if start < s.start_char), UNKNOWN),
        )
        for s in sentences
    ]


def date_entities(doc: Doc) -> list[Span]:
    """The DATE entities of a text, and each day written out inside another entity, or a year after
    its possessive: the NER can tag a possessive and the date after it as one name ("the mayor’s May
    3" as an organisation, "Dale's 2016" as a person)."""
    swallowed = [
        doc.char_span(e.start_char + m.start(), e.start_char + m.end(), label="DATE")
        for e in doc.ents
        if e.label_ != "DATE"
        for pattern in (NAMED_DAY, POSSESSED_YEAR)
        for m in pattern.finditer(e.text)
        if m.group()[0].isupper() or m.group()[0].isdigit()  # "May 3", not "may 3"
    ]
    dated = [e for e in doc.ents if e.label_ == "DATE"] + [s for s in swallowed if s is not None]
    return sorted(dated, key=lambda e: e.start)


def news_day(body: Doc, dates: list[tuple[int, ResolvedDate]], published: date) -> ResolvedDate:
    """The first day the lead names within the week before publication, else UNKNOWN: news of the
    publication day itself is what `reported` already says. `dates`: where each date the text gives
    starts, and what it resolves to."""
    lead_end = _lead_end(body.text)
    for _, when in (d for d in dates if d[0] < lead_end):
        if when.precision == "day" and _in_news_week(when, published):
            return when if when.value < published else UNKNOWN
    return UNKNOWN


def _story_day_told_later(
    body: Doc, dates: list[tuple[int, ResolvedDate]], published: date, quoted: list[tuple[int, int]]
) -> tuple[int, ResolvedDate, int]:
    """A story told before the article names its day: a time that counts from a day ("Later that
    evening", "the next morning") with no date before it tells the story of the first day the article
    names after it ("... on Saturday, Nov. 11"), from that time's paragraph to where the day is named.
    Where the paragraph starts, the day and where it is named; an empty stretch if there is none.
    The words decide, not NER, which often misses such a time."""
    counting = next(
        (m.start() for m in COUNTING_FROM_A_DAY.finditer(body.text) if not inside_quotes(m.start(), quoted)),
        None,
    )
    if counting is None or any(start < counting and when.value for start, when in dates):
        return 0, UNKNOWN, 0
    named = next(
        (
            (start, when)
            for start, when in dates
            if start > counting and when.precision == "day" and when.value < published
        ),
        None,
    )
    if named is None:
        return 0, UNKNOWN, 0
    return body.text.rfind("\n", 0, counting) + 1, named[1], named[0]


def _in_news_week(when: ResolvedDate, published: date) -> bool:
    return published - timedelta(days=NEWS_DAYS) <= when.value <= published


def _continued_date(
    sentence: Span, body: Doc, dates: list[tuple[int, ResolvedDate]], published: date
) -> ResolvedDate | None:
    """The last date of the previous sentence, of any precision, if the sentence opens with a word
    that goes on with that sentence's story ("He flew home in September.\nBut police arrested him at
    the airport"): across a paragraph's end too, where no other date of the previous paragraph is
    carried, and a month or a year too, which the paragraph's own dating leaves out."""
    if sentence[0].lower_ not in CONTINUING:
        return None
    previous = next((t.sent for t in reversed(body[: sentence.start]) if not t.is_space), None)
    if previous is None:
        return None
    told = [when for start, when in dates if previous.start_char <= start < previous.end_char]
    last = next((when for when in reversed(told) if when.value is not None), None)
    return last if last is not None and last.value <= published else None


def _paragraph_date(
    sentence: Span, body: Doc, dates: list[tuple[int, ResolvedDate]], published: date
) -> ResolvedDate | None:
    """The last date an earlier sentence of the same paragraph gave, if it is not after publication;
    UNKNOWN if that date is vaguer than a day ("vetoed it last week; she criticised the veto" tells
    no more when she did)."""
    block_start = body.text.rfind("\n", 0, sentence.start_char) + 1
    for _, when in reversed([d for d in dates if block_start <= d[0] < sentence.start_char]):
        if when.value is not None and when.value <= published:
            return when if when.precision == "day" else UNKNOWN
    return None


def _opening_date(
    sentence: Span, body: Doc, dates: list[tuple[int, ResolvedDate]], published: date
) -> ResolvedDate | None:
    """The date the previous paragraph opens with ("In May, travellers were stranded ...", "After
    the vote on Tuesday, ..."): it frames the story told in the past in the paragraph after it."""
    block_start = body.text.rfind("\n", 0, sentence.start_char) + 1
    previous_end = len(body.text[:block_start].rstrip())
    previous_start = body.text.rfind("\n", 0, previous_end) + 1
    opening = next((d for d in dates if previous_start <= d[0] < block_start), None)
    if (
        opening is None
        or opening[0] - previous_start > OPENING_CHARACTERS
        and not _in_opening_phrase(body.text[previous_start:block_start], opening[0] - previous_start)
    ):
        return None
    when = opening[1]
    return when if when.value is not None and when.value < published else None


def _in_opening_phrase(paragraph: str, offset: int) -> bool:
    """Whether `offset` falls in the phrase a paragraph opens with, set off by a comma ("At the
    council meeting on Tuesday, the members ...", "After a short hearing in May, the court ...")."""
    phrase = OPENING_PHRASE.match(paragraph)
    return phrase is not None and offset < phrase.end()


def _of_a_thing(expression: Span) -> bool:
    """Whether a date stands between a determiner or a possessive and the noun it dates ("in a Feb.
    12 letter", "Dale's May 3 ruling"): the date of that thing. The words decide (no parse here)."""
    doc = expression.doc
    if expression.start == 0 or expression.end == len(doc):
        return False
    before, after = doc[expression.start - 1], doc[expression.end]
    return (before.lower_ in THING_DETERMINERS or before.lower_ in ("'s", "’s")) and after.is_alpha and after.is_lower


def _told_ahead(expression: Span) -> bool:
    """Whether a date stands after "will" with no punctuation between ("says she will play on
    Sunday", not "'We will win,' he tweeted on Tuesday"). The article's text is not parsed (only
    its event sentences are), so the words decide."""
    for token in reversed(expression.doc[expression.sent.start : expression.start]):
        if token.is_punct:
            return False
        if token.lower_ in FUTURE:
            return True
    return False


def _framed_as_done(expression: Span) -> bool:
    """Whether a date read for the frame is one gone by: not told ahead, and its sentence tells of
    neither now nor a plan before it ("The hearing is set for May 16", "due in court on May 16"),
    whose day is the nearest one (as read for the story) and so no frame for a clause told in the
    past if it is still to come."""
    before = expression.doc[expression.sent.start : expression.start]
    return not _told_ahead(expression) and not any(t.lower_ in NOW_OR_PLANNED for t in before)


def _lead_end(text: str) -> int:
    """Where the lead's last block of text ends."""
    lead = list(islice(BLOCK.finditer(text), LEAD_BLOCKS))
    return lead[-1].end() if lead else 0
