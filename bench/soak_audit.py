"""What the soak's warehouse holds: each run's counts, the URLs still due for a retry, and the
audit at the end (pages lost, duplicates, frontier states, articles made from faulty bodies)."""

from __future__ import annotations

from pathlib import Path

from bench.soak_site import SOURCE


def run_counts(db_path: Path, run_id: str | None) -> dict:
    """The run's row of `runs` (the latest ingest row when the flow raised before returning)."""
    from winnow.schemas.records import RUN_COUNTERS
    from winnow.warehouse import db

    with db.read(db_path) as conn:
        where, params = ("run_id = ?", [run_id]) if run_id else ("flow = 'ingest'", [])
        row = conn.execute(
            f"select run_id, status, {', '.join(RUN_COUNTERS)} from runs where {where}"
            " order by started_at desc limit 1",
            params,
        ).fetchone()
    if row is None:
        return {}
    names = ("run_id", "status", *RUN_COUNTERS)
    return {n: (round(v, 3) if isinstance(v, float) else v) for n, v in zip(names, row)}


def due_count(db_path: Path) -> int:
    from winnow.warehouse import db
    from winnow.warehouse.frontier import MAX_ATTEMPTS

    with db.read(db_path) as conn:
        (due,) = conn.execute(
            "select count(*) from frontier where source = ? and (state = 'pending'"
            " or (state = 'failed' and attempts < ?))",
            [SOURCE, MAX_ATTEMPTS],
        ).fetchone()
    return due


DUPLICATE_KEYS = {  # table: its key (a primary key, or the key the loader keeps unique)
    "articles": "article_id",
    "articles by url": "url",
    "pages": "url, page_hash",
    "frontier": "url",
    "mentions": "article_id, entity_id",
    "events": "event_id",
    "block_sightings": "source, block_key, article_id",
    "article_chaff": "article_id, position",
    "extraction_failures": "url, page_hash",
    "fetch_log (run, url, attempt)": "run_id, url, attempt",
}


def audit(db_path: Path, manifest: dict, bad_bodies: dict[str, str], examples: int) -> dict:
    """Pages lost, duplicates, frontier states and articles made from faulty bodies."""
    import pyarrow as pa

    from winnow.warehouse import db

    urls = manifest["urls"]
    bad_bodies = {**{v["sha256"]: "clean" for v in urls.values()}, **bad_bodies}
    table = pa.table(
        {
            "url": list(urls),
            "sha256": [v["sha256"] for v in urls.values()],
            "permanent": [v["permanent"] for v in urls.values()],
        }
    )
    with db.read(db_path) as conn:
        conn.register("manifest", table)
        conn.register("bad_bodies", pa.table({"sha256": list(bad_bodies), "kind": list(bad_bodies.values())}))
        duplicates = {}
        for name, key in DUPLICATE_KEYS.items():
            table_name = name.split(" ")[0]
            (dup,) = conn.execute(
                f"select coalesce(sum(n - 1), 0) from (select count(*) as n from {table_name}"
                f" group by {key} having count(*) > 1)"
            ).fetchone()
            duplicates[name] = int(dup)
        states = dict(
            conn.execute(
                "select state, count(*) from frontier where source = ? group by state order by state", [SOURCE]
            ).fetchall()
        )
        (in_frontier, distinct_in_frontier, not_in_frontier) = conn.execute("""
            select count(f.url), count(distinct f.url), count(*) filter (where f.url is null)
            from manifest m left join frontier f using (url)""").fetchone()
        (permanent, permanent_gone, permanent_with_article) = conn.execute("""
            select count(*), count(*) filter (where f.state = 'gone'),
                   count(*) filter (where a.url is not null)
            from manifest m left join frontier f using (url) left join articles a on a.url = m.url
            where m.permanent is not null""").fetchone()
        conn.execute("""
            create temp table lost as
            select m.url, f.state, f.attempts, f.last_status, f.last_error,
                   (select l.error from fetch_log l where l.url = m.url and l.error is not null
                    order by l.fetched_at desc limit 1) as last_fetch_error,
                   (select x.reason from extraction_failures x where x.url = m.url
                    order by x.failed_at desc limit 1) as extraction_failure,
                   (select list_distinct(flatten(list(q.checks))) from quarantine q
                    where q.table_name = 'articles' and json_extract_string(q.record, '$.url') = m.url)
                   as quarantine_checks,
                   (select count(*) from pages p where p.url = m.url) as bodies_stored,
                   (select bool_or(p.page_hash = m.sha256) from pages p where p.url = m.url) as clean_body_stored,
                   (select list(p.page_hash) from pages p where p.url = m.url) as stored_hashes
            from manifest m left join frontier f using (url)
            where m.permanent is null and not exists (select 1 from articles a where a.url = m.url)
        """)
        lost = conn.execute("select count(*) from lost").fetchone()[0]
        lost_by = conn.execute("""
            select coalesce(state, '(not in frontier)') as state,
                   case when extraction_failure is not null then 'extraction failure: ' || extraction_failure
                        when quarantine_checks is not null then 'quarantined: ' || array_to_string(quarantine_checks, ', ')
                        else coalesce(last_error, last_fetch_error, '(none)') end as why,
                   count(*) as n
            from lost group by all order by n desc limit 20""").fetchall()
        lost_rows = conn.execute(f"select * from lost order by url limit {int(examples)}")
        names = [d[0] for d in lost_rows.description]
        lost_examples = [dict(zip(names, row)) for row in lost_rows.fetchall()]
        for example in lost_examples:  # which fault made the body that was kept
            example["stored_body_faults"] = [bad_bodies.get(h, "?") for h in example.pop("stored_hashes") or []]
        lost_fault_kinds: dict[str, int] = {}
        for (hashes,) in conn.execute("select stored_hashes from lost").fetchall():
            kind = ", ".join(sorted({bad_bodies.get(h, "?") for h in hashes or []})) or "(no body stored)"
            lost_fault_kinds[kind] = lost_fault_kinds.get(kind, 0) + 1
        (articles, from_faulty_body) = conn.execute("""
            select count(*), count(*) filter (where a.page_hash <> m.sha256)
            from articles a join manifest m on a.url = m.url""").fetchone()
        faulty_kinds = dict(
            conn.execute("""
            select k.kind, count(*) from articles a join manifest m on a.url = m.url
            left join bad_bodies k on k.sha256 = a.page_hash
            where a.page_hash <> m.sha256 group by all""").fetchall()
        )
        faulty_examples = conn.execute("""
            select a.url, a.word_count, left(a.text, 80) from articles a join manifest m on a.url = m.url
            where a.page_hash <> m.sha256 order by a.url limit 5""").fetchall()
        urls_with_several_bodies = conn.execute(
            "select count(*) from (select url from pages group by url having count(*) > 1)"
        ).fetchone()[0]
        quarantined_rows = conn.execute("select table_name, count(*) from quarantine group by all").fetchall()
    return {
        "pages_lost": lost,
        "pages_lost_by_state_and_reason": [{"state": s, "why": w, "urls": n} for s, w, n in lost_by],
        "pages_lost_by_stored_body_fault": lost_fault_kinds,
        "pages_lost_examples": lost_examples,
        "duplicates": duplicates,
        "duplicates_total": sum(duplicates.values()),
        "frontier_states": states,
        "frontier_each_url_one_state": in_frontier == distinct_in_frontier and not_in_frontier == 0,
        "urls_not_in_frontier": not_in_frontier,
        "permanent_urls": permanent,
        "permanent_urls_gone": permanent_gone,
        "permanent_urls_with_article": permanent_with_article,
        "articles": articles,
        "articles_from_faulty_body": from_faulty_body,
        "articles_from_faulty_body_by_fault": faulty_kinds,
        "articles_from_faulty_body_examples": [
            {"url": u, "word_count": w, "text_start": t} for u, w, t in faulty_examples
        ],
        "urls_with_several_bodies_stored": urls_with_several_bodies,
        "quarantine_rows": dict(quarantined_rows),
    }
