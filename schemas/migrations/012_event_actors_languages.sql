-- Each event actor's role, CAMEO agent type and country as the text gives them ("Afghan police":
-- police, COP, AF), like GDELT's actor codes; the role stands in for an actor the article does
-- not name. Dates may now be `reported`: an event told as news with no time of its own, dated by
-- the article's publication.
alter table events add column actor1_role varchar;
alter table events add column actor1_type varchar;
alter table events add column actor1_country varchar;
alter table events add column actor2_role varchar;
alter table events add column actor2_type varchar;
alter table events add column actor2_country varchar;
-- The language detected from the article's text; an article with no pipeline for its language
-- is not enriched, and `error` says so.
alter table article_enrichment add column language varchar;
