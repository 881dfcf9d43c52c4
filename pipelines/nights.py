"""The nights an operator looks at: one row per KST night from crawl_runs (its latest run), with the
run summary, failures by reason and the Airflow run's state. Used by the "wiredesk nights" view
(pipelines/nights_view.py) and importable without Airflow.

Reads through WIREDESK_ANALYST_DATABASE_URL (the read-only analyst role, docs/security.md) when set,
else DATABASE_URL; either way in a read-only transaction.
"""
from __future__ import annotations

import os
from datetime import date, datetime, timedelta

from pipelines import db
from pipelines.intervals import KST

ANALYST_URL_ENV = "WIREDESK_ANALYST_DATABASE_URL"
NIGHTLY_DAG_ID = "yonhap_nightly"
# Nights a crawl can plausibly be of: not before any wire copy online (pipelines.validate.EARLIEST), not
# after tomorrow in KST. A run of another night (`pipelines.nightly 2999-01-01`) is listed apart: the
# 90-night window is anchored on the newest plausible night, so one absurd row never hides the others.
EARLIEST_NIGHT = date(1990, 1, 1)
APART_LIMIT = 20

NIGHT = "(c.interval_start AT TIME ZONE 'Asia/Seoul')::date"
COLUMNS = f"""c.crawl_run_id, {NIGHT} AS night, c.run_id, c.status, c.started_at, c.finished_at,
              c.pages_discovered, c.pages_fetched, c.pages_failed, c.pages_failed_extract, c.revisions_new,
              c.stories_new, c.stories_revised, c.stories_unchanged, c.summary,
              (SELECT count(*) FROM crawl_runs o WHERE o.source = c.source AND o.interval_start = c.interval_start)
                  AS runs_of_night,
              (SELECT coalesce(jsonb_object_agg(k, n), '{{}}'::jsonb) FROM (
                   SELECT f.stage || ':' || split_part(f.reason, ':', 1) AS k, count(*) AS n FROM fetch_failures f
                   WHERE f.last_crawl_run_id = c.crawl_run_id AND f.resolved_at IS NULL GROUP BY 1) x)
                  AS failures_by_reason,
              (SELECT count(DISTINCT r.story_id) FROM crawl_run_pages p JOIN story_revisions r USING (raw_key)
               WHERE p.crawl_run_id = c.crawl_run_id) AS stories"""


def reader_url() -> tuple[str, str]:
    """(url, who): the analyst role's URL when configured, else the pipeline's."""
    url = os.environ.get(ANALYST_URL_ENV)
    if url:
        return url, "analyst role (read-only)"
    return db.database_url(), "DATABASE_URL (set WIREDESK_ANALYST_DATABASE_URL to read as the analyst role)"


def _connect(url: str):
    conn = db.connect(url)
    conn.set_session(readonly=True)
    return conn


def _rows(cur) -> list[dict]:
    names = [col.name for col in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def plausible_nights(today: date | None = None) -> tuple[date, date]:
    """(first, last) night a crawl can be of: EARLIEST_NIGHT .. tomorrow in KST."""
    today = today or datetime.now(KST).date()
    return EARLIEST_NIGHT, today + timedelta(days=1)


def latest_nights(days: int = 90, url: str | None = None, today: date | None = None) -> list[dict]:
    """The latest run of each night, for the `days` nights ending at the newest plausible night crawled
    (see plausible_nights; the others are in implausible_nights)."""
    first, last_plausible = plausible_nights(today)
    conn = _connect(url or reader_url()[0])
    try:
        with conn, conn.cursor() as cur:
            cur.execute(f"SELECT max({NIGHT}) FROM crawl_runs c WHERE c.source = 'yonhap' AND {NIGHT} BETWEEN %s AND %s",
                        (first, last_plausible))
            (last,) = cur.fetchone()
            if last is None:
                return []
            cur.execute(f"""SELECT DISTINCT ON ({NIGHT}) {COLUMNS} FROM crawl_runs c
                            WHERE c.source = 'yonhap' AND {NIGHT} BETWEEN %s AND %s
                            ORDER BY {NIGHT} DESC, c.crawl_run_id DESC""",
                        (max(first, last - timedelta(days=days - 1)), last))
            return _rows(cur)
    finally:
        conn.close()


def implausible_nights(url: str | None = None, today: date | None = None) -> list[dict]:
    """The latest run of each night outside plausible_nights (at most APART_LIMIT, newest first)."""
    first, last = plausible_nights(today)
    conn = _connect(url or reader_url()[0])
    try:
        with conn, conn.cursor() as cur:
            cur.execute(f"""SELECT DISTINCT ON ({NIGHT}) {COLUMNS} FROM crawl_runs c
                            WHERE c.source = 'yonhap' AND ({NIGHT} < %s OR {NIGHT} > %s)
                            ORDER BY {NIGHT} DESC, c.crawl_run_id DESC LIMIT %s""", (first, last, APART_LIMIT))
            return _rows(cur)
    finally:
        conn.close()


def runs_of_night(night: date, url: str | None = None) -> list[dict]:
    conn = _connect(url or reader_url()[0])
    try:
        with conn, conn.cursor() as cur:
            cur.execute(f"""SELECT {COLUMNS} FROM crawl_runs c WHERE c.source = 'yonhap' AND {NIGHT} = %s
                            ORDER BY c.crawl_run_id DESC""", (night,))
            return _rows(cur)
    finally:
        conn.close()


def night_of_run(run_id: str, url: str | None = None) -> dict | None:
    """The crawl of an Airflow run of yonhap_nightly, with its open failures (up to 50 urls)."""
    conn = _connect(url or reader_url()[0])
    try:
        with conn, conn.cursor() as cur:
            cur.execute(f"""SELECT {COLUMNS} FROM crawl_runs c WHERE c.run_id = %s
                            ORDER BY c.crawl_run_id DESC LIMIT 1""", (run_id,))
            rows = _rows(cur)
            if not rows:
                return None
            night = rows[0]
            cur.execute("""SELECT stage, url, http_status, reason, attempts FROM fetch_failures
                           WHERE last_crawl_run_id = %s AND resolved_at IS NULL ORDER BY stage, url LIMIT 50""",
                        (night["crawl_run_id"],))
            night["failures"] = _rows(cur)
            return night
    finally:
        conn.close()


def airflow_runs(dag_id: str, run_ids: list[str]) -> dict[str, dict]:
    """Airflow's view of the runs: state, and the task instances that failed (in the api-server process)."""
    if not run_ids:
        return {}
    from airflow.models import DagRun, TaskInstance
    from airflow.utils.session import create_session

    found: dict[str, dict] = {}
    with create_session() as session:
        for run in session.query(DagRun).filter(DagRun.dag_id == dag_id, DagRun.run_id.in_(run_ids)):
            found[run.run_id] = {"state": str(run.state.value if hasattr(run.state, "value") else run.state),
                                 "failed_tasks": []}
        for ti in session.query(TaskInstance).filter(TaskInstance.dag_id == dag_id, TaskInstance.run_id.in_(run_ids),
                                                     TaskInstance.state.in_(["failed", "upstream_failed"])):
            if ti.run_id in found:
                found[ti.run_id]["failed_tasks"].append({"task_id": ti.task_id, "map_index": ti.map_index,
                                                         "try_number": ti.try_number, "state": str(ti.state)})
    for run in found.values():
        run["failed_tasks"].sort(key=lambda t: (t["task_id"], t["map_index"]))
    return found


def problems_and_warnings(summary: dict) -> list[str]:
    """What the check and grouping flagged: the summary's problems and any *warnings key."""
    found = [str(p) for p in summary.get("problems") or []]
    if summary.get("error"):  # a step that failed before the check (pipelines.nightly's summary)
        found.append(f"{summary.get('failed_step') or 'a step'} failed: {summary['error']}")
    for key, value in summary.items():
        if "warning" in key and value:
            found += [f"{key}: {v}" for v in (value if isinstance(value, list) else [value])]
    return found
