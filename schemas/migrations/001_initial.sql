-- Initial schema: the frontier of known URLs, raw pages, fetch attempts, articles and runs.
-- Migrations are applied in file-name order and recorded in schema_migrations.

create table runs (
    run_id        varchar primary key,
    flow          varchar not null,
    started_at    timestamptz not null,
    finished_at   timestamptz,
    status        varchar not null,          -- running, completed, failed
    sources       varchar[],
    discovered    integer,
    fetched       integer,
    not_modified  integer,
    failed        integer,                  -- retried next run
    gone          integer,                  -- 404 or 410: not retried
    skipped       integer,
    extracted     integer,
    not_extracted integer,                  -- fetched pages with no article in them
    new           integer,
    updated       integer,
    seconds       double,
    discover_seconds double,                -- stage times, summed over batches
    fetch_seconds    double,
    extract_seconds  double,
    load_seconds     double
);

-- One row per URL winnow knows of: where it came from, its last fetch and its state.
create table frontier (
    url              varchar primary key,    -- canonical URL
    source           varchar not null,
    via              varchar,                -- feed, sitemap or folder that listed it
    discovered_at    timestamptz not null,
    lastmod          timestamptz,            -- from sitemap or feed, when given
    state            varchar not null        -- pending, or the last fetch's outcome (schemas.records.FETCH_OUTCOMES)
                     check (state in ('pending', 'fetched', 'not_modified', 'failed', 'gone', 'skipped')),
    attempts         integer not null default 0,  -- failed runs in a row
    last_status      integer,
    last_error       varchar,
    last_fetched_at  timestamptz,
    etag             varchar,
    last_modified    varchar,
    page_hash        varchar                 -- hash of the last body stored in pages
);

-- Every HTTP attempt (or file read), successful or not, for pages and for feeds.
create table fetch_log (
    run_id      varchar not null,
    source      varchar not null,
    url         varchar not null,
    attempt     integer not null,
    status      integer,
    error       varchar,
    bytes       bigint not null,
    elapsed_ms  double not null,
    fetched_at  timestamptz not null,
    kind        varchar not null             -- page, or the feed's kind (rss, sitemap)
);

-- Raw pages, gzip-compressed, so transforms can be re-run without the network.
create table pages (
    url           varchar not null,
    page_hash     varchar not null,          -- sha256 hex of the raw (decompressed) body
    source        varchar not null,
    final_url     varchar not null,
    status        integer,
    content_type  varchar,
    etag          varchar,
    last_modified varchar,
    html_gz       blob not null,
    size          bigint not null,           -- uncompressed bytes
    fetched_at    timestamptz not null,
    run_id        varchar not null,
    primary key (url, page_hash)
);

create table articles (
    article_id    varchar primary key,       -- sha256 of the canonical URL, first 32 hex digits
    source        varchar not null,
    url           varchar not null,          -- canonical URL
    fetched_url   varchar not null,
    title         varchar,
    authors       varchar[],
    published_at  timestamptz,
    language      varchar,
    site_name     varchar,
    description   varchar,
    image         varchar,
    text          varchar not null,
    word_count    integer not null,
    content_hash  varchar not null,          -- sha256 of text
    page_hash     varchar not null,
    first_seen_at timestamptz not null,
    updated_at    timestamptz not null,
    run_id        varchar not null
);

-- Pages that yielded no article, with the reason.
create table extraction_failures (
    url        varchar not null,
    page_hash  varchar not null,
    source     varchar not null,
    reason     varchar not null,
    run_id     varchar not null,
    failed_at  timestamptz not null,
    primary key (url, page_hash)
);

-- Feeds and sitemaps, with the validators for conditional GET.
create table feeds (
    url              varchar primary key,
    source           varchar not null,
    kind             varchar not null,       -- rss, sitemap
    etag             varchar,
    last_modified    varchar,
    last_status      integer,
    last_error       varchar,
    last_fetched_at  timestamptz
);
