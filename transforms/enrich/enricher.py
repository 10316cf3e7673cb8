"""The enrich stage's work on a batch of articles.

Each article's language is the one its text was told to be at extraction (detected here when not
given, language.py), and the article goes to the spaCy pipeline configured for that language; an
article in a language with none is returned not enriched, with the reason. Per pipeline, two passes over the batch, both with `nlp.pipe`:
NER (only the components it needs) over every title and text, then tagging and dependency
parsing over just the sentences holding an event trigger. The event rules (events.yaml,
roles.yaml, dates.py) are English: in other languages only entities are found. Pure: text in,
records out; each model is loaded once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from spacy.tokens import Doc, Span

from winnow.schemas.config import EnrichOptions
from winnow.schemas.records import EnrichInput, Enrichment
from winnow.transforms.enrich.actors import located_places, person_genders
from winnow.transforms.enrich.credits import credit_ranges, title_without_site
from winnow.transforms.enrich.entities import (
    AliasTable,
    EntityResolver,
    Occurrence,
    entities_and_mentions,
    merge,
    names_only,
    resolved_id,
)
from winnow.transforms.enrich.events import NEGATED_AGREEMENT, ArticleContext, EventExtractor, says_an_obligation
from winnow.transforms.enrich.factuality import quoted_ranges
from winnow.transforms.enrich.geo import gazetteer
from winnow.transforms.enrich.language import detect_language
from winnow.transforms.enrich.occurrences import names_told_again
from winnow.transforms.enrich.pipeline import load_pipeline, merged_aliases, ner_disabled, parse_disabled
from winnow.transforms.enrich.retold import distinct
from winnow.transforms.enrich.surfaces import acronym_definitions, acronyms_of_names, clean_surface
from winnow.transforms.enrich.timeline import DateContext, date_contexts
from winnow.transforms.enrich.triggers import TriggerFinder
from winnow.transforms.hashing import sha256_hex

# Bump when a change to the code would change what is found; stored articles are then enriched again.
RULES_VERSION = 12
EVENT_LANGUAGES = ("en",)  # the languages the event rules are written in
DATELINE = re.compile(r"^([A-Z][A-Za-z .'-]{2,40}?)(?:,\s*[A-Z][\w .]{1,30}?)?\s*(?:\([^)]{1,30}\))?\s*[—–:-]\s", re.M)
DATELINE_BLOCKS = 2  # a dateline opens the first block, or the second after a standfirst


class Enricher:
    """Enriches batches of articles, each with the pipeline of its language."""

    def __init__(self, options: EnrichOptions = EnrichOptions()) -> None:
        self.options = options
        self.aliases = merged_aliases(options.aliases)
        self.resolver = EntityResolver(gazetteer(), AliasTable(self.aliases))

    def enrich(self, articles: list[EnrichInput]) -> list[Enrichment]:
        """The entities, mentions and events of each article, in order. An article whose
        enrichment fails, or whose language has no pipeline, comes back empty with the reason,
        and the others go on."""
        languages = [a.language or detect_language(a.title, a.text) for a in articles]
        results: list[Enrichment | None] = [None] * len(articles)
        for language in dict.fromkeys(languages):
            indexes = [i for i, found in enumerate(languages) if found == language]
            model = self.options.model_for(language)
            batch = [articles[i] for i in indexes]
            found = (
                self.pipeline(language, model).enrich(batch)
                if model
                else [_failed(a, f"no enrich model for language {language!r}", language) for a in batch]
            )
            for index, enrichment in zip(indexes, found):
                results[index] = enrichment
        return results  # type: ignore[return-value]

    def pipeline(self, language: str, model: str) -> LanguageEnricher:
        return _language_enricher(
            model, language, self.aliases, self.options.min_event_confidence, self.options.batch_size
        )


@cache
def _language_enricher(
    model: str, language: str, aliases, min_event_confidence: float, batch_size: int
) -> LanguageEnricher:
    return LanguageEnricher(model, language, aliases, min_event_confidence, batch_size)


class LanguageEnricher:
    """Enriches articles of one language with one loaded pipeline."""

    def __init__(self, model: str, language: str, aliases, min_event_confidence: float, batch_size: int) -> None:
        self.language = language
        self.nlp = load_pipeline(model, aliases)
        self.resolver = EntityResolver(gazetteer(), AliasTable(aliases))
        self.min_event_confidence = min_event_confidence
        self.batch_size = batch_size
        self.finder = TriggerFinder(self.nlp) if language in EVENT_LANGUAGES else None
        self.extractor = EventExtractor(self.finder) if self.finder else None

    def enrich(self, articles: list[EnrichInput]) -> list[Enrichment]:
        titles = [title_without_site(a.title) or "" for a in articles]
        docs = list(
            self.nlp.pipe(
                titles + [a.text for a in articles], disable=ner_disabled(self.nlp), batch_size=self.batch_size
            )
        )
        work = [
            self._names(article, title, body)
            for article, title, body in zip(articles, docs[: len(articles)], docs[len(articles) :])
        ]
        sentence_docs = [sentence.as_doc() for item in work for sentence in item.sentences]
        parsed = (
            list(self.nlp.pipe(sentence_docs, disable=parse_disabled(self.nlp), batch_size=self.batch_size * 4))
            if sentence_docs
            else []
        )
        results, position = [], 0
        for item in work:
            parses = parsed[position : position + len(item.sentences)]
            position += len(item.sentences)
            results.append(
                _guarded(item.article, self.language, lambda: self._found(item, parses))
                if item.error is None
                else _failed(item.article, item.error, self.language)
            )
        return results

    def _names(self, article: EnrichInput, title: Doc, body: Doc) -> _Work:
        """The article's resolved names and the sentences holding a trigger (to be parsed)."""
        try:
            names = [clean_surface(e.text) for e in body.ents if e.label_ == "ORG"]
            acronyms = acronyms_of_names(article.text, names) | acronym_definitions(article.text)
            credits = credit_ranges(article.text)
            body_names = [
                o
                for o in self.resolver.occurrences(body, False, acronyms)
                if not any(low <= o.start < high for low, high in credits)
            ]
            occurrences = names_only(merge(self.resolver.occurrences(title, True, acronyms) + body_names), article.text)
            occurrences = [o for o in occurrences if o.in_title] + sorted(
                [o for o in occurrences if not o.in_title] + names_told_again(occurrences, article.text),
                key=lambda o: o.start,
            )
            if self.finder is None:
                return _Work(article, occurrences, [], {}, credits)
            acronym_kinds = self.finder.acronym_kinds(acronyms)
            sentences = [span.sent for span in self.finder.find(body)]
            sentences += [
                token.sent for token in body if token.text in acronym_kinds or token.lower_ in NEGATED_AGREEMENT
            ]
            sentences += [s for s in body.sents if says_an_obligation(s)]  # "said Norway must lift ..."
            sentences = [
                s for s in dict.fromkeys(sentences) if not any(low <= s.start_char < high for low, high in credits)
            ]
            sentences = _without_dateline(sentences, body)
            quoted = quoted_ranges(article.text)
            dates = date_contexts(sentences, body, article.published, quoted)
            genders = person_genders(body, occurrences, quoted)
            return _Work(article, occurrences, sentences, acronym_kinds, credits, quoted, dates, genders)
        except Exception as error:  # noqa: BLE001 - one article's failure must not lose the batch
            return _Work(article, [], [], {}, [], error=_reason(error))

    def _found(self, item: _Work, parses: list[Doc]) -> Enrichment:
        article = item.article
        extra: list[Occurrence] = []
        events = []
        if self.extractor is not None:
            dateline = _dateline(article.text, item.occurrences)
            context = ArticleContext(
                article.article_id,
                article.published,
                item.occurrences,
                gazetteer(),
                self.min_event_confidence,
                item.acronym_kinds,
                item.quoted,
                dateline,
                located_places(article.text, item.occurrences, dateline),
                item.genders,
                article.text,
            )
            events = [
                event
                for sentence, parse, when in zip(item.sentences, parses, item.dates)
                for event in self.extractor.events(context, sentence, parse, extra, when)
            ]
        lead_end = article.text.find("\n") % (len(article.text) + 1)
        entities, mentions = entities_and_mentions(article.article_id, item.occurrences + extra, lead_end)
        return Enrichment(
            article.article_id,
            article.content_hash,
            tuple(entities),
            tuple(mentions),
            tuple(distinct(events)),
            language=self.language,
        )


@dataclass(slots=True)
class _Work:
    """One article between the NER pass and the parse pass."""

    article: EnrichInput
    occurrences: list[Occurrence]
    sentences: list[Span]
    acronym_kinds: dict
    credits: list[tuple[int, int]]
    quoted: list[tuple[int, int]] = field(default_factory=list)  # character ranges inside quotation marks
    dates: list[DateContext] = field(default_factory=list)  # each sentence's date context (timeline.py)
    genders: dict[str, str] = field(default_factory=dict)  # people the article tells the gender of
    error: str | None = None


def _dateline_match(text: str) -> tuple[int, re.Match[str]] | None:
    """Where the dateline's block starts, and the dateline ("OSLO, Norway (AP) — ") there."""
    start = 0
    for _ in range(DATELINE_BLOCKS):
        if match := DATELINE.match(text, start):
            return start, match
        start = text.find("\n", start) + 1
        if start == 0:
            return None
    return None


def _dateline(text: str, occurrences: list[Occurrence]) -> str | None:
    """The place an article is datelined from ("OSLO, Norway —"), if NER named it."""
    found = _dateline_match(text)
    if found is None:
        return None
    start, match = found
    return next(
        (
            resolved_id(o.resolved)
            for o in occurrences
            if not o.in_title and start <= o.start < match.end(1) and o.resolved.type == "place"
        ),
        None,
    )


def _without_dateline(sentences: list[Span], body: Doc) -> list[Span]:
    """The sentences with the dateline cut off the one it opens: parsed with the sentence, a
    dateline's place becomes its subject."""
    found = _dateline_match(body.text)
    if found is None:
        return sentences
    end = found[1].end()
    return [
        body.char_span(end, s.end_char, alignment_mode="expand") or s if s.start_char < end < s.end_char else s
        for s in sentences
    ]


def _guarded(article: EnrichInput, language: str, work) -> Enrichment:
    try:
        return work()
    except Exception as error:  # noqa: BLE001 - one article's failure must not lose the batch
        return _failed(article, _reason(error), language)


def _failed(article: EnrichInput, reason: str, language: str | None) -> Enrichment:
    return Enrichment(article.article_id, article.content_hash, (), (), (), error=reason, language=language)


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]


@cache
def enricher(options: EnrichOptions) -> Enricher:
    """One Enricher per process and options: loading a model takes seconds."""
    return Enricher(options)


def enrich_batch(articles: list[EnrichInput], options: EnrichOptions) -> list[Enrichment]:
    """Enrich a batch with this process's Enricher for `options`."""
    return enricher(options).enrich(articles)


def enrich_version(options: EnrichOptions) -> str:
    """Names the enrichment: the models, and a hash of the rules, taxonomy, role and alias tables.
    An article enriched under another version is enriched again."""
    package = resources.files(__package__)
    rules = "\x1f".join(
        [
            str(RULES_VERSION),
            repr(options.aliases),
            str(options.min_event_confidence),
            *(package.joinpath(name).read_text("utf-8") for name in ("events.yaml", "roles.yaml", "aliases.yaml")),
        ]
    )
    models = ",".join(f"{language}={model}" for language, model in options.models)
    return f"{models}:{sha256_hex(rules)[:12]}"
