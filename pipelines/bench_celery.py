"""A generated night through Airflow on CeleryExecutor, on one worker and then on two: `make bench-celery`.

    python -m pipelines.bench_celery [--pages 1200] [--workers 1 2] [--concurrency 1] [--batch-pages 200]

For each worker count: a fresh wiredesk database, bucket and Airflow metadata database; the stack of
pipelines.celery_local (api-server, scheduler, dag-processor, triggerer, N workers of `--concurrency`
slots, Redis broker, moto S3); the replay site serving a night of `--pages` generated pages; one run
of yonhap_nightly triggered through the REST API. Prints the run's time, the crawl's, and the load's
(first load_batch start to finish_load end), with the pages loaded, so speed sits next to the proof
that the night landed whole. Everything it starts is stopped; databases are dropped.

On one machine, the workers share its cores: `--concurrency 1` makes "one worker" one task slot, so
two workers are what a second machine would add. Other load on the machine shows in the figures.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import uuid
from datetime import date, datetime
from pathlib import Path

import psycopg2

from pipelines import airflow_rest, airflow_runs, db
from pipelines.celery_local import CeleryStack, free_port, redis_broker

DAG_ID = "yonhap_nightly"
NIGHT = date(2023, 6, 1)


def redis_broker_forget(broker_url: str, key_prefix: str) -> None:
    from pipelines.celery_local import Broker

    Broker(broker_url, "").forget(key_prefix)


def _seconds(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    return round((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds(), 1)


def run_once(workers: int, args, server_url: str, s3_endpoint: str, site_url: str, broker_url: str,
             work: Path) -> dict:
    import boto3

    bucket = f"wiredesk-bench-{uuid.uuid4().hex[:8]}"
    boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id="bench", aws_secret_access_key="bench-secret",
                 region_name="us-east-1").create_bucket(Bucket=bucket)
    admin = psycopg2.connect(server_url)
    admin.autocommit = True
    metadata_db = f"airflow_bench_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{metadata_db}"')
    stack = None
    try:
        with db.scratch_database(server_url, prefix="wiredesk_bench_celery") as wiredesk_url:
            env = dict(os.environ, DATABASE_URL=wiredesk_url, WIREDESK_HOME=str(work / "home"),
                       WIREDESK_S3_BUCKET=bucket, WIREDESK_S3_ENDPOINT=s3_endpoint, AWS_ACCESS_KEY_ID="bench",
                       AWS_SECRET_ACCESS_KEY="bench-secret", AWS_DEFAULT_REGION="us-east-1",
                       WIREDESK_YONHAP_BASE_URL=site_url, WIREDESK_ALLOW_LOOPBACK="1", WIREDESK_THROTTLE="0",
                       WIREDESK_LOAD_BATCH_PAGES=str(args.batch_pages),
                       WIREDESK_CRAWL_TIMEOUT=str(args.timeout),
                       AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="1")
            for name in ("WIREDESK_ALERT_WEBHOOK", "WIREDESK_ALERT_EMAIL", "AIRFLOW__CORE__EXECUTOR"):
                env.pop(name, None)
            metadata_url = db.with_database(server_url, metadata_db).replace("postgresql://", "postgresql+psycopg2://", 1)
            stack = CeleryStack(work, metadata_url, broker_url, workers=workers, concurrency=args.concurrency, env=env)
            stack.start()
            airflow_rest.wait_for("the DAG to be parsed",
                                  lambda: airflow_rest.api(stack.base, f"/api/v2/dags/{DAG_ID}", stack.token)[0] == 200,
                                  120)
            airflow_rest.unpause(stack.base, stack.token, DAG_ID)
            run_id = airflow_rest.trigger(stack.base, stack.token, DAG_ID, f"bench-{workers}w",
                                          airflow_runs.logical_date_for_night(NIGHT))
            run = airflow_rest.wait_for_run(stack.base, stack.token, DAG_ID, run_id, args.timeout)
            tis = airflow_rest.task_instances(stack.base, stack.token, DAG_ID, run_id)
            with psycopg2.connect(wiredesk_url) as conn, conn.cursor() as cur:
                cur.execute("SELECT count(*) FROM story_revisions")
                (revisions,) = cur.fetchone()
            conn.close()
            by_task = {}
            for ti in tis:
                by_task.setdefault(ti["task_id"], []).append(ti)
            batches = by_task.get("load_batch", [])
            load_start = min((ti["start_date"] for ti in batches if ti["start_date"]), default=None)
            finish = by_task.get("finish_load", [{}])[0]
            return {
                "workers": workers, "state": run["state"], "pages_loaded": revisions,
                "run_s": _seconds(run.get("start_date"), run.get("end_date")),
                "crawl_s": _seconds(by_task["crawl"][0].get("start_date"), by_task["crawl"][0].get("end_date")),
                "load_s": _seconds(load_start, finish.get("end_date")),
                "batches": len(batches),
                "hosts": sorted({ti.get("hostname") for ti in batches}),
            }
    finally:
        if stack is not None:
            left = stack.stop()
            if left:
                print(f"warning: could not end {[p.pid for p in left]}", file=sys.stderr)
            redis_broker_forget(broker_url, stack.key_prefix)
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{metadata_db}" WITH (FORCE)')
        admin.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.bench_celery", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1200, help="pages in the generated night (default 1200)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to run (default 1 2)")
    parser.add_argument("--concurrency", type=int, default=1, help="task slots per worker (default 1)")
    parser.add_argument("--batch-pages", type=int, default=200, help="WIREDESK_LOAD_BATCH_PAGES (default 200)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds to wait for a run (default 1800)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    from moto.server import ThreadedMotoServer

    from replay.generate import generate_night
    from replay.server import ReplaySite

    work_root = Path(tempfile.mkdtemp(prefix="wiredesk-bench-celery-"))
    server_url = db.available_server_url(work_root / "pg")
    broker = redis_broker(work_root / "redis")
    if isinstance(broker, str):
        print(f"bench-celery: no broker: {broker}", file=sys.stderr)
        return 2
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    s3_port = free_port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    s3.start()
    site = ReplaySite(nights=[generate_night(NIGHT, args.pages)]).start()
    results = []
    try:
        print(f"bench-celery: {args.pages} generated pages, night {NIGHT}, batches of {args.batch_pages}, "
              f"{args.concurrency} task slot(s) per worker, {os.cpu_count()} cores, broker: {broker.description}",
              flush=True)
        for n in args.workers:
            t0 = time.monotonic()
            result = run_once(n, args, server_url, f"http://127.0.0.1:{s3_port}", site.base_url, broker.url,
                              work_root / f"{n}w")
            result["wall_s"] = round(time.monotonic() - t0, 1)
            results.append(result)
            print(f"  {n} worker(s): run {result['run_s']} s (crawl {result['crawl_s']} s, load {result['load_s']} s"
                  f" over {result['batches']} batches on {len(result['hosts'])} host(s)), state {result['state']}, "
                  f"{result['pages_loaded']} of {args.pages} pages loaded; stack up and down {result['wall_s']} s",
                  flush=True)
    finally:
        site.stop()
        s3.stop()
        broker.stop()
    if len(results) >= 2 and all(r["load_s"] for r in results):
        one, two = results[0], results[-1]
        print(f"  load speed-up {one['workers']} -> {two['workers']} workers: {one['load_s'] / two['load_s']:.2f}x; "
              f"whole run: {one['run_s'] / two['run_s']:.2f}x")
    ok = all(r["state"] == "success" and r["pages_loaded"] == args.pages for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
