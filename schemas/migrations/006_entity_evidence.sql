-- Cross-article typing: how names are compared, and whether an entity's type rests on strong
-- evidence (alias table, gazetteer, context) rather than the tagger's label alone. Articles
-- enriched later take a strong entity's type for the same name (transforms/enrich/consolidate.py).
alter table entities add column name_key varchar;
alter table entities add column strong boolean default false;
