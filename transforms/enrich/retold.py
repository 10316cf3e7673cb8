"""One event per happening: an article tells the same arrest or the same deal more than once, in
its lead, its body and its background, and each telling gives the event's parts it knows."""

from __future__ import annotations

from winnow.schemas.records import Event
from winnow.transforms.enrich.triggers import taxonomy

PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "reported": 4, "unknown": 5}
# Saying, meeting, protesting and violence to people are retold in other words ("said", "testified";
# "met", "talks"; "led a march to protest"; "abducted", "snatched"); the steps of
# other happenings have words of their own ("charged", then "sentenced", even on one day).
RETOLD_IN_OTHER_WORDS = {"statement", "consult", "protest", "assault"}
STEM = 4  # letters two forms of one word share ("arrest", "arrested"; "kidnap", "kidnapping")


def distinct(events: list[Event]) -> list[Event]:
    """One event per happening. Events of one type with the same actors and places (one missing on
    one side counting as the same) and compatible dates (equal, or one of them only `reported`) are
    told twice: the best dated, then the most confident, then the first is kept. Two events on
    different days stay two, and so do two told by different words, even on one day (charged, then
    jailed, on a Friday), unless they are statements, meetings, protests or assaults, or the words
    are of one deed (events.yaml's `retellings`: "detained", "arrested"). Where one
    telling has no time of its own and the same one is named on a side, an unnamed other side named
    by another word of the same kind ("a boy", "the victim"; "officers", "police") is the
    same: two unnamed people of one kind with no one named the same stay two. A country is the same
    side as one who acts for it by title ("the call with Norway", "with Norwegian Prime Minister
    Hartley"). Two of one type with no one named on either side are one only if one sentence tells
    both, at one place and date."""
    kept: list[Event] = []
    for event in sorted(events, key=lambda e: (PRECISION_RANK[e.date_precision], -e.confidence, e.sentence_offset)):
        if not any(_same_happening(event, other) for other in kept):
            kept.append(event)
    return sorted(kept, key=lambda e: (e.sentence_offset, e.trigger))


def _same_happening(a: Event, b: Event) -> bool:
    if a.event_type != b.event_type:
        return False
    sides = [
        (a.actor1 or a.actor1_role, b.actor1 or b.actor1_role),
        (a.actor2 or a.actor2_role, b.actor2 or b.actor2_role),
    ]
    if all(x is None and y is None for x, y in sides):  # no one named: one sentence's "complaints and outrage"
        return a.sentence_offset == b.sentence_offset and (a.location, a.event_date) == (b.location, b.event_date)
    if not any(x is not None and x == y for x, y in sides):
        return False
    named = [(a.actor1, b.actor1), (a.actor2, b.actor2)]
    if _one_undated(a, b) and any(x is not None and x == y for x, y in named):
        # the same one named on a side, and a retelling names the other, unnamed, its own way: "the
        # boy", "the victim"; "officers", "police"
        sides = [
            (x, y) if _kind(a, side) is None or _kind(a, side) != _kind(b, side) else (x, x)
            for side, (x, y) in enumerate(sides, 1)
        ]
    compared = [sides[0], (a.location, b.location)] + ([] if _for_its_country(a, b) else [sides[1]])
    if any(x is not None and y is not None and x != y for x, y in compared):
        return False
    dated = [e for e in (a, b) if e.date_precision not in ("reported", "unknown")]
    if len(dated) == 2 and a.event_date != b.event_date:
        return False
    return a.event_type in RETOLD_IN_OTHER_WORDS or _one_deed(a.event_type, a.trigger.lower(), b.trigger.lower())


def _one_deed(event_type: str, a: str, b: str) -> bool:
    """Whether two triggers of a type tell one deed: forms of one word ("arrest", "arrested"), or
    words events.yaml groups as one deed ("detained", "arrested")."""
    return a[:STEM] == b[:STEM] or any(a in group and b in group for group in taxonomy()[event_type].retellings)


def _one_undated(a: Event, b: Event) -> bool:
    """Whether one of two tellings has no time of its own and the other has one."""
    return sum(e.date_precision in ("reported", "unknown") for e in (a, b)) == 1


def _kind(event: Event, side: int) -> str | None:
    """The kind of actor an unnamed side is ("CVL" for "a boy", "COP" for "officers"); None for a
    named one."""
    named, kind = (event.actor1, event.actor1_type) if side == 1 else (event.actor2, event.actor2_type)
    return kind if named is None else None


def _for_its_country(a: Event, b: Event) -> bool:
    """Whether one event's actor2 is a country and the other's someone acting for it, by title
    ("the talks with Norway", "the talks with Norwegian Prime Minister Lena Hartley")."""
    return any(
        x.actor2_role is None
        and y.actor2_role is not None
        and x.actor2_country
        and x.actor2_country == y.actor2_country
        for x, y in ((a, b), (b, a))
    )
