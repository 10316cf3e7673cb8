-- One article's overview for an article chosen by a subquery, under a second at a million articles.
-- A filter on the view's columns by a value (`where url like ...`) reaches the articles before
-- the view's per-article lists are made; one compared with a subquery's result (`where article_id
-- = (select ...)`) does not: DuckDB joins it above them, so they were made for every article
-- (41 s at a million). The macro takes the article's id where the articles are read, and the view
-- is the macro with no id, so both are one definition.
create or replace macro article_overview_of(id) as table
select ar.article_id, ar.source, ar.url, ar.title, ar.published_at,
       (select list({'name': en.name, 'type': en.type, 'country_code': en.country_code,
                     'count': m.count, 'salience': m.salience} order by m.salience desc, en.name)
        from mentions m join entities en using (entity_id) where m.article_id = ar.story_article) as entities,
       (select list({'event_type': ev.event_type, 'trigger': ev.trigger,
                     'actor1': (select name from entities where entity_id = ev.actor1),
                     'actor2': (select name from entities where entity_id = ev.actor2),
                     'location': (select name from entities where entity_id = ev.location),
                     'event_date': ev.event_date, 'date_precision': ev.date_precision,
                     'confidence': ev.confidence, 'sentence': ev.sentence} order by ev.sentence_offset, ev.trigger)
        from events ev where ev.article_id = ar.story_article) as events
from (select a.*, (select any_value(st.article_id) from articles st where st.story_id = a.story_id and st.canonical)
                  as story_article
      from articles a where id is null or a.article_id = id) ar;

create or replace view article_overview as select * from article_overview_of(null);
