"""Helpers shared by the tests."""
from __future__ import annotations

import psycopg2

CURATED_TABLES = ["stories", "story_revisions", "raw_pages", "fetch_failures", "story_merges"]


def table_checksums(database_url: str, tables=CURATED_TABLES) -> dict[str, tuple[int, str]]:
    """Row count and an md5 over every row's full text, per table."""
    sums = {}
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        for table in tables:
            cur.execute(f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t")
            sums[table] = cur.fetchone()
    return sums


def count(database_url: str, sql: str, params=()) -> int:
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]
