"""Re-extraction from the raw archive (pipelines.reprocess and the yonhap_reprocess DAG), on real
PostgreSQL, S3 over HTTP and the replay site: nothing is fetched, changed extractions supersede the
old rows, stories point at the new ones, a second run changes nothing."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone

import psycopg2
import pytest

from helpers import count, table_checksums
from pipelines import airflow_runs, nightly, reprocess
from pipelines.publishers import yonhap

NIGHT = date(2023, 5, 10)
NEW_VERSION = "yonhap-v2023.2-test"
TABLES = ["stories", "story_revisions", "story_revisions_superseded", "raw_pages", "fetch_failures", "story_merges"]


def rows(url, sql, params=()):
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def assert_stories_point_at_current_rows(url):
    """Every story's latest revision is a current row; counts and order match its current rows."""
    assert count(url, """SELECT count(*) FROM stories s WHERE s.revision_count > 0 AND NOT EXISTS
                           (SELECT 1 FROM story_revisions r WHERE r.revision_id = s.latest_revision_id
                            AND r.story_id = s.story_id)""") == 0
    assert count(url, """SELECT count(*) FROM stories s WHERE s.latest_revision_id IN
                           (SELECT revision_id FROM story_revisions_superseded)""") == 0
    assert count(url, """SELECT count(*) FROM stories s WHERE revision_count <>
                           (SELECT count(*) FROM story_revisions r WHERE r.story_id = s.story_id)""") == 0
    assert count(url, "SELECT count(*) FROM story_revisions WHERE story_id IS NULL OR story_seq IS NULL") == 0
    # the latest is the last in story order
    assert count(url, """SELECT count(*) FROM stories s JOIN story_revisions r ON r.revision_id = s.latest_revision_id
                         WHERE r.story_seq <> s.revision_count""") == 0


@pytest.fixture
def loaded_night(pipeline_env):
    steps = nightly.run_night(NIGHT, run_id="test-night")
    pages = steps["crawl"]["pages_fetched"]
    assert pages > 10
    return pages


def test_improved_extractor_supersedes_changed_rows_only(pipeline_env, loaded_night, monkeypatch):
    url, site = pipeline_env["database_url"], pipeline_env["site"]
    ids = [r[0] for r in rows(url, "SELECT article_id FROM story_revisions ORDER BY article_id")]
    headline_ids, body_ids, label_ids = set(ids[0:2]), set(ids[2:5]), set(ids[5:6])
    old_version = rows(url, "SELECT DISTINCT extractor_version FROM story_revisions")
    requests_before = len(site.requests)

    # The "improved" extractor: a new version that reads a few pages differently.
    original_parse = yonhap.YonhapParserV2023.parse

    def improved_parse(self):
        record = original_parse(self)
        if record["article_id"] in headline_ids:
            record["headline"] = record["headline"] + " (corrected)"
        if record["article_id"] in body_ids:
            record["body_paragraphs"] = record["body_paragraphs"] + ["(END)"]
        if record["article_id"] in label_ids:
            record["revision_label"] = "LEAD-FIXED"
        return record

    monkeypatch.setattr(yonhap.YonhapParserV2023, "VERSION", NEW_VERSION)
    monkeypatch.setattr(yonhap.YonhapParserV2023, "parse", improved_parse)

    report = reprocess.reprocess_range(NIGHT, NIGHT, "test-reprocess")

    assert len(site.requests) == requests_before  # nothing fetched
    changed = headline_ids | body_ids | label_ids
    assert report["pages"] == loaded_night and report["pages_failed"] == 0
    assert report["revisions_changed"] == len(changed)
    assert report["revisions_unchanged"] == loaded_night - len(changed)
    assert report["revisions_added"] == 0
    assert (report["headlines_changed"], report["bodies_changed"], report["labels_changed"]) == (2, 3, 1)
    assert report["fields_changed"] == {"headline": 2, "body_paragraphs": 3, "revision_label": 1}
    example = next(e for e in report["examples"] if e["field"] == "headline")
    assert example["new"] == example["old"] + " (corrected)"
    assert report["extractor_versions"] == [NEW_VERSION]

    # the new rows carry the new version, the old ones moved to the superseded table pointing at them
    assert sorted(r[0] for r in rows(url, "SELECT article_id FROM story_revisions WHERE extractor_version = %s",
                                     (NEW_VERSION,))) == sorted(changed)
    assert rows(url, """SELECT count(*), count(r.revision_id) FROM story_revisions_superseded s
                        LEFT JOIN story_revisions r ON r.revision_id = s.superseded_by
                        AND r.article_id = s.article_id AND r.extractor_version = %s""",
                (NEW_VERSION,)) == [(len(changed), len(changed))]
    assert rows(url, "SELECT DISTINCT extractor_version FROM story_revisions_superseded") == old_version
    assert count(url, "SELECT count(*) FROM story_revisions") == loaded_night
    headline = rows(url, """SELECT s.headline FROM stories s JOIN story_revisions r ON r.story_id = s.story_id
                            WHERE r.article_id = %s AND s.latest_revision_id = r.revision_id""", (min(headline_ids),))
    assert headline and headline[0][0].endswith(" (corrected)")  # if it is its story's latest revision
    assert_stories_point_at_current_rows(url)

    (run,) = rows(url, """SELECT status, pages, revisions_changed, headlines_changed, bodies_changed, labels_changed,
                                 extractor_versions, summary->'examples' IS NOT NULL FROM reprocess_runs""")
    assert run == ("ok", loaded_night, len(changed), 2, 3, 1, [NEW_VERSION], True)

    before = table_checksums(url, TABLES)
    again = reprocess.reprocess_range(NIGHT, NIGHT, "test-reprocess-again")
    assert again["revisions_changed"] == again["revisions_added"] == 0
    assert again["revisions_unchanged"] == loaded_night
    assert table_checksums(url, TABLES) == before
    assert len(site.requests) == requests_before


def test_nights_outside_the_range_are_not_touched(pipeline_env, loaded_night, monkeypatch):
    monkeypatch.setattr(yonhap.YonhapParserV2023, "VERSION", NEW_VERSION)
    before = table_checksums(pipeline_env["database_url"], TABLES)
    report = reprocess.reprocess_range(date(2023, 5, 11), date(2023, 5, 12), "test-other-nights")
    assert report["pages"] == 0
    assert table_checksums(pipeline_env["database_url"], TABLES) == before
    with pytest.raises(ValueError):
        reprocess.reprocess_range(date(2023, 5, 12), date(2023, 5, 11), "test-backwards")


def age_rows(url, headline_ids, body_ids):
    """Make some rows look as an older extractor wrote them: other content, other hash, old version."""
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        for article_id in headline_ids:
            cur.execute("""UPDATE story_revisions SET headline = headline || ' | Yonhap News Agency',
                           content_hash = md5(content_hash), extractor_version = 'yonhap-v2023.0'
                           WHERE article_id = %s""", (article_id,))
        for article_id in body_ids:
            cur.execute("""UPDATE story_revisions SET body_paragraphs = body_paragraphs || '["(c) Yonhap"]'::jsonb,
                           content_hash = md5(content_hash), extractor_version = 'yonhap-v2023.0'
                           WHERE article_id = %s""", (article_id,))


@pytest.mark.slow
def test_reprocess_dag_rewrites_rows_of_an_older_extractor(pipeline_env, loaded_night, tmp_path):
    url, site = pipeline_env["database_url"], pipeline_env["site"]
    ids = [r[0] for r in rows(url, "SELECT article_id FROM story_revisions ORDER BY article_id")]
    headline_ids, body_ids = ids[:3], ids[3:5]
    age_rows(url, headline_ids, body_ids)
    requests_before = len(site.requests)
    env = airflow_runs.airflow_env(tmp_path / "airflow")
    airflow_runs.ensure_metadata_db(env)
    logical_date = datetime.now(timezone.utc).isoformat()

    proc = airflow_runs.dags_test("yonhap_reprocess", logical_date, env,
                                  conf={"start": NIGHT.isoformat(), "end": NIGHT.isoformat()})
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    assert len(site.requests) == requests_before
    (run,) = rows(url, """SELECT status, pages, revisions_changed, headlines_changed, bodies_changed,
                                 revisions_unchanged FROM reprocess_runs""")
    assert run == ("ok", loaded_night, 5, 3, 2, loaded_night - 5)
    assert count(url, "SELECT count(*) FROM story_revisions WHERE extractor_version = 'yonhap-v2023.0'") == 0
    assert count(url, "SELECT count(*) FROM story_revisions_superseded WHERE extractor_version = 'yonhap-v2023.0'") == 5
    assert count(url, "SELECT count(*) FROM story_revisions WHERE headline LIKE '%%| Yonhap News Agency'") == 0
    assert_stories_point_at_current_rows(url)

    before = table_checksums(url, TABLES)
    proc = airflow_runs.dags_test("yonhap_reprocess", datetime.now(timezone.utc).isoformat(), env,
                                  conf={"start": NIGHT.isoformat(), "end": NIGHT.isoformat()})
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    assert table_checksums(url, TABLES) == before
    assert rows(url, "SELECT revisions_changed, revisions_added FROM reprocess_runs ORDER BY reprocess_run_id")[-1] == (0, 0)
    assert len(site.requests) == requests_before
