-- Fetched pages whose body was the one fetched last time (a server ignoring conditional GET):
-- counted, not extracted again.
alter table runs add column unchanged integer default 0;
