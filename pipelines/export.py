"""Take a range of the archive away as files: `python -m pipelines.export`.

    python -m pipelines.export --from 2023-05-09 --to 2023-05-11 --format parquet OUT_DIR [--revisions]
    python -m pipelines.export --night 2023-05-10 --to-store     # what the yonhap_export DAG runs

Writes OUT_DIR/stories.parquet (or stories.jsonl) and, with --revisions, OUT_DIR/revisions.parquet
(.jsonl). A range selects every story with a revision of the range, and every revision of the range:
a revision belongs to the KST day of its published time (its first-seen time when the page gave
none). A story carries its latest text at export time, so a story revised over two nights is in
both nights' exports: keep the row with the greatest `last_seen_at` (or `exported_at`) per story_id.
Columns and types: STORY_SCHEMA and REVISION_SCHEMA below, documented in docs/export.md.

--to-store writes the night's Parquet into the raw store's bucket (or local folder) as
    curated/yonhap/stories/night=YYYY-MM-DD/stories.parquet
    curated/yonhap/revisions/night=YYYY-MM-DD/revisions.parquet
(hive-style partitions: DuckDB `read_parquet('.../stories/*/*.parquet', hive_partitioning=true)`).
Files are written to a temporary name and renamed, so a crash never leaves half a file.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines import db
from pipelines.intervals import KST

FORMATS = ("parquet", "jsonl")
BATCH_ROWS = 2_000
TS = pa.timestamp("us", tz="UTC")

STORY_SCHEMA = pa.schema([
    pa.field("story_id", pa.string(), nullable=False),
    pa.field("source", pa.string(), nullable=False),
    pa.field("headline", pa.string()),                   # of the latest revision, without changes
    pa.field("revision_label", pa.string()),             # latest revision's label, e.g. "LEAD", "2nd LD"
    pa.field("attn", pa.string()),
    pa.field("byline", pa.string()),
    pa.field("dateline", pa.string()),
    pa.field("section", pa.string()),
    pa.field("body_text", pa.string()),                  # paragraphs joined by blank lines
    pa.field("body_paragraphs", pa.list_(pa.string())),
    pa.field("latest_revision_id", pa.int64()),
    pa.field("latest_article_id", pa.string()),
    pa.field("latest_url", pa.string()),
    pa.field("revision_count", pa.int32(), nullable=False),
    pa.field("first_published_at", TS),
    pa.field("last_updated_at", TS),
    pa.field("first_seen_at", TS, nullable=False),       # when wiredesk first fetched any revision
    pa.field("last_seen_at", TS, nullable=False),
    pa.field("exported_at", TS, nullable=False),
])

REVISION_SCHEMA = pa.schema([
    pa.field("revision_id", pa.int64(), nullable=False),
    pa.field("story_id", pa.string()),
    pa.field("story_seq", pa.int32()),
    pa.field("source", pa.string(), nullable=False),
    pa.field("article_id", pa.string(), nullable=False),
    pa.field("url", pa.string(), nullable=False),
    pa.field("headline", pa.string(), nullable=False),
    pa.field("revision_label", pa.string()),
    pa.field("revision_no", pa.int32(), nullable=False),
    pa.field("attn", pa.string()),
    pa.field("byline", pa.string()),
    pa.field("dateline", pa.string()),
    pa.field("section", pa.string()),
    pa.field("published_at", TS),
    pa.field("updated_at", TS),
    pa.field("body_text", pa.string(), nullable=False),
    pa.field("body_paragraphs", pa.list_(pa.string()), nullable=False),
    pa.field("diff_from_previous", pa.string()),         # JSON text {added, removed, changed}
    pa.field("content_hash", pa.string(), nullable=False),
    pa.field("extractor_version", pa.string(), nullable=False),
    pa.field("raw_key", pa.string(), nullable=False),    # the archived page in the raw store
    pa.field("first_seen_at", TS, nullable=False),
    pa.field("night", pa.date32(), nullable=False),      # KST day the revision belongs to
])

# The KST day of a revision: its published time, or when it was first seen.
REVISION_NIGHT = "((coalesce(r.published_at, r.first_seen_at) AT TIME ZONE 'Asia/Seoul')::date)"

STORIES_SQL = f"""
SELECT s.story_id, s.source, lr.headline, lr.revision_label, lr.attn, lr.byline, lr.dateline, lr.section,
       lr.body_text, lr.body_paragraphs, s.latest_revision_id, lr.article_id, lr.url, s.revision_count,
       s.first_published_at, s.last_updated_at, s.first_seen_at, s.last_seen_at, now()
FROM stories s
LEFT JOIN story_revisions lr ON lr.revision_id = s.latest_revision_id
WHERE s.story_id IN (SELECT r.story_id FROM story_revisions r
                     WHERE r.story_id IS NOT NULL AND {REVISION_NIGHT} BETWEEN %(date_from)s AND %(date_to)s)
ORDER BY s.first_published_at NULLS LAST, s.story_id"""

REVISIONS_SQL = f"""
SELECT r.revision_id, r.story_id, r.story_seq, r.source, r.article_id, r.url, r.headline, r.revision_label,
       r.revision_no, r.attn, r.byline, r.dateline, r.section, r.published_at, r.updated_at, r.body_text,
       r.body_paragraphs, r.diff_from_previous::text, r.content_hash, r.extractor_version, r.raw_key,
       r.first_seen_at, {REVISION_NIGHT}
FROM story_revisions r
WHERE {REVISION_NIGHT} BETWEEN %(date_from)s AND %(date_to)s
ORDER BY {REVISION_NIGHT}, r.story_id NULLS LAST, r.story_seq, r.revision_id"""

TABLES = {"stories": (STORIES_SQL, STORY_SCHEMA), "revisions": (REVISIONS_SQL, REVISION_SCHEMA)}


class ExportError(RuntimeError):
    pass


def _batches(conn, sql: str, params: dict, schema: pa.Schema):
    """Record batches of the query's rows, read through a server-side cursor (bounded memory)."""
    with conn.cursor(name="wiredesk_export") as cur:
        cur.itersize = BATCH_ROWS
        cur.execute(sql, params)
        while True:
            rows = cur.fetchmany(BATCH_ROWS)
            if not rows:
                return
            columns = list(zip(*rows))
            yield pa.record_batch([pa.array(col, type=field.type) for col, field in zip(columns, schema)],
                                  schema=schema)


def _json_value(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def write_table(conn, table: str, date_from: date, date_to: date, fmt: str, handle) -> int:
    """Write one table of the range to a binary file handle; returns the row count."""
    sql, schema = TABLES[table]
    params = {"date_from": date_from, "date_to": date_to}
    count = 0
    if fmt == "parquet":
        with pq.ParquetWriter(handle, schema, compression="zstd") as writer:
            for batch in _batches(conn, sql, params, schema):
                writer.write_batch(batch)
                count += batch.num_rows
            if count == 0:
                writer.write_table(schema.empty_table())
        return count
    for batch in _batches(conn, sql, params, schema):
        for row in batch.to_pylist():
            handle.write(json.dumps({k: _json_value(v) for k, v in row.items()}, ensure_ascii=False).encode() + b"\n")
            count += 1
    return count


def _atomic_write(path: Path, write) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            count = write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


def export_range(date_from: date, date_to: date, fmt: str, out_dir: Path, revisions: bool = False,
                 url: str | None = None) -> dict[str, int]:
    """Write stories (and revisions) of [date_from, date_to] (KST days) into out_dir; returns row counts."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if date_from > date_to:
        raise ExportError(f"--from {date_from} is after --to {date_to}")
    counts = {}
    with db.transaction(url) as conn:
        conn.set_session(readonly=True, isolation_level="REPEATABLE READ")  # one snapshot for both files
        for table in ("stories", "revisions") if revisions else ("stories",):
            path = Path(out_dir) / f"{table}.{fmt}"
            counts[table] = _atomic_write(path, lambda h, t=table: write_table(conn, t, date_from, date_to, fmt, h))
    return counts


def night_keys(night: date) -> dict[str, str]:
    return {table: f"curated/yonhap/{table}/night={night.isoformat()}/{table}.parquet"
            for table in ("stories", "revisions")}


def export_night_to_store(night: date, store=None, url: str | None = None, require_ok: bool = True) -> dict:
    """The night's stories and revisions as Parquet in the raw store (S3 bucket or local folder)."""
    from pipelines.rawstore import open_store

    store = store or open_store()
    written = {}
    with db.transaction(url) as conn:
        conn.set_session(readonly=True, isolation_level="REPEATABLE READ")  # one snapshot for both files
        if require_ok:
            with conn.cursor() as cur:
                cur.execute("""SELECT count(*) FILTER (WHERE status = 'ok'), count(*) FROM crawl_runs
                               WHERE source = 'yonhap' AND (interval_start AT TIME ZONE 'Asia/Seoul')::date = %s""",
                            (night,))
                ok, runs = cur.fetchone()
            if not ok:
                raise ExportError(f"night {night}: no crawl run passed its check yet ({runs} run(s) recorded); "
                                  "nothing exported")
        for table, key in night_keys(night).items():
            buffer = io.BytesIO()
            rows = write_table(conn, table, night, night, "parquet", buffer)
            store.put_curated(key, buffer.getvalue(), "application/vnd.apache.parquet")
            written[table] = {"key": key, "rows": rows, "bytes": buffer.tell()}
    return {"night": night.isoformat(), "store": store.describe(), **written}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.export", description=__doc__.split("\n")[0])
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, help="first KST day, inclusive")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, help="last KST day, inclusive")
    parser.add_argument("--format", choices=FORMATS, default="parquet")
    parser.add_argument("--revisions", action="store_true", help="also write every revision of the range")
    parser.add_argument("--night", type=date.fromisoformat, help="with --to-store: the KST night to export")
    parser.add_argument("--to-store", action="store_true",
                        help="write the night's Parquet under curated/yonhap/ in the raw store")
    parser.add_argument("out", nargs="?", type=Path, help="output folder (created if missing)")
    args = parser.parse_args(argv)
    try:
        if args.to_store:
            if not args.night:
                parser.error("--to-store needs --night YYYY-MM-DD")
            result = export_night_to_store(args.night)
            for table in ("stories", "revisions"):
                print(f"{result[table]['rows']:6d} {table} -> {result['store']}/{result[table]['key']}")
            return 0
        if not (args.date_from and args.date_to and args.out):
            parser.error("give --from DATE --to DATE and an output folder (or --to-store --night DATE)")
        counts = export_range(args.date_from, args.date_to, args.format, args.out, args.revisions)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for table, rows in counts.items():
        print(f"{rows:6d} {table} -> {args.out / f'{table}.{args.format}'}")
    return 0


if __name__ == "__main__":
    from pipelines import cli

    sys.exit(cli.run(main, prog="python -m pipelines.export"))
