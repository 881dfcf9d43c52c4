"""One capture pass as of an instant: read the surfaces, fetch new articles, re-fetch due ones,
store each new state of a page as a revision and group it at once.

Every fetch archives the raw page first (the spider's item pipelines; the store is content-addressed,
so an unchanged page stores nothing new). A page whose extracted content differs from every stored
state of its article becomes a new revision (the upsert on (article_id, content_hash) decides); one
equal to a stored state only moves that state's last_captured_at. A 304 is an unchanged fetch.
The pass instant `now` is what every time of the pass is measured by, so a day can be replayed in
minutes and a pass run again at the same instant finds nothing due and changes nothing.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from psycopg2.extras import Json

from pipelines import config, crawl, db, load, stories
from pipelines.capture import fetch, schedule, state
from pipelines.discovery import frontier
from pipelines.discovery import surfaces as parse
from pipelines.intervals import KST

log = logging.getLogger(__name__)
SOURCE = "yonhap"
PASS_GAP = timedelta(minutes=20)  # passes run every 20 minutes: a failed first fetch is retried at the next


@dataclass
class PassSummary:
    now: str
    surfaces_read: int = 0
    new_articles: int = 0
    revisits: int = 0
    changed: int = 0
    unchanged: int = 0
    not_modified: int = 0
    failures: int = 0
    sighted: int = 0
    problems: list = field(default_factory=list)
    failed: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def max_fetches() -> int:
    """Page requests one pass may make at most (WIREDESK_CAPTURE_MAX_FETCHES, default 2000)."""
    raw = os.environ.get("WIREDESK_CAPTURE_MAX_FETCHES") or "2000"
    try:
        value = int(raw)
    except ValueError:
        raise schedule.ScheduleError(f"WIREDESK_CAPTURE_MAX_FETCHES is not a number: {raw!r}") from None
    if value < 1:
        raise schedule.ScheduleError("WIREDESK_CAPTURE_MAX_FETCHES must be at least 1")
    return value


def sightings_of(reads: list[dict], now: datetime, plan: schedule.Schedule) -> list[tuple]:
    """(url, article_id, surface, night) of every article the reads named that the schedule still
    covers (named with a time no older than the schedule's end, or dated so by its id)."""
    found = []
    oldest = now - plan.end
    for read in reads:
        for url, article_id, hint, _form, _position in read.get("sightings") or []:
            when = datetime.fromisoformat(hint) if hint else None
            night = when.astimezone(KST).date() if when else parse.id_date(article_id)
            if night is None or (when is not None and when < oldest):
                continue
            if when is None and night < oldest.astimezone(KST).date():
                continue
            found.append((url, article_id, read["surface"], night))
    return found


def surface_problems(reads: list[dict]) -> list[str]:
    """Reads that failed; an empty feed channel is a read, not a failure."""
    return [f"{r['url']}: {r['reason']}" for r in reads
            if r["surface"] != "robots" and r["reason"] and not r["reason"].startswith("no items")]


def run_pass(now: datetime, *, source: str = SOURCE, base_url: str | None = None) -> PassSummary:
    if now.tzinfo is None:
        raise ValueError("the pass instant must carry its time zone")
    now = datetime.fromisoformat(now.isoformat())  # a plain datetime: Airflow hands pendulum's, whose arithmetic differs
    plan = schedule.from_env()
    limit = max_fetches()
    base = (base_url or config.yonhap_base_url()).rstrip("/")
    db.migrate()
    crawl.check_raw_store()
    summary = PassSummary(now=now.isoformat())
    reads = read_surfaces(source, base, now)
    for read in reads:
        read.pop("child_urls", None)
    summary.surfaces_read = sum(1 for r in reads if r["surface"] != "robots")
    summary.problems += surface_problems(reads)
    with db.transaction() as conn:
        # the frontier too: the nightly run fetches its night's frontier, so what capture missed it gets
        frontier.record_reads(conn, source, reads, discover_run_id=f"capture-{now.isoformat()}")
        with conn.cursor() as cur:
            summary.sighted = state.record_sightings(cur, source, now, sightings_of(reads, now, plan))
            todo = state.targets(cur, source, now, limit)
    fetched = fetch.fetch_targets([{k: t[k] for k in ("url", "article_id", "night", "etag", "last_modified")}
                                   for t in todo], now, base)
    record_fetched(source, now, plan, todo, fetched, summary)
    archive = [f for f in fetched.failures if f.get("stage") == "archive"]
    if archive:
        summary.problems.append(crawl.archive_failure_message(archive, len(fetched.pages)))
    record_pass(source, now, summary, did_something=bool(todo))
    log.info("capture pass at %s: %s", now.isoformat(), summary.as_dict())
    return summary


def read_surfaces(source: str, base: str, now: datetime) -> list[dict]:
    """The pass's surface reads, each exchange (redirect hops, robots.txt) also written to WARC under the
    pass's KST date; the file is published (with its CDXJ) when the reads end, whatever happened."""
    from pipelines.discovery.fetch import PoliteFetcher
    from pipelines.warc.surfaces import open_recorder

    recorder = open_recorder(source, now.astimezone(KST).date())
    try:
        return frontier.read_surfaces(base, fetcher=PoliteFetcher(base, recorder=recorder))
    finally:
        if recorder is not None:
            recorder.close()


def record_pass(source: str, now: datetime, summary: PassSummary, did_something: bool) -> None:
    """The pass's summary under its instant. A pass run again at that instant that fetched nothing keeps
    the first run's record; one that did fetch (a retry after a failure) records its own."""
    with db.transaction() as conn, conn.cursor() as cur:
        cur.execute(f"""INSERT INTO capture_passes (source, pass_at, summary) VALUES (%s, %s, %s)
                        ON CONFLICT (source, pass_at) DO {'UPDATE SET summary = EXCLUDED.summary, finished_at = now()'
                                                          if did_something else 'NOTHING'}""",
                    (source, now, Json(summary.as_dict())))


def record_fetched(source: str, now: datetime, plan: schedule.Schedule, todo: list[dict], fetched: fetch.Fetched,
                   summary: PassSummary) -> None:
    """Archive references, revisions and capture state for what the spider brought back, in one
    transaction; then group the new revisions."""
    by_id = {t["article_id"]: t for t in todo}
    load._worker_store = None  # read back from the store of the current settings, as load.load_batch does
    extracted = {key: (record, reason) for key, record, reason in
                 load.map_extract([(p["raw_key"], p["url"]) for p in fetched.pages])}
    answered: set[str] = set()
    stored_new = 0
    with db.transaction() as conn, conn.cursor() as cur:
        if fetched.pages:  # with each page's WARC location (no crawl run: a capture pass is not a night's run)
            crawl.insert_raw_pages(cur, fetched.pages)
        for page in fetched.pages:
            target = by_id.get(page["article_id"])
            if target is None:
                continue
            answered.add(target["article_id"])
            record, reason = extracted[page["raw_key"]]
            if record is None:
                _spent(cur, source, now, plan, target, summary, status=page["http_status"], error=reason)
                continue
            inserted = store_state(cur, record, page, now)
            stored_new += inserted
            _spent(cur, source, now, plan, target, summary, status=page["http_status"], stored=True, changed=inserted,
                   etag=page.get("etag"), last_modified=page.get("last_modified"))
        for answer in fetched.not_modified:
            target = by_id.get(answer["article_id"])
            if target is None:
                continue
            answered.add(target["article_id"])
            seen_again(cur, target["article_id"], now)
            _spent(cur, source, now, plan, target, summary, status=304, stored=True, not_modified=True,
                   etag=answer.get("etag"), last_modified=answer.get("last_modified"))
        by_url = {t["url"]: t for t in todo}
        for failure in fetched.failures:
            target = by_url.get(failure["url"])
            if target is None or target["article_id"] in answered:
                continue
            answered.add(target["article_id"])
            _spent(cur, source, now, plan, target, summary, status=failure.get("http_status"),
                   error=failure["reason"])
        for target in todo:
            if target["article_id"] not in answered:  # the spider said nothing about it: still a request spent
                _spent(cur, source, now, plan, target, summary, status=None, error="no_response: the spider "
                       "recorded neither a page nor a failure")
    if stored_new:
        stories.group_new_revisions()


def store_state(cur, record: dict, page: dict, now: datetime) -> bool:
    """Store the page's state as a revision unless an equal state is stored; True when it is new."""
    row = load.revision_row(record, page["raw_key"])
    modified = _http_time(page.get("last_modified")) or record.get("updated_at")
    cur.execute("""
        INSERT INTO story_revisions (source, article_id, content_hash, url, headline, revision_label, revision_no,
            attn, byline, dateline, section, published_at, updated_at, body_paragraphs, body_text, captions, related,
            extractor_version, raw_key, extraction_notes, first_captured_at, last_captured_at, page_modified_at)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (article_id, content_hash) DO UPDATE SET
            last_captured_at = greatest(story_revisions.last_captured_at, EXCLUDED.last_captured_at)
        RETURNING (xmax = 0)""", (*row, now, now, modified))
    return bool(cur.fetchone()[0])


def seen_again(cur, article_id: str, now: datetime) -> None:
    """A 304: the state captured last is still the page's state."""
    cur.execute("""UPDATE story_revisions SET last_captured_at = %s
                   WHERE revision_id = (SELECT revision_id FROM story_revisions WHERE article_id = %s
                                        ORDER BY last_captured_at DESC, revision_id DESC LIMIT 1)
                     AND last_captured_at < %s""", (now, article_id, now))


def _spent(cur, source: str, now: datetime, plan: schedule.Schedule, target: dict, summary: PassSummary, *,
           status: int | None, stored: bool = False, changed: bool = False, not_modified: bool = False,
           etag: str | None = None, last_modified: str | None = None, error: str | None = None) -> None:
    first = target["requests"] == 0
    requests = target["requests"] + 1
    last_changed = now if changed else target["last_changed_at"]
    captured_before = target["requests"] > 0 and target["last_changed_at"] is not None
    if stored or captured_before:
        due = plan.next_due(first_sighted=target["first_sighted_at"], last_changed=last_changed, fetched_at=now,
                            requests=requests)
    else:  # never captured yet: try again at the next pass, within the budget
        due = now + PASS_GAP if requests < plan.budget else None
    state.record_fetch(cur, source, target["url"], now=now, next_due=due, status=status, stored=stored,
                       changed=changed, not_modified=not_modified, etag=etag, last_modified=last_modified,
                       error=error)
    if first:
        summary.new_articles += 1
    else:
        summary.revisits += 1
    if error:
        summary.failures += 1
        if len(summary.failed) < 10:  # a sample with reasons; every one is in capture_articles.last_error
            summary.failed.append(f"{target['url']}: {error}"[:300])
    elif not_modified:
        summary.not_modified += 1
    elif not first:
        summary.changed += changed
        summary.unchanged += not changed


def _http_time(value: str | None) -> datetime | None:
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


def capture_for_run(data_interval_end: datetime) -> dict:
    """The yonhap_capture DAG's task: one pass as of the end of its data interval; a failed surface or
    store fails the task (Airflow retries it), after the pass recorded what it did."""
    summary = run_pass(data_interval_end)
    if summary.problems:
        raise RuntimeError(f"capture pass at {summary.now}: {'; '.join(summary.problems)[:2000]}")
    return summary.as_dict()
