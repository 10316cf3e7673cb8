-- An article whose enrichment failed keeps the reason (and is tried again when the enrichment
-- version changes); runs count them.
alter table article_enrichment add column error varchar;
alter table runs add column enrich_failed integer default 0;
