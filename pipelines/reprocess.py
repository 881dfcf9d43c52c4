"""Re-extract archived pages with the current extractor, without fetching anything.

    python -m pipelines.reprocess START END [--run-id NAME]     (KST nights, inclusive)

The pages are the raw_pages rows whose key date (raw/<source>/YYYY/MM/DD/..., the night the page
was crawled for) falls in [START, END]; each is read back through rawstore.open_store().get_page
and extracted again (load.map_extract, the nightly load's own code). Then, in ONE transaction:

- same content hash as the page's current row: nothing is written (counted unchanged);
- a different one: the new extraction is inserted as a new story_revisions row (upsert on
  (article_id, content_hash), inheriting the old row's first_seen_at) and the old row moves to
  story_revisions_superseded with superseded_by = the new revision_id (sql/005_reprocess.sql);
- a page without a row (it failed extraction before) that now extracts: a new row, and its
  fetch_failures entry is resolved;
- a page the new extractor fails on keeps its current row (counted, never deleted).

New rows are grouped into stories and every affected story is refreshed (pipelines.stories),
so stories point at the newest extraction. What changed (bodies, headlines, labels, other fields,
with a few examples) is returned, logged and stored in reprocess_runs. A second run over the same
range finds every hash unchanged and writes nothing but its reprocess_runs row.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass, field
from datetime import date

from psycopg2.extras import Json, RealDictCursor, execute_values

from pipelines import db, load, stories

log = logging.getLogger(__name__)

SOURCE = "yonhap"
EXAMPLES_PER_FIELD = 3
COMPARED_FIELDS = ("body_paragraphs", "headline", "revision_label", "attn", "byline", "dateline", "section",
                   "published_at", "captions")
# The night a page was crawled for, from its content-addressed key (see pipelines.rawstore.page_key).
KEY_NIGHT = r"to_date(substring(raw_key from '^raw/[^/]+/(\d{4}/\d{2}/\d{2})/'), 'YYYY/MM/DD')"


@dataclass
class ReprocessResult:
    reprocess_run_id: int = 0
    night_from: str = ""
    night_to: str = ""
    pages: int = 0
    pages_failed: int = 0
    revisions_unchanged: int = 0
    revisions_changed: int = 0
    revisions_added: int = 0
    bodies_changed: int = 0
    headlines_changed: int = 0
    labels_changed: int = 0
    fields_changed: dict = field(default_factory=dict)
    failures_by_reason: dict = field(default_factory=dict)
    stories_affected: int = 0
    extractor_versions: list = field(default_factory=list)
    examples: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _short(value, limit: int = 160):
    text = " / ".join(value) if isinstance(value, list) else ("" if value is None else str(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _comparable(name: str, value):
    if name == "published_at" and value is not None:
        from pipelines.intervals import as_utc, parse_instant

        return as_utc(parse_instant(value) if isinstance(value, str) else value).isoformat()
    if name == "captions":
        return value or []
    return value


def changed_fields(old: dict, record: dict) -> list[str]:
    return [name for name in COMPARED_FIELDS
            if _comparable(name, old.get(name)) != _comparable(name, record.get(name))]


def pages_in_range(cur, night_from: date, night_to: date) -> list[tuple[str, str]]:
    cur.execute(f"""SELECT raw_key, url FROM raw_pages WHERE source = %s AND {KEY_NIGHT} BETWEEN %s AND %s
                    ORDER BY raw_key""", (SOURCE, night_from, night_to))
    return [tuple(row) for row in cur.fetchall()]


def _common_columns(cur) -> list[str]:
    # story_revisions may gain columns in later migrations; the archive keeps those it has.
    cur.execute("""SELECT a.column_name FROM information_schema.columns a
                   JOIN information_schema.columns b ON b.column_name = a.column_name
                    AND b.table_schema = a.table_schema AND b.table_name = 'story_revisions_superseded'
                   WHERE a.table_schema = current_schema() AND a.table_name = 'story_revisions'
                   ORDER BY a.ordinal_position""")
    return [row[0] for row in cur.fetchall()]


def regroup(conn, cur, touched_story_ids: set[str]) -> set[str]:
    """Group every revision without a story and refresh those stories and `touched_story_ids`, in the
    caller's transaction (the reprocess moves rows and regroups them atomically)."""
    assignment, _ = stories.assign_ungrouped(conn, cur)
    story_ids = set(assignment.values())
    affected = sorted(story_ids | touched_story_ids)
    if affected:
        stories.refresh_stories(cur, affected)
        # A story whose every revision moved elsewhere keeps its row (merges may point at it) but no latest.
        cur.execute("""UPDATE stories s SET latest_revision_id = NULL, revision_count = 0
                       WHERE s.story_id = ANY(%s)
                         AND NOT EXISTS (SELECT 1 FROM story_revisions r WHERE r.story_id = s.story_id)""",
                    (affected,))
    return set(affected)


def _start_run(run_id: str, night_from: date, night_to: date) -> int:
    with db.transaction() as conn, conn.cursor() as cur:
        cur.execute("""INSERT INTO reprocess_runs (run_id, night_from, night_to) VALUES (%s, %s, %s)
                       RETURNING reprocess_run_id""", (run_id, night_from, night_to))
        return cur.fetchone()[0]


def _note(result: ReprocessResult, article_id: str, fields: list[str], old: dict, record: dict) -> None:
    for name in fields:
        result.fields_changed[name] = result.fields_changed.get(name, 0) + 1
    for name in fields:
        if sum(1 for e in result.examples if e["field"] == name) < EXAMPLES_PER_FIELD:
            result.examples.append({"article_id": article_id, "field": name,
                                    "old": _short(_comparable(name, old.get(name))),
                                    "new": _short(_comparable(name, record.get(name)))})
    result.bodies_changed += "body_paragraphs" in fields
    result.headlines_changed += "headline" in fields
    result.labels_changed += "revision_label" in fields


def reprocess_range(night_from: date, night_to: date, run_id: str) -> dict:
    """Re-extract the archived pages of the KST nights [night_from, night_to]; see the module doc."""
    if night_from > night_to:
        raise ValueError(f"start {night_from} is after end {night_to}")
    db.migrate()
    result = ReprocessResult(night_from=night_from.isoformat(), night_to=night_to.isoformat())
    result.reprocess_run_id = _start_run(run_id, night_from, night_to)
    try:
        _reprocess(result, night_from, night_to)
    except Exception as exc:
        with db.transaction() as conn, conn.cursor() as cur:
            cur.execute("""UPDATE reprocess_runs SET status = 'failed', finished_at = now(), summary = %s
                           WHERE reprocess_run_id = %s""",
                        (Json({"error": f"{type(exc).__name__}: {str(exc)[:500]}"}), result.reprocess_run_id))
        raise
    report = result.as_dict()
    log.info("reprocessed nights %s..%s: %d pages, %d unchanged, %d changed (%d bodies, %d headlines, "
             "%d labels), %d added, %d failed, %d stories refreshed; fields changed: %s; examples:\n%s",
             night_from, night_to, result.pages, result.revisions_unchanged, result.revisions_changed,
             result.bodies_changed, result.headlines_changed, result.labels_changed, result.revisions_added,
             result.pages_failed, result.stories_affected, result.fields_changed,
             "\n".join(f"  {e['article_id']} {e['field']}: {e['old']!r} -> {e['new']!r}" for e in result.examples))
    return report


def _reprocess(result: ReprocessResult, night_from: date, night_to: date) -> None:
    with db.transaction() as conn, conn.cursor() as cur:
        pages = pages_in_range(cur, night_from, night_to)
    result.pages = len(pages)
    load._worker_store = None  # open the store of the current settings (in this process and the workers)
    extracted = list(load.map_extract(pages))  # reads the raw archive only: no request to the site

    with db.transaction() as conn, conn.cursor(cursor_factory=RealDictCursor) as dcur, conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext('wiredesk.group'))")
        keys = [key for key, _ in pages]
        dcur.execute("SELECT * FROM story_revisions WHERE raw_key = ANY(%s)", (keys,))
        current = {row["raw_key"]: row for row in dcur.fetchall()}
        cur.execute("SELECT raw_key, fetched_at FROM raw_pages WHERE raw_key = ANY(%s)", (keys,))
        fetched_at = dict(cur.fetchall())

        superseded: dict[int, tuple[str, str]] = {}  # old revision_id -> (article_id, new content hash)
        touched: set[str] = set()
        inserts = []
        versions = set()
        for key, record, failure in extracted:
            if record is None:
                result.pages_failed += 1
                code = (failure or "unknown").split(":", 1)[0]
                result.failures_by_reason[code] = result.failures_by_reason.get(code, 0) + 1
                continue
            versions.add(record["extractor_version"])
            new_hash = load.content_hash(record)
            old = current.get(key)
            if old is not None and old["content_hash"] == new_hash:
                result.revisions_unchanged += 1
                continue
            if old is not None:
                superseded[old["revision_id"]] = (record["article_id"], new_hash)
                if old["story_id"]:
                    touched.add(old["story_id"])
                _note(result, record["article_id"], changed_fields(old, record), old, record)
            first_seen = old["first_seen_at"] if old is not None else fetched_at[key]
            inserts.append((*load.revision_row(record, key), first_seen, record["article_id"], new_hash))
        result.extractor_versions = sorted(versions)

        if superseded:
            columns = ", ".join(_common_columns(cur))
            cur.execute(f"""WITH moved AS (DELETE FROM story_revisions WHERE revision_id = ANY(%s) RETURNING *)
                            INSERT INTO story_revisions_superseded ({columns}, reprocess_run_id)
                            SELECT {columns}, %s FROM moved""",
                        (list(superseded), result.reprocess_run_id))
        inserted_keys = set()
        for row in inserts:
            cur.execute("""
                INSERT INTO story_revisions (source, article_id, content_hash, url, headline, revision_label,
                    revision_no, attn, byline, dateline, section, published_at, updated_at, body_paragraphs,
                    body_text, captions, related, extractor_version, raw_key, extraction_notes, first_seen_at)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT (article_id, content_hash) DO NOTHING RETURNING revision_id""", row[:-2])
            if cur.fetchone() is not None:
                inserted_keys.add(row[-2:])
        if superseded:
            execute_values(cur, """UPDATE story_revisions_superseded s SET superseded_by = r.revision_id
                                   FROM (VALUES %s) AS v(revision_id, article_id, content_hash)
                                   JOIN story_revisions r USING (article_id, content_hash)
                                   WHERE s.revision_id = v.revision_id""",
                           [(old_id, article_id, new_hash) for old_id, (article_id, new_hash) in superseded.items()])
        result.revisions_changed = len(superseded)
        # Rows for pages that had none, not counting the new rows of superseded ones.
        result.revisions_added = len(inserted_keys - set(superseded.values()))
        result.revisions_unchanged += len(inserts) - len(superseded) - result.revisions_added
        extracted_keys = [key for key, record, _ in extracted if record is not None]
        cur.execute("""UPDATE fetch_failures SET resolved_at = now()
                       WHERE stage = 'extract' AND resolved_at IS NULL AND raw_key = ANY(%s)""", (extracted_keys,))

        affected = regroup(conn, cur, touched) if (superseded or inserted_keys) else set()
        result.stories_affected = len(affected)
        summary = result.as_dict()
        cur.execute("""UPDATE reprocess_runs SET status = 'ok', finished_at = now(), extractor_versions = %s,
                              pages = %s, pages_failed = %s, revisions_unchanged = %s, revisions_changed = %s,
                              revisions_added = %s, bodies_changed = %s, headlines_changed = %s, labels_changed = %s,
                              stories_affected = %s, summary = %s
                       WHERE reprocess_run_id = %s""",
                    (result.extractor_versions, result.pages, result.pages_failed, result.revisions_unchanged,
                     result.revisions_changed, result.revisions_added, result.bodies_changed,
                     result.headlines_changed, result.labels_changed, result.stories_affected, Json(summary),
                     result.reprocess_run_id))


def reprocess_for_run(start, end, run_id: str, outlet_event=None) -> dict:
    """The DAG's task: reprocess_range, with the report's counts on the run's asset event."""
    report = reprocess_range(parse_night(start), parse_night(end), run_id)
    if outlet_event is not None:
        outlet_event.extra = {k: v for k, v in report.items() if k != "examples"}
    return report


def parse_night(text) -> date:
    return text if isinstance(text, date) else date.fromisoformat(str(text).strip()[:10])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.reprocess", description=__doc__.split("\n")[0])
    parser.add_argument("start", type=parse_night, help="first KST night, YYYY-MM-DD")
    parser.add_argument("end", type=parse_night, help="last KST night, YYYY-MM-DD (inclusive)")
    parser.add_argument("--run-id", default=None, help="name recorded in reprocess_runs (default: cli-<now>)")
    args = parser.parse_args(argv)
    from datetime import datetime, timezone

    run_id = args.run_id or f"cli-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"
    print(json.dumps(reprocess_range(args.start, args.end, run_id), indent=2, default=str))
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    from pipelines import cli

    sys.exit(cli.run(main, prog="python -m pipelines.reprocess"))
