-- A stored page's compressed body in a table of its own, without a key. DuckDB 1.5 appends a
-- load's rows to the last row group of a table with an index (a primary key) and rewrites that
-- whole row group at the checkpoint each load's close makes: up to 122,880 rows, so with the
-- bodies (33 kB a real page) in `pages` a 500-page load's checkpoint rewrote every body stored
-- since the last full row group, 0.1 s at the first batch of a backfill and 2.5 s at the 70th
-- (bench/README.md). A table without an index gets a new row group per load instead. One body per
-- page is kept by the loader: it writes the bodies of the (url, page_hash) keys its insert into
-- `pages` stored, in the same transaction.

create table page_bodies (
    url        varchar not null,
    page_hash  varchar not null,
    html_gz    blob not null              -- the body, gzip
);
insert into page_bodies select url, page_hash, html_gz from pages;
alter table pages drop column html_gz;
