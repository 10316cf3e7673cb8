"""One entity per name across articles: the step after each article is enriched on its own.

An article may only show the tagger's guess ("Brackenford" tagged ORG), where another showed
strong evidence ("in Brackenford"), or the warehouse already knows the name as a place. Each
name takes, in order: the type it has on strong evidence in the warehouse or in the batch, else
the type most of the batch's mentions give it. A person named by surname alone ("Askew") is the
one person of that surname the batch or the warehouse knows by full name, if there is exactly
one. Mentions and event roles follow the entity to its new id, and two entities of one article
that become one are merged.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from winnow.schemas.records import Enrichment, Entity, Mention
from winnow.transforms.enrich.names import name_key
from winnow.transforms.hashing import entity_id


def consolidate(
    enrichments: list[Enrichment], known: dict[str, Entity], known_people: tuple[Entity, ...] = ()
) -> list[Enrichment]:
    """`enrichments` with every entity retyped as its name is typed across the batch; `known` maps
    name keys to entities the warehouse holds on strong evidence, `known_people` are people the
    warehouse knows by full name whose surnames the batch uses alone."""
    chosen = dict(known)
    votes: dict[str, Counter] = defaultdict(Counter)
    first_seen: dict[tuple[str, str], Entity] = {}
    for enrichment in enrichments:
        counts = {m.entity_id: m.count for m in enrichment.mentions}
        for entity in enrichment.entities:
            key = name_key(entity.name)
            if entity.strong and key not in chosen:
                chosen[key] = entity
            votes[key][entity.type] += counts.get(entity.entity_id, 1)
            first_seen.setdefault((key, entity.type), entity)
    for key, counts in votes.items():
        if key not in chosen:
            chosen[key] = first_seen[(key, counts.most_common(1)[0][0])]
    full_names: dict[str, set[str]] = defaultdict(set)
    people = [e for e in chosen.values() if e.type == "person"] + list(known_people)
    for person in people:
        if " " in person.name:
            full_names[surname_key(person.name)].add(name_key(person.name))
    by_key = {name_key(p.name): p for p in people}
    for key, entity in list(chosen.items()):
        if entity.type == "person" and " " not in entity.name and len(full_names.get(key, ())) == 1:
            chosen[key] = by_key[next(iter(full_names[key]))]
    return [_retyped(enrichment, chosen) for enrichment in enrichments]


def surname_key(name: str) -> str:
    """The key of a full name's last word ("Lionel Askew" -> "askew")."""
    return name_key(name.split()[-1])


def _retyped(enrichment: Enrichment, chosen: dict[str, Entity]) -> Enrichment:
    new_id: dict[str, str] = {}
    entities: dict[str, Entity] = {}
    for entity in enrichment.entities:
        target = chosen[name_key(entity.name)]
        eid = entity_id(target.type, name_key(target.name))
        new_id[entity.entity_id] = eid
        merged = entities.get(eid)
        aliases = tuple(dict.fromkeys((merged.aliases if merged else ()) + entity.aliases))
        country = target.country or (entity.country if target.type == "place" else None)
        entities[eid] = Entity(eid, target.name, target.type, country, aliases, target.strong or entity.strong)
    if all(old == new for old, new in new_id.items()):
        return enrichment
    mentions: dict[str, Mention] = {}
    for mention in enrichment.mentions:
        eid = new_id[mention.entity_id]
        other = mentions.get(eid)
        if other is None:
            mentions[eid] = replace(mention, entity_id=eid)
            continue
        offsets = [o for o in (other.first_offset, mention.first_offset) if o is not None]
        mentions[eid] = Mention(
            mention.article_id,
            eid,
            tuple(dict.fromkeys(other.surface_forms + mention.surface_forms)),
            other.count + mention.count,
            min(offsets) if offsets else None,
            round(other.salience + mention.salience, 4),
        )
    events = tuple(
        replace(
            e,
            actor1=new_id.get(e.actor1, e.actor1),
            actor2=new_id.get(e.actor2, e.actor2),
            location=new_id.get(e.location, e.location),
        )
        for e in enrichment.events
    )
    return replace(enrichment, entities=tuple(entities.values()), mentions=tuple(mentions.values()), events=events)
