-- One story, once: every article keeps its row and names its story; the story's first-seen copy
-- is its canonical one, the only one enriched, so its entities and events count once per story.
alter table articles add column story_id varchar;   -- first 32 hex of the founding copy's content_hash
alter table articles add column canonical boolean;  -- the story's first-seen copy

-- MinHash band keys of each article's text (transforms/stories.py): a new article's candidates
-- are the articles sharing a band key with it.
create table story_bands (
    band_key    bigint not null,
    article_id  varchar not null
);

-- Articles loaded before stories: each text is its own story, exact copies share one (the
-- first-seen copy canonical). Their near copies are found only once they are loaded again.
update articles set story_id = left(content_hash, 32);
update articles set canonical = article_id = (
    select first(c.article_id order by c.first_seen_at, c.article_id) from articles c
    where c.story_id = articles.story_id);
-- A copy that is no longer canonical loses its enrichment: the canonical copy's is the story's.
delete from mentions where article_id in (select article_id from articles where not canonical);
delete from events where article_id in (select article_id from articles where not canonical);
delete from article_enrichment where article_id in (select article_id from articles where not canonical);

-- One row per story: its canonical copy, and how many copies and sources carry it.
create view stories as
select story_id, any_value(article_id) filter (where canonical) as article_id,
       any_value(title) filter (where canonical) as title, count(*) as copies,
       list(distinct source order by source) as sources, min(published_at) as published_at,
       min(first_seen_at) as first_seen_at
from articles group by story_id;

-- Articles that joined an existing story when loaded: copies, not enriched again.
alter table runs add column duplicates integer default 0;

-- A copy shows its story's entities and events.
create or replace view article_overview as
select ar.article_id, ar.source, ar.url, ar.title, ar.published_at,
       (select list({'name': en.name, 'type': en.type, 'country_code': en.country_code,
                     'count': m.count, 'salience': m.salience} order by m.salience desc, en.name)
        from mentions m join entities en using (entity_id) where m.article_id = st.article_id) as entities,
       (select list({'event_type': ev.event_type, 'trigger': ev.trigger, 'actor1': a1.name, 'actor2': a2.name,
                     'location': lo.name, 'event_date': ev.event_date, 'date_precision': ev.date_precision,
                     'confidence': ev.confidence, 'sentence': ev.sentence} order by ev.sentence_offset, ev.trigger)
        from events ev
        left join entities a1 on a1.entity_id = ev.actor1
        left join entities a2 on a2.entity_id = ev.actor2
        left join entities lo on lo.entity_id = ev.location
        where ev.article_id = st.article_id) as events
from articles ar
left join articles st on st.story_id = ar.story_id and st.canonical;
