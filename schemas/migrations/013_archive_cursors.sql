-- Web archives read by a source (kind: warc or ccnews): where reading each one goes on. A
-- cursor is written in the transaction that loads the pages read before it, so a backfill
-- stopped at any moment goes on from there, losing and repeating nothing.
create table archive_cursors (
    source      varchar not null,
    archive     varchar not null,           -- the WARC file's path or URL
    resume_at   bigint not null,            -- offset of the first record not read yet
    done        boolean not null,           -- read to its end: not read again
    pages       bigint not null,            -- pages taken from it so far
    updated_at  timestamptz not null,
    run_id      varchar not null,           -- the run that last moved it
    primary key (source, archive)
);
