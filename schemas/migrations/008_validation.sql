-- Validation (schemas/expectations.py): what each batch's checks found, and the rows held back.

-- One row per check per validated batch.
create table validation_results (
    run_id          varchar not null,
    batch_id        varchar not null,
    suite           varchar not null,          -- articles, pages, fetch_log, entities, mentions, events
    source          varchar,
    check_name      varchar not null,
    expectation     varchar not null,          -- the GX Core expectation
    level           varchar not null,          -- row: failing rows quarantined; batch: a failure holds the batch
    success         boolean not null,
    observed_value  varchar,                   -- JSON
    unexpected_count integer not null,
    rows            integer not null,
    validated_at    timestamptz not null
);

-- Rows held back from their table, with why; released (re-validated and merged) by
-- `winnow quarantine release`, never deleted.
create table quarantine (
    quarantine_id   varchar primary key,       -- hash of table, row key and batch
    run_id          varchar not null,
    batch_id        varchar not null,
    table_name      varchar not null,
    source          varchar,
    row_key         varchar not null,
    level           varchar not null,          -- row: it failed a row check; batch: its batch was held back
    checks          varchar[] not null,        -- the checks it (or its batch) failed
    record          json not null,             -- the row as staged
    quarantined_at  timestamptz not null,
    released_at     timestamptz,
    release_run_id  varchar
);

alter table runs add column quarantined integer default 0;
alter table runs add column batches_held integer default 0;
alter table runs add column validate_seconds double default 0;
