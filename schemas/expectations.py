"""The expectation suites: what every batch of each table must satisfy before it is merged.

A suite is data (GX Core expectation class names and their arguments), so it reads like the
DDL beside it and is built without importing Great Expectations; schemas/validate.py runs it.
Each check is either
- "row": the rows that fail it go to `quarantine`, and the rest of the batch is merged, or
- "batch": a failure holds the whole batch back (a changed page layout, a flood of duplicates).
  Its share of rows is lowered in a small batch so that one row alone cannot fail it: one bad
  page is that page's own (its row checks say what), not its neighbours'.
The frames they run on are read from DuckDB by warehouse/validation.py, one per table.
A suite holds only what the config sets, so it stays the same from batch to batch; a value that
moves with each batch (the latest believable publication date, a batch check's share) is a suite
parameter, named by the check and given per batch by `suite_parameters`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta, timezone
from typing import Any

from winnow.schemas.config import ValidationSettings
from winnow.schemas.records import DATE_PRECISIONS, ENTITY_TYPES, EVENT_TYPES

ROW, BATCH = "row", "batch"
URL_REGEX = r"^(?:https?://[^\s/?#]+|file://)[^\s]*$"  # http(s) with a host, or a saved page's file URL
# The fetch log also records what was refused: a redirect to ftp: or gopher: is logged, not fetched.
LOGGED_URL_REGEX = r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$"
FETCH_KINDS = ("page", "rss", "sitemap", "robots")
LOOKAROUND = re.compile(r"\(\?<?[=!][^()]*\)")
CHAFF_ALTERNATION = 40  # phrases per RE2 alternation (see articles_suite)
LATEST_PUBLISHED_AT = "latest_published_at"  # the suite parameter: the batch's tomorrow
COLUMN_ARGUMENTS = ("column", "column_A", "column_B")  # the GX arguments that name one column a check reads


@dataclass(frozen=True, slots=True)
class Check:
    """One expectation of a suite."""

    name: str  # stable, for reports and the quarantine: "url_well_formed"
    level: str  # ROW or BATCH
    expectation: str  # the GX Core expectation class
    kwargs: dict[str, Any] = field(default_factory=dict)
    meaning: str = ""  # in plain words
    parameters: dict[str, str] = field(default_factory=dict)  # argument -> the suite parameter giving its value

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns the check reads."""
        named = tuple(self.kwargs[argument] for argument in COLUMN_ARGUMENTS if argument in self.kwargs)
        return named + tuple(self.kwargs.get("column_list", ()))


@dataclass(frozen=True, slots=True)
class Derived:
    """A column the checks read that the frame's query computes: `sql` with `params`."""

    column: str
    sql: str
    params: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class Suite:
    """The checks of one table's batches; `key` names the columns that identify a row."""

    name: str  # the table's suite, as validation_results reports it: "articles"
    table: str
    key: tuple[str, ...]
    checks: tuple[Check, ...]
    derived: tuple[Derived, ...] = ()
    source: str | None = None  # the source whose own settings make these checks differ; None: the defaults'

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns its checks read, each once."""
        return tuple(dict.fromkeys(column for check in self.checks for column in check.columns))

    @property
    def qualified_name(self) -> str:
        """The name that tells the suite apart from the same table's others: "articles", "articles.news"."""
        return f"{self.name}.{self.source}" if self.source else self.name


def _not_null(column: str) -> Check:
    return Check(
        f"{column}_not_null", ROW, "ExpectColumnValuesToNotBeNull", {"column": column}, f"every row has a {column}"
    )


def _unique(column: str) -> Check:
    return Check(
        f"{column}_unique", ROW, "ExpectColumnValuesToBeUnique", {"column": column}, f"no two rows share a {column}"
    )


def _in_set(column: str, values: tuple | list, meaning: str, name: str | None = None) -> Check:
    return Check(
        name or f"{column}_known",
        ROW,
        "ExpectColumnValuesToBeInSet",
        {"column": column, "value_set": list(values)},
        meaning,
    )


def _url(column: str, regex: str = URL_REGEX, meaning: str = "an absolute http(s) or file URL") -> Check:
    return Check(
        f"{column}_well_formed",
        ROW,
        "ExpectColumnValuesToMatchRegex",
        {"column": column, "regex": regex},
        f"{column} is {meaning}",
    )


def articles_suite(
    settings: ValidationSettings, languages: list[str], chaff_markers: list[str], source: str | None = None
) -> Suite:
    """Articles of one source's batch. `languages`: the source's accepted set (empty: any);
    `chaff_markers`: the chaff detector's strong phrases, as regular expressions; `source`: the
    source these two are its own for (None: the defaults')."""
    floor = datetime.combine(settings.published_floor, time(), timezone.utc)
    checks = [
        _not_null("article_id"),
        _unique("article_id"),
        _url("url"),
        Check(
            "text_length",
            ROW,
            "ExpectColumnValuesToBeBetween",
            {"column": "word_count", "min_value": settings.min_words, "max_value": settings.max_words},
            f"the text has {settings.min_words} to {settings.max_words} words",
        ),
        Check(
            "published_at_believable",
            ROW,
            "ExpectColumnValuesToBeBetween",
            {"column": "published_at", "min_value": floor},
            f"published between {settings.published_floor} and tomorrow",
            {"max_value": LATEST_PUBLISHED_AT},
        ),
        _sparing_one_row(
            Check(
                "title_present",
                BATCH,
                "ExpectColumnValuesToNotBeNull",
                {"column": "title", "mostly": settings.title_mostly},
                f"at least {settings.title_mostly:.0%} of the articles have a title",
            ),
            "mostly",
        ),
        _sparing_one_row(
            Check(
                "duplicate_texts_bounded",
                BATCH,
                "ExpectColumnProportionOfUniqueValuesToBeBetween",
                {"column": "content_hash", "min_value": 1 - settings.max_duplicate_share},
                f"at most {settings.max_duplicate_share:.0%} of the articles repeat another's text",
            ),
            "min_value",
        ),
    ]
    if languages:
        checks.append(_in_set("language", languages, f"the language is one of {', '.join(languages)}"))
    derived = ()
    if chaff_markers:
        # The lexicon's regex list runs in DuckDB's regex engine (RE2): GX's regex-list check ran
        # Python's re once per phrase, 7x slower (bench/README.md). In alternations of a few dozen
        # phrases: one of all of them outgrows RE2's DFA memory, and the slow fallback took 5x as long.
        alternations = chaff_regexes(chaff_markers)
        derived = (
            Derived(
                "chaff_marker", " or ".join("regexp_matches(text, ?, 'i')" for _ in alternations), tuple(alternations)
            ),
        )
        checks.append(
            _sparing_one_row(
                Check(
                    "no_chaff_left",
                    BATCH,
                    "ExpectColumnValuesToBeInSet",
                    {"column": "chaff_marker", "value_set": [False], "mostly": settings.chaff_mostly},
                    f"at least {settings.chaff_mostly:.0%} of the texts hold no chaff detector phrase",
                ),
                "mostly",
            )
        )
    return Suite("articles", "articles", ("article_id",), tuple(checks), derived, source)


def suite_parameters(suite: Suite, now: datetime, rows: int) -> dict[str, Any]:
    """The values of the suite's parameters for a batch of `rows` validated at `now`: tomorrow, and
    each batch check's share at most that of all the rows but one."""
    values: dict[str, Any] = {LATEST_PUBLISHED_AT: now + timedelta(days=1)}
    all_but_one = 1 - 1 / max(rows, 1)
    for check in suite.checks:
        for argument, name in check.parameters.items():
            if name != LATEST_PUBLISHED_AT:
                values[name] = min(check.kwargs[argument], all_but_one)
    return values


def _sparing_one_row(check: Check, share: str) -> Check:
    """`check` with its argument `share` (of the batch's rows) a suite parameter, so that in a
    batch too small for one bad row to meet the setting, that row alone does not hold the batch."""
    return replace(check, parameters={share: f"{check.name}_{share}"})


def chaff_regexes(markers: list[str]) -> list[str]:
    """The markers as RE2 alternations of at most CHAFF_ALTERNATION phrases each. RE2 has no
    lookaround, so a phrase's lookaround (a refinement such as "not followed by a quote") is
    dropped: the check may count a little more."""
    bare = [f"(?:{re.sub(LOOKAROUND, '', marker)})" for marker in markers]
    return ["|".join(bare[i : i + CHAFF_ALTERNATION]) for i in range(0, len(bare), CHAFF_ALTERNATION)]


def pages_suite(settings: ValidationSettings) -> Suite:
    """The pages of one source's batch, each with whether it gave an article that passed."""
    share = 1 - settings.max_failed_share
    return Suite(
        "pages",
        "pages",
        ("url",),
        (
            _sparing_one_row(
                Check(
                    "pages_mostly_loaded",
                    BATCH,
                    "ExpectColumnValuesToBeInSet",
                    {"column": "loaded", "value_set": [True], "mostly": share},
                    f"at least {share:.0%} of the source's pages give an article that passes",
                ),
                "mostly",
            ),
        ),
    )


def fetch_log_suite() -> Suite:
    return Suite(
        "fetch_log",
        "fetch_log",
        ("url", "attempt"),
        (
            _not_null("url"),
            _url("url", LOGGED_URL_REGEX, "an absolute URL (refused schemes are logged too)"),
            Check(
                "attempt_counted",
                ROW,
                "ExpectColumnValuesToBeBetween",
                {"column": "attempt", "min_value": 1},
                "attempts count from 1",
            ),
            Check(
                "status_is_http",
                ROW,
                "ExpectColumnValuesToBeBetween",
                {"column": "status", "min_value": 100, "max_value": 599},
                "a status, when there is one, is HTTP's",
            ),
            Check(
                "sizes_not_negative",
                ROW,
                "ExpectColumnValuesToBeBetween",
                {"column": "bytes", "min_value": 0},
                "no negative body size",
            ),
            _in_set("kind", FETCH_KINDS, f"the kind is one of {', '.join(FETCH_KINDS)}"),
        ),
    )


def entities_suite() -> Suite:
    return Suite(
        "entities",
        "entities",
        ("entity_id",),
        (
            _not_null("entity_id"),
            _unique("entity_id"),
            _not_null("name"),
            _in_set("type", ENTITY_TYPES, f"the type is one of {', '.join(ENTITY_TYPES)}"),
            Check(
                "country_code_iso",
                ROW,
                "ExpectColumnValuesToMatchRegex",
                {"column": "country_code", "regex": r"^[A-Z]{2}$"},
                "a country code is ISO 3166-1 alpha-2",
            ),
        ),
    )


def mentions_suite() -> Suite:
    return Suite(
        "mentions",
        "mentions",
        ("article_id", "entity_id"),
        (
            Check(
                "mention_unique",
                ROW,
                "ExpectCompoundColumnsToBeUnique",
                {"column_list": ["article_id", "entity_id"]},
                "an article mentions an entity in one row",
            ),
            Check(
                "count_positive",
                ROW,
                "ExpectColumnValuesToBeBetween",
                {"column": "count", "min_value": 1},
                "a mention is counted at least once",
            ),
            Check(
                "salience_share",
                ROW,
                "ExpectColumnValuesToBeBetween",
                {"column": "salience", "min_value": 0, "max_value": 1},
                "salience is a share",
            ),
            _in_set("entity_known", [True], "the entity is in entities", name="entity_known"),
        ),
    )


def events_suite() -> Suite:
    return Suite(
        "events",
        "events",
        ("event_id",),
        (
            _not_null("event_id"),
            _unique("event_id"),
            _in_set("event_type", EVENT_TYPES, "the type is in the taxonomy (transforms/enrich/events.yaml)"),
            _in_set("date_precision", DATE_PRECISIONS, f"the precision is one of {', '.join(DATE_PRECISIONS)}"),
            Check(
                "dated_by_publication",
                ROW,
                "ExpectColumnPairValuesAToBeGreaterThanB",
                {
                    "column_A": "latest_allowed_date",
                    "column_B": "event_date",
                    "or_equal": True,
                    "ignore_row_if": "either_value_is_missing",
                },
                "an event is dated no later than the day after its article's publication",
            ),
            _in_set(
                "roles_known", [True], "actor1, actor2 and location, where given, are in entities", name="roles_known"
            ),
            Check(
                "confidence_share",
                ROW,
                "ExpectColumnValuesToBeBetween",
                {"column": "confidence", "min_value": 0, "max_value": 1},
                "confidence is between 0 and 1",
            ),
        ),
    )
