-- Chaff removal: what was removed from each article, and the block statistics that teach
-- winnow a source's recurring boxes.

-- Every block removed from an article's text, with why; replaced whenever the article changes.
create table article_chaff (
    article_id  varchar not null,
    position    integer not null,            -- block index in the extracted text; negative: dropped by a selector before extraction
    text        varchar not null,
    kind        varchar not null,            -- newsletter, donation, paywall, related, share, cookie, app, other
    evidence    varchar not null,            -- rule (the source's config), detector (generic), repetition (learned)
    rule        varchar not null,            -- the rule, detector or statistic that fired
    run_id      varchar not null,
    primary key (article_id, position)
);

-- Which of a source's articles hold each block (by its normalised key): the repetition counts.
create table block_sightings (
    source      varchar not null,
    block_key   varchar not null,
    article_id  varchar not null,
    seen_at     timestamptz not null,
    primary key (source, block_key, article_id)
);

-- One text for each block key, to show what a learned key stands for.
create table block_texts (
    source      varchar not null,
    block_key   varchar not null,
    text        varchar not null,
    primary key (source, block_key)
);

-- Blocks by the number of the source's articles that hold them: the most repeated first.
create view repeated_blocks as
select s.source, s.block_key, count(*) as articles, any_value(t.text) as text
from block_sightings s join block_texts t using (source, block_key)
group by s.source, s.block_key
order by articles desc;
