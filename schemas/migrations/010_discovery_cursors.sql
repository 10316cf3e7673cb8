-- Discovery cursors: per feed or sitemap (child sitemaps of an index included), the newest entry
-- date or lastmod read there. Discovery leaves out entries dated before it, and does not fetch a
-- child sitemap whose lastmod in its index is not after it. Deleting a source's rows makes its
-- next run list everything again.
create table discovery_cursors (
    source      varchar not null,
    feed_url    varchar not null,           -- the feed's or sitemap's URL, as fetched
    newest_at   timestamptz not null,       -- the cursor: only moves forward, never past tomorrow
    updated_at  timestamptz not null,
    run_id      varchar not null,           -- the run that last moved it
    primary key (source, feed_url)
);

-- Listed entries left out for being dated before their feed's cursor.
alter table runs add column behind_cursor integer default 0;
