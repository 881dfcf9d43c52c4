"""Crawl one night: run the spider in a subprocess, then record what it fetched.

Scrapy runs in its own process (Twisted's reactor cannot restart inside a long-lived
Airflow worker). The spider archives raw pages itself; this module then records the
manifest (references, never page bodies) in raw_pages, crawl_run_pages and
fetch_failures, in one transaction.

A page that was fetched but could not be archived is recorded (fetch_failures, stage
'archive') and then fails the crawl: the raw store is the one place pages are kept, so a
night with pages missing from it is not done, and Airflow's retry of the task fetches them
again. Pages fetched and archived before the failure stay recorded; keys name the bytes,
so the retry adds nothing twice.

A crawl stopped at WIREDESK_CRAWL_TIMEOUT records what it archived all the same (the manifest is
written line by line) and fails with "crawl timed out"; the next run of the night takes those pages
as its own and asks only for the rest. A run that ends with any error is marked failed with it
(crawl_runs.error), never left 'running'.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from psycopg2.extras import execute_values

from pipelines import config, db, lifelines, verdict
from pipelines.rawstore import RawStoreError, open_store

log = logging.getLogger(__name__)
CRAWL_TIMEOUT_SECONDS = int(os.environ.get("WIREDESK_CRAWL_TIMEOUT", "3600"))


class CrawlError(RuntimeError):
    pass


class CrawlTimeout(CrawlError):
    """The spider ran past WIREDESK_CRAWL_TIMEOUT and was stopped; what it archived is kept."""

    prefix = "crawl timed out"


@dataclass
class CrawlResult:
    crawl_run_id: int
    pages_fetched: int
    pages_archived_new: int
    pages_failed: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def start_crawl_run(conn, *, run_id: str, source: str, start: datetime, end: datetime) -> int:
    """The crawl_runs row for this run and interval (the same row again on a retry of the run)."""
    with conn.cursor() as cur:
        cur.execute(
            """INSERT INTO crawl_runs (run_id, source, interval_start, interval_end)
               VALUES (%s, %s, %s, %s)
               ON CONFLICT (run_id, source, interval_start, interval_end)
               DO UPDATE SET started_at = now(), status = 'running', finished_at = NULL, error = NULL
               RETURNING crawl_run_id""",
            (run_id, source, start, end),
        )
        crawl_run_id = cur.fetchone()[0]
        # A run of this night that a killed process left 'running' past any crawl's timeout has ended.
        cur.execute("""UPDATE crawl_runs SET status = 'failed', finished_at = now(),
                              error = 'abandoned: its process ended without recording an outcome'
                       WHERE source = %s AND interval_start = %s AND crawl_run_id <> %s AND status = 'running'
                         AND started_at < now() - %s * interval '1 second'""",
                    (source, start, crawl_run_id, crawl_timeout_seconds() + 600))
        return crawl_run_id


def run_spider(spider: str, start: datetime, end: datetime, manifest: Path, base_url: str | None = None,
               settings: dict | None = None, spider_args: dict | None = None) -> None:
    """Run `scrapy crawl` in a subprocess; `settings` overrides Scrapy settings (-s NAME=VALUE),
    `spider_args` adds spider arguments (-a NAME=VALUE: surfaces, frontier). Surface reads go to
    MANIFEST with the suffix .discovery.jsonl (pipelines.discovery.record reads them)."""
    args = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"start={start.isoformat()}",
            "-a", f"end={end.isoformat()}", "-s", f"WIREDESK_MANIFEST={manifest}",
            "-s", f"WIREDESK_DISCOVERY_MANIFEST={discovery_manifest(manifest)}"]
    if base_url:
        args += ["-a", f"base_url={base_url}"]
    for name, value in (spider_args or {}).items():
        args += ["-a", f"{name}={value}"]
    for name, value in (settings or {}).items():
        args += ["-s", f"{name}={value}"]
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="spiders.settings",
               PYTHONPATH=os.pathsep.join(filter(None, [str(config.PROJECT_ROOT), os.environ.get("PYTHONPATH")])))
    timeout = crawl_timeout_seconds()
    try:
        proc = subprocess.run(args, cwd=config.PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout,
                              preexec_fn=lifelines.child_preexec())  # the child dies with us
    except subprocess.TimeoutExpired:  # the child is killed; its manifest keeps every page it archived
        raise CrawlTimeout(f"{CrawlTimeout.prefix} after {timeout:g} s (WIREDESK_CRAWL_TIMEOUT): the pages "
                           "archived are kept and catalogued; the next run of the night goes on from there") from None
    if os.environ.get("WIREDESK_DEBUG_CRAWL"):
        sys.stderr.write(proc.stderr)
    tail = "\n".join(proc.stderr.splitlines()[-25:])
    log.info("scrapy finished with exit code %s; log tail:\n%s", proc.returncode, tail)
    if proc.returncode != 0:
        raise CrawlError(f"scrapy crawl {spider} exited with {proc.returncode}:\n{tail}")


def crawl_timeout_seconds() -> float:
    return float(os.environ.get("WIREDESK_CRAWL_TIMEOUT") or CRAWL_TIMEOUT_SECONDS)


def discovery_manifest(manifest: Path) -> Path:
    return manifest.with_suffix(".discovery.jsonl")


def read_manifest(path: Path) -> tuple[list[dict], list[dict]]:
    pages, failures = [], []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                (pages if record["kind"] == "page" else failures).append(record)
    return pages, failures + item_errors(path)


def item_errors(manifest: Path) -> list[dict]:
    """Pages an item pipeline raised on (spiders.extensions.ItemErrorRecorder), as archive failures:
    Scrapy dropped them, so they are in no raw store and the crawl must not pass."""
    path = manifest.with_name(manifest.name + ".errors")
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line) if line.strip() else {}
        if record.get("url"):
            found.append({"kind": "failure", "source": record.get("source") or "yonhap", "url": record["url"],
                          "stage": "archive", "http_status": record.get("http_status"), "attempts": 1,
                          "reason": f"archive_error: item pipeline failed: {record['error']}"})
    return found


def record_manifest(conn, crawl_run_id: int, interval_start: datetime, pages: list[dict], failures: list[dict]) -> None:
    with conn.cursor() as cur:
        if pages:
            insert_raw_pages(cur, pages, crawl_run_id)
            execute_values(cur, "INSERT INTO crawl_run_pages (crawl_run_id, raw_key) VALUES %s ON CONFLICT DO NOTHING",
                           [(crawl_run_id, p["raw_key"]) for p in pages])
            # A url stored now resolves its earlier fetch failures (failures and pages are both under the
            # canonical url, never a redirect hop), whichever night's crawl recorded them.
            cur.execute("""UPDATE fetch_failures SET resolved_at = now()
                           WHERE stage IN ('fetch', 'archive') AND resolved_at IS NULL AND url = ANY(%s)""",
                        ([p["url"] for p in pages],))
        if failures:
            execute_values(cur, """
                INSERT INTO fetch_failures (source, interval_start, url, stage, http_status, reason, attempts,
                                            last_crawl_run_id)
                VALUES %s
                ON CONFLICT (source, interval_start, url, stage) DO UPDATE SET
                    http_status = EXCLUDED.http_status, reason = EXCLUDED.reason,
                    attempts = fetch_failures.attempts + EXCLUDED.attempts, last_failed_at = now(),
                    failed_crawls = fetch_failures.failed_crawls + 1,
                    last_crawl_run_id = EXCLUDED.last_crawl_run_id, resolved_at = NULL""",
                _unique_failures(failures, interval_start, crawl_run_id))
            verdict.retire_failures(cur, crawl_run_id)
        cur.execute("""UPDATE crawl_runs SET status = 'crawled', pages_discovered = %s, pages_fetched = %s,
                              pages_archived_new = %s, pages_failed = %s WHERE crawl_run_id = %s""",
                    (len(pages) + len(failures), len(pages), sum(p["archived_new"] for p in pages),
                     len(failures), crawl_run_id))


def insert_raw_pages(cur, pages: list[dict], crawl_run_id: int | None = None) -> None:
    """raw_pages rows for fetched pages (manifest lines), with where each payload is in WARC: a page
    archived before WARC was written gets its first WARC location; a location is never moved after."""
    execute_values(cur, """
        INSERT INTO raw_pages (raw_key, source, article_id, url, sha256, http_status, content_type,
                               size_bytes, fetched_at, first_crawl_run_id, warc_key, warc_offset,
                               warc_length, warc_record_id, warc_date, warc_payload_digest)
        VALUES %s ON CONFLICT (raw_key) DO UPDATE SET warc_key = EXCLUDED.warc_key,
            warc_offset = EXCLUDED.warc_offset, warc_length = EXCLUDED.warc_length,
            warc_record_id = EXCLUDED.warc_record_id, warc_date = EXCLUDED.warc_date,
            warc_payload_digest = EXCLUDED.warc_payload_digest
        WHERE raw_pages.warc_key IS NULL AND EXCLUDED.warc_key IS NOT NULL""",
        [(p["raw_key"], p["source"], p["article_id"], p["url"], p["sha256"], p["http_status"],
          p["content_type"], p["size_bytes"], p["fetched_at"], crawl_run_id, *warc_columns(p))
         for p in {p["raw_key"]: p for p in reversed(pages)}.values()])  # once a key (DO UPDATE)


def warc_columns(page: dict) -> tuple:
    """raw_pages' WARC columns from a manifest line (spiders/warc.py); all None when not written."""
    return tuple(page.get(name) for name in ("warc_key", "warc_offset", "warc_length", "warc_record_id",
                                             "warc_date", "warc_payload_digest"))


def _unique_failures(failures: list[dict], interval_start: datetime, crawl_run_id: int) -> list[tuple]:
    # One row per (url, stage): a url listed twice in one crawl must not hit ON CONFLICT twice.
    by_key = {(f["url"], f["stage"]): f for f in failures}
    return [(f["source"], interval_start, f["url"], f["stage"], f["http_status"], f["reason"], f["attempts"],
             crawl_run_id) for f in by_key.values()]


def check_raw_store() -> None:
    """Fail before fetching anything when the raw store cannot be reached: nothing fetched could be kept."""
    try:
        open_store().check()
    except RawStoreError as exc:
        raise CrawlError(f"not crawling: {exc}") from None


def archive_failure_message(archive_failures: list[dict], pages: int) -> str:
    """One line naming the raw store (from the first reason) and how many pages it did not take."""
    first = archive_failures[0]["reason"].removeprefix("archive_error: ")
    return (f"{len(archive_failures)} of {len(archive_failures) + pages} fetched pages could not be archived "
            f"(recorded in fetch_failures, stage 'archive'; retry the task): {first}")


def mark_failed(conn, crawl_run_id: int, reason: str) -> None:
    with conn.cursor() as cur:
        cur.execute("""UPDATE crawl_runs SET status = 'failed', finished_at = now(), error = %s,
                              summary = summary || jsonb_build_object('problems', jsonb_build_array(%s::text))
                       WHERE crawl_run_id = %s""", (reason[:2000], reason, crawl_run_id))


def mark_failed_if_possible(crawl_run_id: int, reason: str) -> None:
    """Mark a run that ended with an error failed, with its reason; when the database itself is what
    failed, say so in the log (the next crawl of the night marks a run left 'running' abandoned)."""
    try:
        with db.transaction() as conn:
            mark_failed(conn, crawl_run_id, reason)
    except Exception as exc:  # noqa: BLE001 - the original error is what the caller raises
        log.error("could not mark crawl run %s failed (%s): %s", crawl_run_id, reason.splitlines()[0], exc)


def carried_pages(cur, source: str, start: datetime, end: datetime) -> list[dict]:
    """The pages of the night's latest crawl when that crawl timed out: the next run goes on from them
    (they are this run's pages too, and the spider does not ask for them again)."""
    cur.execute("""SELECT crawl_run_id, error FROM crawl_runs WHERE source = %s AND interval_start = %s
                   AND interval_end = %s ORDER BY started_at DESC, crawl_run_id DESC LIMIT 1""", (source, start, end))
    latest = cur.fetchone()
    if latest is None or not (latest[1] or "").startswith(CrawlTimeout.prefix):
        return []
    cur.execute("""SELECT p.raw_key, p.url, p.article_id FROM crawl_run_pages c JOIN raw_pages p USING (raw_key)
                   WHERE c.crawl_run_id = %s ORDER BY p.raw_key""", (latest[0],))
    return [{"raw_key": key, "url": url, "article_id": article_id} for key, url, article_id in cur.fetchall()]


def check_no_orphan(source: str, start: datetime) -> None:
    """Refuse to crawl beside a scrapy process of an earlier run of this night that is still alive
    (it holds the night's crawl lock: spiders.nightlock)."""
    with db.transaction() as conn:
        if not lifelines.crawl_lock_free(conn, source, start):
            raise CrawlError(f"not crawling: another crawl of {source} for the night starting {start.isoformat()} "
                             "still runs (an orphaned scrapy process of an earlier run?)")


def crawl_night(*, run_id: str, source: str, start: datetime, end: datetime, base_url: str | None = None) -> CrawlResult:
    db.migrate()
    check_raw_store()
    check_no_orphan(source, start)
    with db.transaction() as conn, conn.cursor() as cur:
        carried = carried_pages(cur, source, start, end)
        crawl_run_id = start_crawl_run(conn, run_id=run_id, source=source, start=start, end=end)
        if carried:
            execute_values(cur, "INSERT INTO crawl_run_pages (crawl_run_id, raw_key) VALUES %s ON CONFLICT DO NOTHING",
                           [(crawl_run_id, p["raw_key"]) for p in carried])
    try:
        return _crawl(crawl_run_id, source, start, end, base_url, carried)
    except Exception as exc:
        # never left 'running': a run that ended with an error is failed, with its reason
        mark_failed_if_possible(crawl_run_id, str(exc) or type(exc).__name__)
        raise


def _crawl(crawl_run_id: int, source: str, start: datetime, end: datetime, base_url: str | None,
           carried: list[dict]) -> CrawlResult:
    from pipelines.discovery import frontier

    timed_out = None
    with tempfile.TemporaryDirectory(prefix="wiredesk-crawl-") as work:
        manifest = Path(work) / "manifest.jsonl"
        # the night's frontier (what the discover DAG saw during the day) is fetched with the night
        night_file, frontier_reads = frontier.write_night_file(source, start, end, Path(work) / "frontier.jsonl",
                                                               stored=[p["url"] for p in carried])
        try:
            run_spider(source, start, end, manifest, base_url, spider_args={"frontier": night_file},
                       settings={"WIREDESK_CRAWL_LOCK": " ".join((source, start.isoformat()))})
        except CrawlTimeout as exc:
            timed_out = exc  # what the spider archived before it was stopped is recorded below
        pages, failures = read_manifest(manifest)
        reads = frontier_reads + frontier.read_discovery_manifest(discovery_manifest(manifest))
    archive_failures = [f for f in failures if f["stage"] == "archive"]
    problem = archive_failure_message(archive_failures, len(pages)) if archive_failures else None
    problem = str(timed_out) if timed_out else problem
    with db.transaction() as conn:
        record_manifest(conn, crawl_run_id, start, pages, failures)
        frontier.record_reads(conn, source, reads, crawl_run_id=crawl_run_id)
        if problem:
            mark_failed(conn, crawl_run_id, problem)
    if timed_out:
        raise timed_out
    if problem:
        raise CrawlError(problem)
    result = CrawlResult(crawl_run_id, len(pages), sum(p["archived_new"] for p in pages), len(failures))
    log.info("crawl of %s [%s, %s): %s", source, start, end, result)
    return result
