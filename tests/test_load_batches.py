"""The load in batches (what the DAG maps over workers), the process-pool guard, and the refusal of
single-machine defaults under a distributed executor; on real PostgreSQL, moto S3 and the replay site."""
from __future__ import annotations

import logging
import os
import multiprocessing
from datetime import date

import pytest

from helpers import count, table_checksums
from pipelines import config, db, load, nightly, rawstore

NIGHT = date(2023, 5, 10)


@pytest.fixture
def crawled(pipeline_env, monkeypatch):
    monkeypatch.setenv("WIREDESK_LOAD_BATCH_PAGES", "4")
    return nightly.crawl_night(NIGHT, "test-batches")


def test_batches_cover_every_page_once_in_key_order(pipeline_env, crawled):
    run = crawled["crawl_run_id"]
    batches = load.plan_batches(run)
    keys = [k for (k,) in _rows(pipeline_env, "SELECT raw_key FROM crawl_run_pages WHERE crawl_run_id = %s "
                                              "ORDER BY raw_key", (run,))]
    assert len(keys) == crawled["pages_fetched"] > 4
    assert [b["batch_no"] for b in batches] == list(range(len(batches)))
    assert [b["pages"] for b in batches[:-1]] == [4] * (len(batches) - 1) and 1 <= batches[-1]["pages"] <= 4
    assert sum(b["pages"] for b in batches) == len(keys)
    for batch in batches:  # only keys travel (XCom), and the ranges do not overlap
        assert set(batch) == {"crawl_run_id", "batch_no", "first_key", "last_key", "pages"}
        assert [k for k in keys if batch["first_key"] <= k <= batch["last_key"]] == \
            keys[batch["batch_no"] * 4: batch["batch_no"] * 4 + batch["pages"]]


def test_batches_load_like_the_whole_run_and_a_retried_batch_writes_nothing(pipeline_env, crawled):
    url, run = pipeline_env["database_url"], crawled["crawl_run_id"]
    batches = nightly.plan_load(run)
    results = [nightly.load_batch(batch) for batch in reversed(batches)]  # any order: workers race
    assert sum(r["revisions_new"] for r in results) == crawled["pages_fetched"]
    assert count(url, "SELECT count(*) FROM crawl_runs WHERE status = 'loaded'") == 0  # not before finish_load
    before = table_checksums(url)

    # A worker died after the commit of batch 1, before Airflow heard: the retry writes nothing and
    # reports what the batch wrote, so the run's totals stay exact.
    again = nightly.load_batch(batches[1])
    assert again == results[-2] and again["revisions_new"] == 4
    assert table_checksums(url) == before

    totals = nightly.finish_load(run, len(batches))
    assert totals["revisions_new"] == totals["revisions_seen"] == totals["pages"] == crawled["pages_fetched"]
    assert count(url, "SELECT revisions_new FROM crawl_runs WHERE crawl_run_id = %s", (run,)) == \
        count(url, "SELECT count(*) FROM story_revisions")
    assert nightly.group_run(run)["revisions_grouped"] == crawled["pages_fetched"]
    assert nightly.check_run(run)["stories"] > 0

    # A new load of the run (a rerun of the night) plans afresh and counts nothing new.
    rerun = nightly.load_run(run)
    assert rerun["revisions_new"] == 0 and rerun["revisions_seen"] == crawled["pages_fetched"]


def test_finish_load_refuses_a_run_with_a_batch_missing(pipeline_env, crawled):
    run = crawled["crawl_run_id"]
    batches = load.plan_batches(run)
    for batch in batches[:-1]:
        load.load_batch(batch)
    with pytest.raises(RuntimeError, match=rf"{len(batches) - 1} of {len(batches)} planned batches"):
        load.finish_load(run, len(batches))
    assert count(pipeline_env["database_url"], "SELECT count(*) FROM crawl_runs WHERE status = 'loaded'") == 0


def test_a_batch_whose_pages_changed_since_planning_fails_clearly(pipeline_env, crawled):
    run = crawled["crawl_run_id"]
    batch = dict(load.plan_batches(run)[0], pages=3)
    with pytest.raises(RuntimeError, match="planned with 3 pages and now has 4"):
        load.load_batch(batch)


def test_a_night_without_pages_plans_no_batch_and_finishes_empty(pipeline_env):
    crawled = nightly.crawl_night(date(2023, 1, 1), "test-empty-night")
    assert load.plan_batches(crawled["crawl_run_id"]) == []
    assert nightly.finish_load(crawled["crawl_run_id"], 0)["pages"] == 0


# ---------------------------------------------------------------- no process pool where it cannot live


def _extract_in_daemon(pages, queue):
    try:
        queue.put(("ok", [failure for _, _, failure in load.map_extract(pages)]))
    except BaseException as exc:  # what a Celery prefork worker saw: AssertionError from multiprocessing
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


def test_map_extract_in_a_daemonic_process_extracts_without_a_pool(pipeline_env, crawled, monkeypatch):
    """Celery's prefork pool runs tasks in daemonic processes, which may not start children."""
    monkeypatch.setenv("WIREDESK_EXTRACT_WORKERS", "2")
    pages = _rows(pipeline_env, "SELECT p.raw_key, p.url FROM crawl_run_pages c JOIN raw_pages p USING (raw_key) "
                                "WHERE crawl_run_id = %s", (crawled["crawl_run_id"],))
    assert len(pages) >= 8  # enough for map_extract to want a pool
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_extract_in_daemon, args=(pages, queue), daemon=True)
    child.start()
    outcome, value = queue.get(timeout=120)
    child.join(30)
    assert outcome == "ok", value
    assert value == [None] * len(pages)


def test_map_extract_inside_an_airflow_task_avoids_the_pool(pipeline_env, crawled, monkeypatch, caplog):
    monkeypatch.setenv("WIREDESK_EXTRACT_WORKERS", "2")
    assert load.pool_refusal() is None  # a night run by hand keeps its pool
    monkeypatch.setenv("AIRFLOW_CTX_TASK_ID", "load_batch")  # what Airflow's task runner exports
    assert "Airflow task" in load.pool_refusal()
    pages = _rows(pipeline_env, "SELECT p.raw_key, p.url FROM crawl_run_pages c JOIN raw_pages p USING (raw_key) "
                                "WHERE crawl_run_id = %s", (crawled["crawl_run_id"],))
    with caplog.at_level(logging.INFO, logger="pipelines.load"):
        results = list(load.map_extract(pages))
    assert [failure for _, _, failure in results] == [None] * len(pages)
    assert "without a pool of 2" in caplog.text


# ---------------------------------------------------------------- single-machine defaults refused


@pytest.mark.parametrize("executor", ["CeleryExecutor", "airflow.providers.celery.executors.celery_executor.CeleryExecutor",
                                      "LocalExecutor,CeleryExecutor", "KubernetesExecutor"])
def test_distributed_executor_refuses_local_raw_folder_and_embedded_database(executor, monkeypatch, tmp_path):
    monkeypatch.setenv("AIRFLOW__CORE__EXECUTOR", executor)
    monkeypatch.setenv("WIREDESK_HOME", str(tmp_path))
    monkeypatch.delenv("WIREDESK_S3_BUCKET", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(config.SingleMachineSetting, match=r"local raw folder .*WIREDESK_S3_BUCKET.*docs/scaling.md"):
        rawstore.open_store()
    with pytest.raises(config.SingleMachineSetting, match=r"embedded PostgreSQL .*Set DATABASE_URL"):
        db.database_url()
    assert not (tmp_path / "pgdata").exists() and not (tmp_path / "raw").exists()  # nothing started or made


def test_shared_settings_pass_under_celery_and_local_defaults_stay_for_one_machine(s3_env, monkeypatch, tmp_path):
    monkeypatch.setenv("AIRFLOW__CORE__EXECUTOR", "CeleryExecutor")
    monkeypatch.setenv("DATABASE_URL", "postgresql://wiredesk@db.example:5432/wiredesk")
    assert isinstance(rawstore.open_store(), rawstore.S3RawStore)
    assert db.database_url() == "postgresql://wiredesk@db.example:5432/wiredesk"
    monkeypatch.setenv("AIRFLOW__CORE__EXECUTOR", "LocalExecutor")
    monkeypatch.delenv("WIREDESK_S3_BUCKET")
    monkeypatch.setenv("WIREDESK_HOME", str(tmp_path))
    assert isinstance(rawstore.open_store(), rawstore.LocalRawStore)


GUARD_PROBE = """
import os
from pipelines import config, rawstore
def attempt():
    try:
        return type(rawstore.open_store()).__name__
    except config.SingleMachineSetting as exc:
        return f"refused: {exc}"
print(attempt())
os.environ["AIRFLOW__CORE__EXECUTOR"] = "LocalExecutor"  # the environment wins over airflow.cfg, as in Airflow
print(attempt())
"""
AIRFLOW_PROBE = """
import os
from airflow.configuration import conf
print(conf.get("core", "executor"))
os.environ["AIRFLOW__CORE__EXECUTOR"] = "LocalExecutor"
print(conf.get("core", "executor"))
"""


def test_the_guard_reads_the_executor_as_airflow_resolves_it_from_airflow_cfg(tmp_path):
    """A Celery worker whose executor is set only in its airflow.cfg, with the S3 settings forgotten: refused,
    as Airflow itself reads that file; the environment variable still wins over the file, as in Airflow."""
    import subprocess
    import sys

    home = tmp_path / "airflow"
    home.mkdir()
    (home / "airflow.cfg").write_text("[core]\nexecutor = CeleryExecutor\nload_examples = False\n")
    env = dict(os.environ, AIRFLOW_HOME=str(home), WIREDESK_HOME=str(tmp_path / "wiredesk"))
    for name in ("AIRFLOW__CORE__EXECUTOR", "AIRFLOW_CONFIG", "WIREDESK_S3_BUCKET", "WIREDESK_S3_CONN_ID"):
        env.pop(name, None)

    def run(code: str) -> list[str]:
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                              cwd=config.PROJECT_ROOT)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip().splitlines()[-2:]

    assert run(AIRFLOW_PROBE) == ["CeleryExecutor", "LocalExecutor"]  # what Airflow makes of that home
    refused, allowed = run(GUARD_PROBE)
    assert refused.startswith("refused: a local raw folder (WIREDESK_S3_BUCKET is unset) is for a single machine, "
                              f"and Airflow's executor is CeleryExecutor ([core] executor in {home / 'airflow.cfg'})")
    assert allowed == "LocalRawStore"


def _rows(env, sql, params=()):
    import psycopg2

    with psycopg2.connect(env["database_url"]) as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        rows = [tuple(r) for r in cur.fetchall()]
    conn.close()
    return rows
