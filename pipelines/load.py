"""Extract the pages a crawl archived and load them as story revisions.

Pages are read back from the raw archive (never from the crawl's memory), so loading a
night and re-extracting it later are the same code. Extraction runs in worker processes
(it is the CPU cost of the pipeline); each batch is written in one transaction with
upserts on (article_id, content_hash), so a rerun or a crash-and-rerun adds nothing twice.
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

from pipelines import db
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


def map_extract(pages: list[tuple[str, str]]):
    """Yield extract_archived results for (raw_key, url) pairs, in parallel where cores allow."""
    workers = extraction_workers()
    if workers == 1 or len(pages) < 8:
        yield from (extract_archived(key, url) for key, url in pages)
        return
    # fork, not spawn: a spawned child re-imports the parent's __main__ (Airflow's CLI) and fails there.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(extract_archived, *zip(*pages), chunksize=8)


def revision_row(record: dict, raw_key: str) -> tuple:
    paragraphs = record["body_paragraphs"]
    return (record.get("source") or "yonhap", record["article_id"], content_hash(record), record["url"],
            record["headline"], record.get("revision_label"), record.get("revision_no") or 0, record.get("attn"),
            record.get("byline"), record.get("dateline"), record.get("section"), record.get("published_at"),
            record.get("updated_at"), Json(paragraphs), "\n\n".join(paragraphs), Json(record.get("captions") or []),
            Json(record.get("related") or []), record["extractor_version"], raw_key)


def write_batch(conn, interval_start, crawl_run_id, pages_by_key: dict, results: list, result: LoadResult) -> None:
    rows = [revision_row(record, key) for key, record, failure in results if record]
    with conn.cursor() as cur:
        if rows:
            inserted = execute_values(cur, """
                INSERT INTO story_revisions (source, article_id, content_hash, url, headline, revision_label,
                    revision_no, attn, byline, dateline, section, published_at, updated_at, body_paragraphs,
                    body_text, captions, related, extractor_version, raw_key)
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


def load_crawl_run(crawl_run_id: int) -> LoadResult:
    global _worker_store
    # A store opened by an earlier load in this process may point at other settings (a long-lived
    # worker, the tests); each run opens its own, in this process or in the forked workers.
    _worker_store = None
    with db.transaction() as conn, conn.cursor() as cur:
        cur.execute("SELECT interval_start FROM crawl_runs WHERE crawl_run_id = %s", (crawl_run_id,))
        (interval_start,) = cur.fetchone()
        cur.execute("""SELECT p.raw_key, p.url FROM crawl_run_pages c JOIN raw_pages p USING (raw_key)
                       WHERE c.crawl_run_id = %s ORDER BY p.raw_key""", (crawl_run_id,))
        pages = cur.fetchall()
    result = LoadResult(pages=len(pages))
    pages_by_key = dict(pages)
    batch = []
    for extracted in map_extract(pages):
        batch.append(extracted)
        if len(batch) >= BATCH_SIZE:
            with db.transaction() as conn:
                write_batch(conn, interval_start, crawl_run_id, pages_by_key, batch, result)
            batch = []
    with db.transaction() as conn:
        write_batch(conn, interval_start, crawl_run_id, pages_by_key, batch, result)
        with conn.cursor() as cur:
            cur.execute("""UPDATE crawl_runs SET status = 'loaded', revisions_new = %s, revisions_seen = %s,
                                  pages_failed_extract = %s WHERE crawl_run_id = %s""",
                        (result.revisions_new, result.revisions_seen, result.pages_failed, crawl_run_id))
    log.info("loaded crawl run %s: %s", crawl_run_id, result)
    return result
