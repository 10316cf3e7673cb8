-- Due URLs a run did not ask for: it was stopped (SIGTERM, SIGINT), the source's fetch deadline
-- passed, or the URL's host was backed off after repeated timeouts. They stay due for the next run.
-- A run stopped by a signal ends with status 'cancelled' (beside running, completed, failed, crashed).
alter table runs add column deferred integer default 0;
