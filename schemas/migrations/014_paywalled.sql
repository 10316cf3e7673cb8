-- Articles behind a paywall: the page declares it is not free (schema.org isAccessibleForFree,
-- paywall markup) or its text ended in a subscription prompt (removed as chaff). The text kept
-- may be only the free part; users filter them out with `where not paywalled`.
alter table articles add column paywalled boolean default false;
-- How many of a run's extracted articles were paywalled.
alter table runs add column paywalled integer default 0;
