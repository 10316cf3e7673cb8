-- How many blocks each run removed from its articles' text (the rows it added to article_chaff
-- for new and changed articles, and the same count for articles that came out unchanged).
alter table runs add column chaff_removed integer default 0;
