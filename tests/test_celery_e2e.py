"""yonhap_nightly on Airflow's distributed engine: CeleryExecutor with two workers, end to end.

Separate processes, as on several machines: PostgreSQL (a scratch metadata database, also the
Celery result backend), Redis as broker (the machine's, else a redis-server started here, else
skipped), moto's S3 server, the replay site, `airflow api-server`, `scheduler`, `dag-processor`,
`triggerer` and two `airflow celery worker`s (pipelines.celery_local). Two nights go through the
REST API; during the second, the worker running a load batch is SIGKILLed with its whole session,
and the run must still complete on the other worker with nothing lost or duplicated.

Started once for the module (about 4 min on two loaded cores); the tests read what it left.
"""
from __future__ import annotations

import os
import time
import uuid
from datetime import date
from importlib.util import find_spec

import psycopg2
import pytest

from pipelines import airflow_local, airflow_runs, airflow_rest, db
from pipelines.celery_local import CeleryStack, redis_broker
from pipelines.intervals import night_window

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(airflow_local.airflow_executable() is None, reason="no `airflow` executable installed"),
    pytest.mark.skipif(find_spec("airflow.providers.celery") is None,
                       reason="apache-airflow-providers-celery not installed (make venv)"),
    pytest.mark.skipif(find_spec("asyncpg") is None, reason="asyncpg not installed (make venv)"),
]
DAG_ID = "yonhap_nightly"
NIGHTS = [date(2023, 5, 9), date(2023, 5, 10)]
RUN_TIMEOUT = 300
# Seconds, not Airflow's 300: how long a task may go without a heartbeat before the scheduler
# counts it lost and retries it (load_batch retries 10-20 s later).
HEARTBEAT_TIMEOUT = "20"
# A night of the replay site has 15-20 pages: two or three batches; a full one asks map_extract
# for a pool of 2 (WIREDESK_EXTRACT_WORKERS), which must not be tried inside a Celery prefork worker.
BATCH_PAGES = 8


def night_article_ids(night: date) -> set[str]:
    from replay.stories import nights

    start, end = night_window(night)
    return {a.article_id for n in nights() for a in n.articles if start <= a.published < end}


def batches_of(night: date) -> int:
    return -(-len(night_article_ids(night)) // BATCH_PAGES)


def rows(url: str, sql: str, params=()) -> list[tuple]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return [tuple(r) for r in cur.fetchall()]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def celery_nights(tmp_path_factory, pg_server_url, s3_server):
    """Start the stack, run night 1, run night 2 killing a worker mid-load, stop everything."""
    import boto3

    from replay.server import ReplaySite

    work = tmp_path_factory.mktemp("celery-e2e")
    broker = redis_broker(work / "redis")
    if isinstance(broker, str):
        pytest.skip(broker)
    started = time.monotonic()
    bucket = f"wiredesk-celery-{uuid.uuid4().hex[:8]}"
    s3_env = {"WIREDESK_S3_BUCKET": bucket, "WIREDESK_S3_ENDPOINT": s3_server, "AWS_ACCESS_KEY_ID": "testing-key",
              "AWS_SECRET_ACCESS_KEY": "testing-secret-0123456789", "AWS_DEFAULT_REGION": "us-east-1"}
    s3 = boto3.client("s3", endpoint_url=s3_server, aws_access_key_id=s3_env["AWS_ACCESS_KEY_ID"],
                      aws_secret_access_key=s3_env["AWS_SECRET_ACCESS_KEY"], region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    site = ReplaySite().start()
    stack = None
    info = {"broker": broker.description, "timings": {}, "killed": None, "runs": {}}
    admin = psycopg2.connect(pg_server_url)
    admin.autocommit = True
    metadata_db = f"airflow_celery_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{metadata_db}"')
    try:
        with db.scratch_database(pg_server_url, prefix="wiredesk_celery") as wiredesk_url:
            env = dict(os.environ, **s3_env, DATABASE_URL=wiredesk_url, WIREDESK_HOME=str(work / "home"),
                       WIREDESK_YONHAP_BASE_URL=site.base_url, WIREDESK_ALLOW_LOOPBACK="1", WIREDESK_THROTTLE="0",
                       WIREDESK_LOAD_BATCH_PAGES=str(BATCH_PAGES), WIREDESK_EXTRACT_WORKERS="2",
                       AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT=HEARTBEAT_TIMEOUT,
                       AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL="2",
                       AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL="2",
                       AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="1")
            for name in ("WIREDESK_ALERT_WEBHOOK", "WIREDESK_ALERT_EMAIL", "AIRFLOW__CORE__EXECUTOR"):
                env.pop(name, None)
            metadata_url = db.with_database(pg_server_url, metadata_db).replace(
                "postgresql://", "postgresql+psycopg2://", 1)
            stack = CeleryStack(work, metadata_url, broker.url, workers=2, concurrency=1, env=env)
            info["stack"] = stack
            stack.start()
            info["timings"]["started"] = round(time.monotonic() - started, 1)
            base, token = stack.base, stack.token
            airflow_rest.wait_for("the DAG to be parsed",
                                  lambda: airflow_rest.api(base, f"/api/v2/dags/{DAG_ID}", token)[0] == 200, 90)
            airflow_rest.unpause(base, token, DAG_ID)

            first, second = NIGHTS
            t0 = time.monotonic()
            run1 = airflow_rest.trigger(base, token, DAG_ID, f"celery-{first}",
                                        airflow_runs.logical_date_for_night(first))
            info["runs"][first] = {"run_id": run1, "dag_run": airflow_rest.wait_for_run(base, token, DAG_ID, run1,
                                                                                       RUN_TIMEOUT)}
            info["timings"]["night1"] = round(time.monotonic() - t0, 1)

            t0 = time.monotonic()
            run2 = airflow_rest.trigger(base, token, DAG_ID, f"celery-{second}",
                                        airflow_runs.logical_date_for_night(second))
            info["killed"] = kill_a_worker_running_a_batch(stack, run2)
            info["runs"][second] = {"run_id": run2, "dag_run": airflow_rest.wait_for_run(base, token, DAG_ID, run2,
                                                                                        RUN_TIMEOUT)}
            info["timings"]["night2_with_kill"] = round(time.monotonic() - t0, 1)
            for night, run in info["runs"].items():
                run["tis"] = airflow_rest.task_instances(base, token, DAG_ID, run["run_id"])
            info["workers"] = {name: worker_process_view(stack, name) for name in stack.worker_names}
            info["redis_keys_during"] = [k.decode() for k in broker.keys(stack.key_prefix)]
            info["redis_queue_keys"] = [k.decode() for k in broker.keys("") if stack.queue.encode() in k]
            info["bucket"] = sorted(o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="raw/")
                                    for o in page.get("Contents", []))
            info["db"] = {
                "revisions": rows(wiredesk_url, "SELECT article_id, raw_key FROM story_revisions"),
                "raw_keys": [r[0] for r in rows(wiredesk_url, "SELECT raw_key FROM raw_pages")],
                "crawl_runs": rows(wiredesk_url, """SELECT run_id, status, pages_fetched, revisions_new, revisions_seen,
                                                   pages_failed, pages_failed_extract FROM crawl_runs"""),
                "batches": rows(wiredesk_url, """SELECT r.run_id, count(*), sum(b.pages) FROM load_batches b
                                                 JOIN crawl_runs r USING (crawl_run_id) GROUP BY r.run_id"""),
                "failures": rows(wiredesk_url, "SELECT url, stage, reason FROM fetch_failures"),
                "ungrouped": rows(wiredesk_url, "SELECT count(*) FROM story_revisions WHERE story_id IS NULL")[0][0],
            }
            info["left"] = stack.stop()
            info["redis_keys_forgotten"] = broker.forget(stack.key_prefix)
            info["redis_keys_left"] = [k.decode() for k in broker.keys(stack.key_prefix)]
            info["timings"]["total"] = round(time.monotonic() - started, 1)
            yield info
    finally:
        if stack is not None and "left" not in info:
            info["left"] = stack.stop()
        if stack is not None:
            broker.forget(stack.key_prefix)
        broker.stop()
        site.stop()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{metadata_db}" WITH (FORCE)')
        admin.close()


def worker_process_view(stack: CeleryStack, name: str) -> dict:
    """Where a live worker process runs (its environment is not readable back: setproctitle overwrites
    /proc/<pid>/environ; its homes are checked by what it wrote there)."""
    component = stack.components[name]
    if not component.alive:
        return {"alive": False}
    return {"alive": True, "cwd": os.readlink(f"/proc/{component.process.pid}/cwd")}


def kill_a_worker_running_a_batch(stack: CeleryStack, run_id: str) -> dict:
    """Wait until a load_batch task instance runs on one of the workers, then SIGKILL that worker's session."""
    hostnames = {stack.worker_task_hostname(name): name for name in stack.worker_names}

    def running_batch():
        for ti in airflow_rest.task_instances(stack.base, stack.token, DAG_ID, run_id):
            if ti["task_id"] == "load_batch" and ti["state"] == "running" and ti.get("hostname") in hostnames:
                return ti
        return None

    ti = airflow_rest.wait_for("a load_batch task to run on a worker", running_batch, RUN_TIMEOUT, interval=0.3)
    worker = hostnames[ti["hostname"]]
    processes = stack.kill_worker(worker)
    return {"worker": worker, "map_index": ti["map_index"], "try_number": ti["try_number"], "processes": processes,
            "survivor": next(n for n in stack.worker_names if n != worker)}


def test_both_nights_succeed_with_every_task(celery_nights):
    for night, run in celery_nights["runs"].items():
        states = {(ti["task_id"], ti["map_index"]): ti["state"] for ti in run["tis"]}
        assert run["dag_run"]["state"] == "success", (night, states, celery_nights["stack"].tail("scheduler"))
        assert set(states.values()) == {"success"}, (night, states)
        tasks = {task for task, _ in states}
        assert tasks == {"crawl", "plan_batches", "load_batch", "finish_load", "group", "check"}, tasks
        assert sorted(i for task, i in states if task == "load_batch") == list(range(batches_of(night)))


def task_logs(home, task_id: str = "*") -> list:
    return sorted((home / "logs").glob(f"dag_id=yonhap_nightly/run_id=*/task_id={task_id}/**/*.log"))


def test_load_batches_extracted_without_a_pool_in_the_prefork_workers(celery_nights):
    """WIREDESK_EXTRACT_WORKERS=2 asked for a pool; inside Celery's prefork pool map_extract must not start one."""
    stack = celery_nights["stack"]
    logs = [p for name in stack.worker_names for p in task_logs(stack.worker_home(name), "load_batch")]
    said = [p for p in logs if "without a pool of 2: this is a daemonic process" in p.read_text(errors="replace")]
    assert said, [str(p) for p in logs]


def test_tasks_ran_on_both_workers(celery_nights):
    stack = celery_nights["stack"]
    expected = {stack.worker_task_hostname(name) for name in stack.worker_names}
    first = celery_nights["runs"][NIGHTS[0]]["tis"]
    assert {ti["hostname"] for ti in first} == expected, [(ti["task_id"], ti["hostname"]) for ti in first]
    # the two batches of the undisturbed night ran in parallel, one on each worker
    assert {ti["hostname"] for ti in first if ti["task_id"] == "load_batch"} == expected


def test_the_killed_workers_batch_ran_again_on_the_other_worker(celery_nights):
    killed, stack = celery_nights["killed"], celery_nights["stack"]
    assert killed["processes"] >= 2  # the worker and at least the task it was running
    (ti,) = [ti for ti in celery_nights["runs"][NIGHTS[1]]["tis"]
             if ti["task_id"] == "load_batch" and ti["map_index"] == killed["map_index"]]
    assert ti["state"] == "success" and ti["try_number"] > killed["try_number"], ti
    assert ti["hostname"] == stack.worker_task_hostname(killed["survivor"]), ti


def test_tables_and_bucket_hold_exactly_the_nights_pages(celery_nights):
    found = celery_nights["db"]
    expected_ids = set().union(*(night_article_ids(n) for n in NIGHTS))
    keys = celery_nights["bucket"]
    assert len(keys) == len(expected_ids) and sorted(found["raw_keys"]) == keys
    prefixes = {f"raw/yonhap/{n:%Y/%m/%d}/" for n in NIGHTS}
    assert all(key[:len("raw/yonhap/2023/05/09/")] in prefixes for key in keys)
    revisions = found["revisions"]
    assert sorted(a for a, _ in revisions) == sorted(expected_ids)  # each page once: nothing lost or doubled
    assert sorted(k for _, k in revisions) == keys
    assert found["ungrouped"] == 0 and found["failures"] == []
    runs = {run_id: rest for run_id, *rest in found["crawl_runs"]}
    assert set(runs) == {f"celery-{n}" for n in NIGHTS}
    for night in NIGHTS:
        status, fetched, new, seen, failed, failed_extract = runs[f"celery-{night}"]
        pages = len(night_article_ids(night))
        # exact counts although a batch was retried after its worker died: one load_batches row each
        assert (status, fetched, new, seen, failed, failed_extract) == ("ok", pages, pages, pages, 0, 0)
    assert sorted(found["batches"]) == sorted((f"celery-{n}", batches_of(n), len(night_article_ids(n))) for n in NIGHTS)


def test_each_worker_has_its_own_home_and_directory(celery_nights):
    """As on separate machines: a worker's AIRFLOW_HOME, WIREDESK_HOME and working directory are its own, and
    the task logs of what it ran are in its home only (the api-server fetches them from its log server)."""
    stack = celery_nights["stack"]
    survivor = celery_nights["killed"]["survivor"]
    seen = celery_nights["workers"][survivor]
    assert seen == {"alive": True, "cwd": str(stack.worker_dir(survivor))}, seen
    assert len({stack.worker_dir(n) for n in stack.worker_names}) == len(stack.worker_names)
    for name in stack.worker_names:  # each worker's Airflow wrote its own airflow.cfg into its own home
        assert (stack.worker_home(name) / "airflow.cfg").is_file(), name
    assert task_logs(stack.home) == []  # nothing ran where the scheduler and api-server live
    first = celery_nights["runs"][NIGHTS[0]]["tis"]
    # started with its own WIREDESK_HOME (nothing a task writes lands there with S3 and DATABASE_URL set)
    homes = {stack.components[n].extra["WIREDESK_HOME"] for n in stack.worker_names}
    assert homes == {str(stack.worker_dir(n) / "home") for n in stack.worker_names}
    for name in stack.worker_names:
        ran = {(ti["task_id"], ti["map_index"]) for ti in first if ti["hostname"] == stack.worker_task_hostname(name)}
        run_id = celery_nights["runs"][NIGHTS[0]]["run_id"]
        logged = {log_task(p) for p in task_logs(stack.worker_home(name)) if f"run_id={run_id}" in str(p)}
        assert ran and logged == ran, (name, ran, logged)


def log_task(path) -> tuple[str, int]:
    """(task id, map index) of a task log path: .../task_id=T/[map_index=N/]attempt=K.log."""
    parts = {part.split("=", 1)[0]: part.split("=", 1)[1] for part in path.parts if "=" in part}
    return parts["task_id"], int(parts.get("map_index", -1))


def test_the_stacks_redis_keys_are_its_own_and_removed_afterwards(celery_nights):
    prefix = celery_nights["stack"].key_prefix
    during = celery_nights["redis_keys_during"]
    assert during and all(key.startswith(prefix) for key in during), during
    assert all(key.startswith(prefix) for key in celery_nights["redis_queue_keys"]), celery_nights["redis_queue_keys"]
    assert celery_nights["redis_keys_forgotten"] >= 1 and celery_nights["redis_keys_left"] == []


def test_nothing_left_running(celery_nights):
    left = celery_nights["left"]
    assert not left, [f"{p.pid} {p.cmd}" for p in left]
    print("celery e2e timings:", celery_nights["timings"], "broker:", celery_nights["broker"])
