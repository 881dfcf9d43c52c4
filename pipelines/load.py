"""Extract the pages a crawl archived and load them as story revisions.

Pages are read back from the raw archive (never from the crawl's memory), so loading a
night and re-extracting it later are the same code. A run's pages are cut into batches of
raw-key ranges (plan_batches); each batch is extracted and written in one transaction with
upserts on (article_id, content_hash) and recorded in load_batches (load_batch), so a rerun,
a retried batch or a crash-and-rerun adds nothing twice; finish_load sums the batches.

Extraction is the CPU cost of the pipeline. Under Airflow the DAG maps load_batch over the
batches, so the engine spreads them over its workers; a process pool is used only where it
is safe (a night run by hand, the benchmark), never inside an Airflow task or a daemonic
process such as a task in Celery's prefork pool (see pool_refusal).
"""
from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from psycopg2.extras import Json, execute_values

from pipelines import db, lifelines
from pipelines.extract import ExtractionError, extract
from pipelines.rawstore import RawPageUnreadable, open_store

log = logging.getLogger(__name__)
BATCH_SIZE = 200
CONTENT_FIELDS = ("headline", "revision_label", "attn", "byline", "dateline", "section",
                  "published_at", "body_paragraphs", "captions")


@dataclass
class LoadResult:
    pages: int = 0
    revisions_new: int = 0
    revisions_seen: int = 0
    pages_failed: int = 0
    failures_by_reason: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def content_hash(record: dict) -> str:
    """The identity of a version's content: what a reader sees, not when it was fetched."""
    content = {name: record.get(name) for name in CONTENT_FIELDS}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


_worker_store = None


def extract_archived(raw_key: str, url: str) -> tuple[str, dict | None, str | None]:
    """In a worker: read one archived page and extract it. Returns (raw_key, record, failure reason)."""
    global _worker_store
    if _worker_store is None:
        _worker_store = open_store()
    try:
        html = _worker_store.get_page(raw_key)
        return raw_key, extract(html, url=url), None
    except ExtractionError as exc:
        return raw_key, None, str(exc)
    except RawPageUnreadable as exc:  # this page only (missing, truncated): recorded, the next crawl re-fetches it
        return raw_key, None, f"raw_unreadable: {exc}"


def extraction_workers() -> int:
    return max(1, int(os.environ.get("WIREDESK_EXTRACT_WORKERS") or os.cpu_count() or 1))


def batch_size() -> int:
    """Pages per load batch (one mapped task, one transaction): WIREDESK_LOAD_BATCH_PAGES or BATCH_SIZE."""
    return max(1, int(os.environ.get("WIREDESK_LOAD_BATCH_PAGES") or BATCH_SIZE))


def pool_refusal() -> str | None:
    """Why extraction must not start a process pool in this process, or None where it may."""
    if multiprocessing.current_process().daemon:
        # Celery's prefork pool runs tasks in daemonic processes, which may not have children.
        return "this is a daemonic process (a Celery prefork worker)"
    if "AIRFLOW_CTX_TASK_ID" in os.environ:  # exported by Airflow's task runner into every task
        return "this is an Airflow task: the DAG spreads the load over workers as mapped load_batch tasks"
    return None


def map_extract(pages: list[tuple[str, str]]):
    """Yield extract_archived results for (raw_key, url) pairs, in parallel where cores allow and
    a pool is safe (pool_refusal)."""
    workers = extraction_workers()
    if workers > 1 and len(pages) >= 8 and (refusal := pool_refusal()):
        log.info("extracting %d pages in this process, without a pool of %d: %s", len(pages), workers, refusal)
        workers = 1
    if workers == 1 or len(pages) < 8:
        yield from (extract_archived(key, url) for key, url in pages)
        return
    # fork, not spawn: a spawned child re-imports the parent's __main__ (Airflow's CLI) and fails there.
    with extraction_pool(workers) as pool:
        yield from pool.map(extract_archived, *zip(*pages), chunksize=8)


def extraction_pool(workers: int) -> ProcessPoolExecutor:
    """A pool whose workers die with this process (pipelines.lifelines), never outliving a killed run."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=lifelines.die_with_parent, initargs=(os.getpid(),))


def revision_row(record: dict, raw_key: str) -> tuple:
    paragraphs = record["body_paragraphs"]
    return (record.get("source") or "yonhap", record["article_id"], content_hash(record), record["url"],
            record["headline"], record.get("revision_label"), record.get("revision_no") or 0, record.get("attn"),
            record.get("byline"), record.get("dateline"), record.get("section"), record.get("published_at"),
            record.get("updated_at"), Json(paragraphs), "\n\n".join(paragraphs), Json(record.get("captions") or []),
            Json(record.get("related") or []), record["extractor_version"], raw_key,
            Json(record.get("extraction_notes") or []))


def write_batch(conn, interval_start, crawl_run_id, pages_by_key: dict, results: list, result: LoadResult) -> None:
    rows = [revision_row(record, key) for key, record, failure in results if record]
    with conn.cursor() as cur:
        if rows:
            inserted = execute_values(cur, """
                INSERT INTO story_revisions (source, article_id, content_hash, url, headline, revision_label,
                    revision_no, attn, byline, dateline, section, published_at, updated_at, body_paragraphs,
                    body_text, captions, related, extractor_version, raw_key, extraction_notes)
                VALUES %s ON CONFLICT (article_id, content_hash) DO NOTHING RETURNING revision_id""",
                rows, fetch=True)
            result.revisions_new += len(inserted)
            result.revisions_seen += len(rows)
            cur.execute("""UPDATE fetch_failures SET resolved_at = now()
                           WHERE interval_start = %s AND stage = 'extract' AND resolved_at IS NULL AND url = ANY(%s)""",
                        (interval_start, [pages_by_key[key] for key, record, _ in results if record]))
        failed = [(key, reason) for key, record, reason in results if record is None]
        for key, reason in failed:
            code = reason.split(":", 1)[0]
            result.failures_by_reason[code] = result.failures_by_reason.get(code, 0) + 1
            cur.execute("""
                INSERT INTO fetch_failures (source, interval_start, url, stage, reason, raw_key, last_crawl_run_id)
                VALUES ('yonhap', %s, %s, 'extract', %s, %s, %s)
                ON CONFLICT (source, interval_start, url, stage) DO UPDATE SET
                    reason = EXCLUDED.reason, raw_key = EXCLUDED.raw_key, attempts = fetch_failures.attempts + 1,
                    last_failed_at = now(), last_crawl_run_id = EXCLUDED.last_crawl_run_id, resolved_at = NULL""",
                (interval_start, pages_by_key[key], reason[:1000], key, crawl_run_id))
        result.pages_failed += len(failed)


def plan_batches(crawl_run_id: int, size: int | None = None) -> list[dict]:
    """Cut the run's pages, in raw_key order, into batches of `size` pages. A batch names its key
    range, never page contents (the plan travels through XCom). Planning starts a new load of the
    run: batches recorded by an earlier load of it are forgotten, so its counts start afresh."""
    size = size or batch_size()
    with db.transaction() as conn, conn.cursor() as cur:
        cur.execute("SELECT raw_key FROM crawl_run_pages WHERE crawl_run_id = %s ORDER BY raw_key", (crawl_run_id,))
        keys = [row[0] for row in cur.fetchall()]
        cur.execute("DELETE FROM load_batches WHERE crawl_run_id = %s", (crawl_run_id,))
    return [{"crawl_run_id": crawl_run_id, "batch_no": n, "first_key": chunk[0], "last_key": chunk[-1],
             "pages": len(chunk)}
            for n, chunk in enumerate(keys[i:i + size] for i in range(0, len(keys), size))]


def _recorded_batch(cur, crawl_run_id: int, batch_no: int) -> dict | None:
    cur.execute("""SELECT pages, revisions_new, revisions_seen, pages_failed, failures_by_reason FROM load_batches
                   WHERE crawl_run_id = %s AND batch_no = %s""", (crawl_run_id, batch_no))
    row = cur.fetchone()
    if row is None:
        return None
    return LoadResult(*row).as_dict()


def load_batch(batch: dict) -> dict:
    """Extract and upsert one planned batch, and record it, in one transaction. A batch already
    recorded (a retry after its commit) writes nothing and returns what was recorded."""
    global _worker_store
    crawl_run_id, batch_no = batch["crawl_run_id"], batch["batch_no"]
    _worker_store = None  # the store of the current settings, in this process and in forked workers
    with db.transaction() as conn, conn.cursor() as cur:
        if (recorded := _recorded_batch(cur, crawl_run_id, batch_no)) is not None:
            log.info("batch %s of crawl run %s was loaded already: %s", batch_no, crawl_run_id, recorded)
            return recorded
        cur.execute("SELECT interval_start FROM crawl_runs WHERE crawl_run_id = %s", (crawl_run_id,))
        (interval_start,) = cur.fetchone()
        cur.execute("""SELECT p.raw_key, p.url FROM crawl_run_pages c JOIN raw_pages p USING (raw_key)
                       WHERE c.crawl_run_id = %s AND c.raw_key BETWEEN %s AND %s ORDER BY p.raw_key""",
                    (crawl_run_id, batch["first_key"], batch["last_key"]))
        pages = cur.fetchall()
    if len(pages) != batch["pages"]:
        raise RuntimeError(f"batch {batch_no} of crawl run {crawl_run_id} was planned with {batch['pages']} pages "
                           f"and now has {len(pages)}: the run was crawled again since; load it again from its plan")
    results = list(map_extract(pages))
    result = LoadResult(pages=len(pages))
    with db.transaction() as conn:
        write_batch(conn, interval_start, crawl_run_id, dict(pages), results, result)
        with conn.cursor() as cur:
            cur.execute("""INSERT INTO load_batches (crawl_run_id, batch_no, first_key, last_key, pages, revisions_new,
                                                     revisions_seen, pages_failed, failures_by_reason)
                           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
                           ON CONFLICT (crawl_run_id, batch_no) DO NOTHING""",
                        (crawl_run_id, batch_no, batch["first_key"], batch["last_key"], result.pages,
                         result.revisions_new, result.revisions_seen, result.pages_failed,
                         Json(result.failures_by_reason)))
            if cur.rowcount == 0:  # a concurrent attempt at the same batch committed first: its counts stand
                return _recorded_batch(cur, crawl_run_id, batch_no)
    log.info("loaded batch %s of crawl run %s: %s", batch_no, crawl_run_id, result)
    return result.as_dict()


def finish_load(crawl_run_id: int, batches_planned: int) -> LoadResult:
    """After every batch: check that each planned batch is recorded, and store the run's totals."""
    with db.transaction() as conn, conn.cursor() as cur:
        cur.execute("""SELECT count(*), coalesce(sum(pages), 0), coalesce(sum(revisions_new), 0),
                              coalesce(sum(revisions_seen), 0), coalesce(sum(pages_failed), 0)
                       FROM load_batches WHERE crawl_run_id = %s""", (crawl_run_id,))
        batches, pages, revisions_new, revisions_seen, pages_failed = cur.fetchone()
        cur.execute("SELECT count(*) FROM crawl_run_pages WHERE crawl_run_id = %s", (crawl_run_id,))
        (run_pages,) = cur.fetchone()
        if batches != batches_planned or pages != run_pages:
            raise RuntimeError(f"crawl run {crawl_run_id}: {batches} of {batches_planned} planned batches are loaded, "
                               f"covering {pages} of its {run_pages} pages")
        cur.execute("""SELECT key, sum(value::int) FROM load_batches, jsonb_each_text(failures_by_reason)
                       WHERE crawl_run_id = %s GROUP BY key ORDER BY key""", (crawl_run_id,))
        result = LoadResult(pages, revisions_new, revisions_seen, pages_failed, dict(cur.fetchall()))
        cur.execute("""UPDATE crawl_runs SET status = 'loaded', revisions_new = %s, revisions_seen = %s,
                              pages_failed_extract = %s WHERE crawl_run_id = %s""",
                    (result.revisions_new, result.revisions_seen, result.pages_failed, crawl_run_id))
    log.info("loaded crawl run %s: %s", crawl_run_id, result)
    return result


def load_crawl_run(crawl_run_id: int) -> LoadResult:
    """Every batch of the run in this process, one after another (a night run by hand, the
    benchmark, the tests); each batch extracts in a process pool where that is safe."""
    batches = plan_batches(crawl_run_id)
    for batch in batches:
        load_batch(batch)
    return finish_load(crawl_run_id, len(batches))
