"""The real yonhap_nightly DAG, run by `airflow dags test`, against the replay site, a real
PostgreSQL server and an S3-protocol server over HTTP."""
from __future__ import annotations

from datetime import date

import pytest

from helpers import count, table_checksums
from pipelines import airflow_runs

pytestmark = pytest.mark.slow
NIGHT = date(2023, 5, 10)


@pytest.fixture
def airflow_env(pipeline_env, tmp_path):
    env = airflow_runs.airflow_env(tmp_path / "airflow")
    airflow_runs.ensure_metadata_db(env)
    return env


def run_dag(env, night=NIGHT):
    proc = airflow_runs.dags_test("yonhap_nightly", airflow_runs.logical_date_for_night(night), env)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    return proc


def test_nightly_dag_end_to_end_and_rerun_changes_nothing(pipeline_env, airflow_env):
    url = pipeline_env["database_url"]
    run_dag(airflow_env)
    for table in ("stories", "story_revisions", "raw_pages", "crawl_run_pages"):
        assert count(url, f"SELECT count(*) FROM {table}") > 0, table
    assert count(url, "SELECT count(*) FROM crawl_runs WHERE status = 'ok'") == 1
    # the run crawled the KST day before its 01:30 KST logical date
    assert count(url, "SELECT count(*) FROM crawl_runs WHERE interval_start = '2023-05-10T00:00:00+09:00'") == 1
    listed = pipeline_env["client"].list_objects_v2(Bucket=pipeline_env["WIREDESK_S3_BUCKET"], Prefix="raw/")
    keys = sorted(obj["Key"] for obj in listed["Contents"])
    assert keys and all(key.startswith("raw/yonhap/2023/05/10/") for key in keys)
    assert count(url, "SELECT count(*) FROM raw_pages") == len(keys)

    before = table_checksums(url)
    run_dag(airflow_env)
    assert table_checksums(url) == before
    listed = pipeline_env["client"].list_objects_v2(Bucket=pipeline_env["WIREDESK_S3_BUCKET"], Prefix="raw/")
    assert sorted(obj["Key"] for obj in listed["Contents"]) == keys


def test_failed_fetches_land_in_fetch_failures_through_the_dag(pipeline_env, airflow_env):
    from replay.stories import nights

    victim = next(a.article_id for n in nights() for a in n.articles if a.published.date() == NIGHT)
    pipeline_env["site"].add_fault(victim, "404")
    run_dag(airflow_env)
    url = pipeline_env["database_url"]
    assert count(url, "SELECT count(*) FROM fetch_failures WHERE url LIKE %s AND reason = 'http_404'",
                 (f"%{victim}",)) == 1


def test_a_night_without_pages_maps_no_batch_and_the_check_still_fails_it(pipeline_env, airflow_env):
    """Zero pages map zero load_batch tasks (skipped); finish_load (none_failed) and the check must run
    anyway, so an empty night fails loudly instead of passing with skipped tasks."""
    proc = airflow_runs.dags_test("yonhap_nightly", airflow_runs.logical_date_for_night(date(2023, 5, 20)), airflow_env)
    url = pipeline_env["database_url"]
    assert count(url, "SELECT count(*) FROM load_batches") == 0
    assert count(url, """SELECT count(*) FROM crawl_runs WHERE status = 'failed'
                         AND summary->'problems' ? 'the night yielded zero stories'""") == 1, proc.stdout[-3000:]
