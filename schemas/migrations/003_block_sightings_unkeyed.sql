-- The repetition tables without primary keys: their indexes doubled the cost of writing a
-- batch's block sightings (about 0.1 s per 200 articles, bench/README.md), and nothing looks
-- rows up one by one. Uniqueness is kept by the loader, which replaces an article's sightings
-- as a whole and adds a block's text only when the source has none for it yet.

create table block_sightings_new (
    source      varchar not null,
    block_key   varchar not null,
    article_id  varchar not null,
    seen_at     timestamptz not null
);
insert into block_sightings_new select source, block_key, article_id, seen_at from block_sightings;

create table block_texts_new (
    source      varchar not null,
    block_key   varchar not null,
    text        varchar not null
);
insert into block_texts_new select source, block_key, text from block_texts;

drop view repeated_blocks;
drop table block_sightings;
drop table block_texts;
alter table block_sightings_new rename to block_sightings;
alter table block_texts_new rename to block_texts;

create view repeated_blocks as
select s.source, s.block_key, count(*) as articles, any_value(t.text) as text
from block_sightings s join block_texts t using (source, block_key)
group by s.source, s.block_key
order by articles desc;
