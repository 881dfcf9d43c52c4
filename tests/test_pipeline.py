"""A night through crawl -> archive -> extract -> load -> group -> check, on real services."""
from __future__ import annotations

from datetime import date

import pytest

from helpers import count, table_checksums
from pipelines import load, nightly
from pipelines.checks import LAYOUT_DRIFT_REASONS, DataQualityError
from pipelines.intervals import night_window

NIGHT = date(2023, 5, 10)


def night_ids(night):
    from replay.stories import nights

    start, end = night_window(night)
    return sorted(a.article_id for n in nights() for a in n.articles if start <= a.published < end)


def bucket_keys(env):
    """The content-addressed raw objects (each run also writes its own WARC files under warc/)."""
    listed = env["client"].list_objects_v2(Bucket=env["WIREDESK_S3_BUCKET"], Prefix="raw/")
    return sorted(obj["Key"] for obj in listed.get("Contents", []))


def test_a_night_lands_in_every_table_and_a_rerun_changes_nothing(pipeline_env):
    url = pipeline_env["database_url"]
    steps = nightly.run_night(NIGHT, run_id="test-run")
    ids = night_ids(NIGHT)
    assert steps["crawl"]["pages_fetched"] == len(ids)
    assert steps["load"]["revisions_new"] == len(ids)
    assert steps["check"]["stories"] == count(url, "SELECT count(DISTINCT story_id) FROM story_revisions")
    assert count(url, "SELECT count(*) FROM story_revisions WHERE story_id IS NULL OR story_seq IS NULL") == 0
    assert count(url, "SELECT count(*) FROM stories WHERE latest_revision_id IS NULL") == 0
    assert count(url, "SELECT count(*) FROM crawl_runs WHERE status = 'ok'") == 1
    keys = bucket_keys(pipeline_env)
    assert len(keys) == len(ids)
    assert count(url, "SELECT count(*) FROM story_revisions WHERE NOT (raw_key = ANY(%s))", (keys,)) == 0

    before = table_checksums(url)
    again = nightly.run_night(NIGHT, run_id="test-run")
    assert again["load"]["revisions_new"] == 0  # this load's own work: nothing
    for counted in ("revisions_new", "stories", "stories_new", "stories_revised", "stories_unchanged"):
        assert again["check"][counted] == steps["check"][counted], counted  # the night's totals: the same
    assert table_checksums(url) == before
    assert bucket_keys(pipeline_env) == keys


def test_revisions_of_a_story_are_ordered_and_diffed(pipeline_env):
    url = pipeline_env["database_url"]
    for night in (date(2023, 5, 9), date(2023, 5, 10)):
        nightly.run_night(night, run_id=f"test-{night}")
    # the story with most revisions: ordered 1..n, later ones carry a diff, the story points at the last
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("""SELECT story_id, revision_count, latest_revision_id FROM stories
                       ORDER BY revision_count DESC, story_id LIMIT 1""")
        story_id, revisions, latest = cur.fetchone()
        cur.execute("""SELECT story_seq, revision_id, diff_from_previous IS NOT NULL FROM story_revisions
                       WHERE story_id = %s ORDER BY story_seq""", (story_id,))
        rows = cur.fetchall()
    assert revisions >= 3
    assert [r[0] for r in rows] == list(range(1, revisions + 1))
    assert [r[2] for r in rows] == [False] + [True] * (revisions - 1)
    assert rows[-1][1] == latest


def test_unparseable_page_is_kept_raw_and_recorded(pipeline_env):
    url = pipeline_env["database_url"]
    victim = night_ids(NIGHT)[0]
    pipeline_env["site"].add_fault(victim, "broken_layout")
    steps = nightly.run_night(NIGHT, run_id="test-broken")
    assert steps["load"]["pages_failed"] == 1
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT stage, reason, raw_key FROM fetch_failures WHERE url LIKE %s", (f"%{victim}",))
        stage, reason, raw_key = cur.fetchone()
    assert stage == "extract" and reason.split(":")[0] in LAYOUT_DRIFT_REASONS
    assert raw_key in bucket_keys(pipeline_env)  # the page that failed is archived
    assert count(url, "SELECT count(*) FROM story_revisions WHERE article_id = %s", (victim,)) == 0
    assert steps["load"]["revisions_new"] == len(night_ids(NIGHT)) - 1


def test_layout_drift_fails_the_run_listing_the_urls(pipeline_env):
    victims = night_ids(NIGHT)[:4]
    for victim in victims:
        pipeline_env["site"].add_fault(victim, "broken_layout")
    with pytest.raises(DataQualityError, match="layout drift") as info:
        nightly.run_night(NIGHT, run_id="test-drift")
    assert all(victim in str(info.value) for victim in victims)
    assert count(pipeline_env["database_url"], "SELECT count(*) FROM crawl_runs WHERE status = 'failed'") == 1


def test_check_fails_a_night_with_no_stories(pipeline_env):
    with pytest.raises(DataQualityError, match="zero stories"):
        nightly.run_night(date(2023, 1, 1), run_id="test-empty")


def test_load_is_idempotent(pipeline_env):
    crawled = nightly.crawl_night(NIGHT, "test-load")
    first = load.load_crawl_run(crawled["crawl_run_id"])
    before = table_checksums(pipeline_env["database_url"])
    second = load.load_crawl_run(crawled["crawl_run_id"])
    assert first.revisions_new == len(night_ids(NIGHT)) and second.revisions_new == 0
    assert second.revisions_seen == first.revisions_seen
    assert table_checksums(pipeline_env["database_url"]) == before
