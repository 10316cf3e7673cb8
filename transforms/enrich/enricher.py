"""The enrich stage's work on a batch of articles.

Two passes over a batch, both with `nlp.pipe`: NER (only the components it needs) over every
title and text, then tagging and dependency parsing over just the sentences holding an event
trigger. Pure: text in, records out; the model is loaded once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from spacy.tokens import Doc, Span

from schemas.records import EnrichInput, EnrichOptions, Enrichment, Event
from transforms.enrich.entities import (AliasTable, EntityResolver, Occurrence, acronym_definitions,
                                        entities_and_mentions, merge)
from transforms.enrich.events import ArticleContext, EventExtractor, TriggerFinder
from transforms.enrich.geo import gazetteer
from transforms.enrich.pipeline import load_pipeline, merged_aliases, ner_disabled, parse_disabled
from transforms.hashing import sha256_hex

# Bump when a change to the code would change what is found; stored articles are then enriched again.
RULES_VERSION = 2


class Enricher:
    """Enriches batches of articles with one loaded model and alias table."""

    def __init__(self, options: EnrichOptions = EnrichOptions()) -> None:
        self.options = options
        aliases = merged_aliases(options.aliases)
        self.nlp = load_pipeline(options.model, aliases)
        self.resolver = EntityResolver(gazetteer(), AliasTable(aliases))
        self.extractor = EventExtractor(TriggerFinder(self.nlp))

    def enrich(self, articles: list[EnrichInput]) -> list[Enrichment]:
        """The entities, mentions and events of each article, in order. An article whose
        enrichment fails comes back empty, with the error, and the others go on."""
        texts = [a.title or "" for a in articles] + [a.text for a in articles]
        docs = list(self.nlp.pipe(texts, disable=ner_disabled(self.nlp), batch_size=self.options.batch_size))
        work = [self._names(article, title, body)
                for article, title, body in zip(articles, docs[:len(articles)], docs[len(articles):])]
        sentence_docs = [sentence.as_doc() for item in work for sentence in item.sentences]
        parsed = list(self.nlp.pipe(sentence_docs, disable=parse_disabled(self.nlp),
                                    batch_size=self.options.batch_size * 4))
        results, position = [], 0
        for item in work:
            parses = parsed[position:position + len(item.sentences)]
            position += len(item.sentences)
            results.append(self._guarded(item.article, lambda: self._found(item, parses)) if item.error is None
                           else _failed(item.article, item.error))
        return results

    def _names(self, article: EnrichInput, title: Doc, body: Doc) -> _Work:
        """The article's resolved names and the sentences holding a trigger (to be parsed)."""
        try:
            acronyms = acronym_definitions(article.text)
            occurrences = merge(self.resolver.occurrences(title, True, acronyms)
                                + self.resolver.occurrences(body, False, acronyms))
            acronym_kinds = self.extractor.finder.acronym_kinds(acronyms)
            sentences = [span.sent for span in self.extractor.finder.find(body)]
            sentences += [token.sent for token in body if token.text in acronym_kinds]
            return _Work(article, occurrences, list(dict.fromkeys(sentences)), acronym_kinds)
        except Exception as error:  # noqa: BLE001 - one article's failure must not lose the batch
            return _Work(article, [], [], {}, _reason(error))

    def _found(self, item: _Work, parses: list[Doc]) -> Enrichment:
        article = item.article
        context = ArticleContext(article.article_id, article.published, item.occurrences, gazetteer(),
                                 self.options.min_event_confidence, item.acronym_kinds)
        extra: list[Occurrence] = []
        events = [event for sentence, parse in zip(item.sentences, parses)
                  for event in self.extractor.events(context, sentence, parse, extra)]
        lead_end = article.text.find("\n") % (len(article.text) + 1)
        entities, mentions = entities_and_mentions(article.article_id, item.occurrences + extra, lead_end)
        return Enrichment(article.article_id, article.content_hash, tuple(entities), tuple(mentions),
                          tuple(_distinct(events)))

    @staticmethod
    def _guarded(article: EnrichInput, work) -> Enrichment:
        try:
            return work()
        except Exception as error:  # noqa: BLE001 - one article's failure must not lose the batch
            return _failed(article, _reason(error))


@dataclass(slots=True)
class _Work:
    """One article between the NER pass and the parse pass."""

    article: EnrichInput
    occurrences: list[Occurrence]
    sentences: list[Span]
    acronym_kinds: dict[str, list[tuple[str, str]]]
    error: str | None = None


def _failed(article: EnrichInput, reason: str) -> Enrichment:
    return Enrichment(article.article_id, article.content_hash, (), (), (), error=reason)


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
    """Names the enrichment: the model, and a hash of the rules, taxonomy and alias tables. An
    article enriched under another version is enriched again."""
    package = resources.files(__package__)
    rules = "\x1f".join([str(RULES_VERSION), repr(options.aliases), str(options.min_event_confidence),
                         package.joinpath("events.yaml").read_text("utf-8"),
                         package.joinpath("aliases.yaml").read_text("utf-8")])
    return f"{options.model}:{sha256_hex(rules)[:12]}"


def _distinct(events: list[Event]) -> list[Event]:
    """One event per happening: of several with the same type, actors, place and date (an
    agreement named in three sentences), the most confident, then the first."""
    best: dict[tuple, Event] = {}
    for event in events:
        key = (event.event_type, event.actor1, event.actor2, event.location, event.event_date)
        if key not in best or event.confidence > best[key].confidence:
            best[key] = event
    return sorted(best.values(), key=lambda e: (e.sentence_offset, e.trigger))

