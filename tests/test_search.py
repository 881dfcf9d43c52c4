"""Full-text search (sql/009_search.sql, sql/queries/search_stories.sql, pipelines.search) on real PostgreSQL."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import psycopg2
import pytest
from psycopg2.extras import Json

from pipelines import search, search_bench

KST = timezone(timedelta(hours=9))


def add_revision(cur, story_id: str, article_id: str, headline: str, body: str, section: str,
                 published: datetime, point_story: bool = True) -> int:
    """Write a revision the way load + grouping do: raw page, revision, then the story row refreshed."""
    key = f"raw/yonhap/{published:%Y/%m/%d}/{article_id}/{abs(hash((article_id, body))):064d}.html.gz"
    cur.execute("""INSERT INTO raw_pages (raw_key, source, article_id, url, sha256, http_status, size_bytes, fetched_at)
                   VALUES (%s, 'yonhap', %s, 'https://en.yna.co.kr/view/' || %s, 'x', 200, 1, now())""",
                (key, article_id, article_id))
    cur.execute("INSERT INTO stories (story_id, source) VALUES (%s, 'yonhap') ON CONFLICT DO NOTHING", (story_id,))
    cur.execute("""INSERT INTO story_revisions (source, article_id, content_hash, story_id, url, headline, section,
                       published_at, body_paragraphs, body_text, extractor_version, raw_key)
                   VALUES ('yonhap', %s, %s, %s, 'https://en.yna.co.kr/view/' || %s, %s, %s, %s, %s, %s, 'test', %s)
                   RETURNING revision_id""",
                (article_id, str(hash(body)), story_id, article_id, headline, section, published,
                 Json(body.split("\n\n")), body, key))
    revision_id = cur.fetchone()[0]
    if point_story:
        cur.execute("""UPDATE stories SET latest_revision_id = %s, headline = %s, revision_count = revision_count + 1,
                              first_published_at = coalesce(first_published_at, %s), last_updated_at = %s
                       WHERE story_id = %s""", (revision_id, headline, published, published, story_id))
    return revision_id


@pytest.fixture
def cur(database_url):
    conn = psycopg2.connect(database_url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        yield cursor
    conn.close()


def run(cur, q, date_from=date(2023, 5, 1), date_to=date(2023, 5, 31), section=None, limit=20):
    columns, rows = search.search(cur, q, date_from, date_to, section, limit)
    return [dict(zip(columns, row)) for row in rows]


def test_headline_outranks_body_and_snippet_highlights(cur):
    noon = datetime(2023, 5, 10, 12, tzinfo=KST)
    add_revision(cur, "s-body", "AEN1", "Parliament passes budget bill",
                 "Lawmakers argued for hours.\n\nA typhoon warning was issued for Jeju island on Wednesday.", "national", noon)
    add_revision(cur, "s-head", "AEN2", "Typhoon approaches southern coast",
                 "Officials urged residents to stay indoors as the storm neared.", "national", noon)
    add_revision(cur, "s-none", "AEN3", "Exports rise for third month", "Chip shipments grew.", "economy", noon)
    hits = run(cur, "typhoons")  # the english configuration stems: typhoons finds typhoon
    assert [h["story_id"] for h in hits] == ["s-head", "s-body"]
    assert hits[0]["rank"] > hits[1]["rank"]
    assert "<<typhoon>>" in hits[1]["snippet"].lower()
    assert hits[1]["section"] == "national" and hits[1]["headline"] == "Parliament passes budget bill"


def test_date_range_and_section_filter(cur):
    add_revision(cur, "s-may9", "AEN4", "Missile launch reported", "The military said.", "nk",
                 datetime(2023, 5, 9, 23, 30, tzinfo=KST))  # 14:30 UTC on the 9th: the KST day counts
    add_revision(cur, "s-may10", "AEN5", "Missile talks in Seoul", "Envoys met.", "politics",
                 datetime(2023, 5, 10, 0, 30, tzinfo=KST))  # still 9 May in UTC
    assert [h["story_id"] for h in run(cur, "missile", date(2023, 5, 10), date(2023, 5, 10))] == ["s-may10"]
    assert {h["story_id"] for h in run(cur, "missile", date(2023, 5, 9), date(2023, 5, 10))} == {"s-may9", "s-may10"}
    assert [h["story_id"] for h in run(cur, "missile", section="nk")] == ["s-may9"]
    assert run(cur, "missile", section="sports") == []
    assert run(cur, "missile -talks") and [h["story_id"] for h in run(cur, "missile -talks")] == ["s-may9"]
    with pytest.raises(ValueError):
        search.search(cur, "missile", date(2023, 5, 10), date(2023, 5, 9))


def test_search_document_follows_the_latest_revision(cur):
    noon = datetime(2023, 5, 10, 12, tzinfo=KST)
    first = add_revision(cur, "s-story", "AEN6", "(URGENT) Earthquake hits Gyeongju", "A quake struck.", "national", noon)
    assert [h["story_id"] for h in run(cur, "gyeongju")] == ["s-story"]
    # grouping points the story at a new latest revision: the index follows, no rebuild
    add_revision(cur, "s-story", "AEN7", "(LEAD) Magnitude 4.5 quake rattles Pohang", "Damage was light.", "national",
                 noon + timedelta(hours=1))
    assert run(cur, "gyeongju") == [] and [h["story_id"] for h in run(cur, "pohang")] == ["s-story"]
    # a revision's text corrected in place (re-extraction) reaches the index too
    cur.execute("SELECT latest_revision_id FROM stories WHERE story_id = 's-story'")
    latest = cur.fetchone()[0]
    assert latest != first
    cur.execute("UPDATE story_revisions SET body_text = 'Aftershocks felt in Ulsan.' WHERE revision_id = %s", (latest,))
    assert [h["story_id"] for h in run(cur, "aftershocks ulsan")] == ["s-story"]


def test_generated_year_uses_the_gin_index(database_url):
    search_bench.insert_synthetic_stories(database_url, 1500, days=365, seed=3)
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM stories WHERE search_document = ''::tsvector")
        assert cur.fetchone()[0] == 0  # every story indexed by the triggers
        hits = run(cur, "typhoon", date(2023, 1, 1), date(2023, 12, 31), limit=5)
        cur.execute("""SELECT count(*) FROM stories s JOIN story_revisions r ON r.revision_id = s.latest_revision_id
                       WHERE r.headline ILIKE '%%typhoon%%' OR r.body_text ILIKE '%%typhoon%%'""")
        expected = cur.fetchone()[0]
        assert expected > 0 and len(hits) == min(5, expected)
        assert [h["rank"] for h in hits] == sorted((h["rank"] for h in hits), reverse=True)
        cur.execute("SET enable_seqscan = off")
        cur.execute("EXPLAIN SELECT story_id FROM stories WHERE search_document @@ websearch_to_tsquery('english', %s)",
                    ("typhoon",))
        assert "stories_search_idx" in " ".join(row[0] for row in cur.fetchall())


# ---------------------------------------------------------------- bounded work (issue 18, row 14)

def run_cli(database_url: str, *args: str, **env: str) -> "subprocess.CompletedProcess":
    import os
    import subprocess
    import sys
    from pathlib import Path

    return subprocess.run([sys.executable, "-m", "pipelines.search", *args], capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).resolve().parent.parent,
                          env=dict(os.environ, DATABASE_URL=database_url, **env))


@pytest.mark.parametrize("args, says", [
    (["missile", "--limit", "-1"], "--limit must be a whole number from 1 to 1000, not -1"),
    (["missile", "--limit", "100000"], "--limit must be a whole number from 1 to 1000"),
    (["missile " + " ".join(f"-term{i}" for i in range(2000))], "the query has 2001 terms"),
    (["x" * 5000], "the query has 5000 characters; at most 1000"),
    (["missile", "--from", "2023-06-01"], "--from 2023-06-01 is after --to 2023-05-31"),
    (["   "], "the query is empty"),
])
def test_out_of_bounds_searches_get_one_line_errors(pg_server_url, args, says):
    import time

    began = time.monotonic()
    done = run_cli(pg_server_url, "--from", "2023-05-01", "--to", "2023-05-31", *args)
    assert done.returncode == 2 and done.stdout == "", done.stdout + done.stderr
    assert done.stderr.strip().splitlines() == [done.stderr.strip()] and says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "psycopg2" not in done.stderr
    assert time.monotonic() - began < 30


def test_a_search_past_its_statement_timeout_is_cancelled_with_a_clear_error(database_url, cur):
    """A search held up (here by a lock another session keeps on stories) ends at WIREDESK_SEARCH_TIMEOUT."""
    import time

    noon = datetime(2023, 5, 10, 12, tzinfo=KST)
    add_revision(cur, "s-lock", "AEN20", "Missile launch", "The military said.", "nk", noon)
    blocker = psycopg2.connect(database_url)
    try:
        with blocker.cursor() as other:
            other.execute("LOCK TABLE stories IN ACCESS EXCLUSIVE MODE")  # held until rollback
            began = time.monotonic()
            done = run_cli(database_url, "missile", "--from", "2023-05-01", "--to", "2023-05-31",
                           WIREDESK_SEARCH_TIMEOUT="0.5")
            took = time.monotonic() - began
    finally:
        blocker.rollback()
        blocker.close()
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.strip() == ("error: the search ran longer than 0.5 s (WIREDESK_SEARCH_TIMEOUT) and was "
                                   "cancelled: narrow the dates or the section, or use fewer or rarer words")
    assert took < 20
    # the library call says the same, and the timeout did not stay on the caller's autocommit session
    with pytest.raises(search.SearchTimeout):
        with psycopg2.connect(database_url) as conn, conn.cursor() as c2:
            c2.execute("LOCK TABLE stories IN ACCESS EXCLUSIVE MODE")
            other = psycopg2.connect(database_url)
            other.autocommit = True
            try:
                import os

                os.environ["WIREDESK_SEARCH_TIMEOUT"] = "0.3"
                search.search(other.cursor(), "missile", date(2023, 5, 1), date(2023, 5, 31))
            finally:
                os.environ.pop("WIREDESK_SEARCH_TIMEOUT", None)
                other.close()
    assert [h["story_id"] for h in run(cur, "missile")] == ["s-lock"]
    cur.execute("SHOW statement_timeout")
    assert cur.fetchone()[0] == "0"


def test_a_bad_timeout_setting_is_a_one_line_error(pg_server_url):
    done = run_cli(pg_server_url, "missile", "--from", "2023-05-01", "--to", "2023-05-31",
                   WIREDESK_SEARCH_TIMEOUT="soon")
    assert done.returncode == 2 and done.stderr.strip() == (
        "error: WIREDESK_SEARCH_TIMEOUT must be a number of seconds between 0 and 3600, not 'soon'")
