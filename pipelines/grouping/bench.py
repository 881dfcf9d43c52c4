"""`make bench-grouping`: time per new revision and real candidates against 10k, 100k (and, with
WIREDESK_BENCH_1M=1, 1M) stored revisions in the PostgreSQL index, and peak memory.

Stored revisions are real features of generated text: dense days of wire copy
(pipelines.grouping.worlds.dense_day: hundreds of stories a day from shared formulae, each with its
own names and figures), one day of distinct text repeated over the stored year (each copy on its
own day, with its own keys, story ids and document frequencies), bulk-loaded with COPY into the
tables the production index reads (grouping_revisions, grouping_keys, grouping_hash_df,
grouping_stories). So the formulae's keys grow posting lists and document frequencies as the store
grows, as they do in production. The new revisions are another dense day placed in the middle of the
stored year (the busiest window), grouped with the production code (assign + PostgresIndex) inside
one transaction that is rolled back, so every step measures against the same stored size; the
table shows comparisons (real candidates compared) per new revision and the B-cubed F1 of the step.

`python -m pipelines.grouping.bench --dedupe [N]` instead times the dedupe CLI on N and 5N records of
dense days (default N = 2,000) and prints the time ratio and F1.

Server: WIREDESK_TEST_DATABASE_URL or DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres,
else an embedded server; a scratch database is created and dropped.
"""
from __future__ import annotations

import io
import os
import resource
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg2

from pipelines import db
from pipelines.grouping.assign import assign
from pipelines.grouping.features import extract
from pipelines.grouping.index import _COLUMNS, PostgresIndex, copy_rows_revisions

NEW_REVISIONS = 200
CHUNK = 5_000
START = datetime(2023, 1, 1, tzinfo=timezone.utc)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Current resident set size (Linux /proc; falls back to the peak)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


DAY_REVISIONS = 2_000  # distinct stored revisions of one generated day (repeated over the year)


def new_items():
    """A dense day of its own (other seed) in the middle of the stored year: the revisions timed."""
    from pipelines.grouping.worlds import dense_day

    items = dense_day(day=(START + timedelta(days=180)).date(), stories=NEW_REVISIONS // 3, seed=99)
    return [replace(it, revision=replace(it.revision, key=f"new-{i}")) for i, it in enumerate(items)]


def stored_day_features() -> list:
    """Features of one stored day of generated wire copy (extracted once, copied to every stored day)."""
    from pipelines.grouping.worlds import dense_day

    items = dense_day(day=START.date(), stories=DAY_REVISIONS * 10 // 32, seed=7)[:DAY_REVISIONS]
    return [extract(it.revision) for it in items]


def _array(values) -> str:
    return "{" + ",".join(map(str, values)) + "}"


def load_generated(conn, start: int, stop: int, day_features: list) -> None:
    """COPY stored revisions start..stop-1: copy n of the day's features lands on day n // len(day) of
    the year (wrapping), as its own revision of its own story, keys and document frequencies on that day."""
    from pipelines.grouping.index import _info_row, StoryInfo

    per_day = len(day_features)
    with conn.cursor() as cur:
        for lo in range(start, stop, CHUNK):
            hi = min(stop, lo + CHUNK)
            revs, keys, stories = io.StringIO(), io.StringIO(), io.StringIO()
            df: dict[tuple[int, int], int] = {}
            for n in range(lo, hi):
                f = day_features[n % per_day]
                shift = (n // per_day + 178) % 365  # day by day from the timed window on
                published = None if f.published is None else f.published + shift * 86400
                day = None if published is None else int(published // 86400)
                key, story = f"g{n}", f"story-g{n}"
                g = replace(f, key=key, published=published, kst_day=None if f.kst_day is None else f.kst_day + shift)
                row = copy_rows_revisions(g, story)
                revs.write("\t".join(_copy_value(v) for v in row) + "\n")
                near, anywhere = g.index_keys()
                day_text = _copy_value(day)
                for k in near:
                    keys.write(f"{k}\tf\t{day_text}\t{key}\n")
                for k in anywhere:
                    keys.write(f"{k}\tt\t{day_text}\t{key}\n")
                for h in g.df_hashes():
                    df[(h, -1 if day is None else day)] = df.get((h, -1 if day is None else day), 0) + 1
                info = _info_row(StoryInfo(story).with_member(g))
                stories.write("\t".join(_copy_value(v) for v in (
                    info["story"], info["size"], info["first_key"], info["first_published"], info["recent_keys"],
                    info["recent_published"], info["lineages"], info["earliest"], info["latest"])) + "\n")
            revs.seek(0)
            keys.seek(0)
            stories.seek(0)
            cur.copy_expert(f"COPY grouping_revisions ({', '.join(_COLUMNS)}) FROM STDIN", revs)
            cur.copy_expert("COPY grouping_keys (key, anywhere, day, rev_key) FROM STDIN", keys)
            cur.copy_expert("""COPY grouping_stories (story_id, size, first_key, first_published, recent_keys,
                               recent_published, lineages, earliest, latest) FROM STDIN""", stories)
            cur.execute("""INSERT INTO grouping_hash_df (hash, day, n)
                           SELECT h, d, n FROM unnest(%s::bigint[], %s::int[], %s::int[]) AS t(h, d, n)
                           ON CONFLICT (hash, day) DO UPDATE SET n = grouping_hash_df.n + EXCLUDED.n""",
                        ([h for h, _ in df], [d for _, d in df], list(df.values())))
    conn.commit()
    with conn.cursor() as cur:
        for table in ("grouping_revisions", "grouping_keys", "grouping_hash_df", "grouping_stories"):
            cur.execute(f"ANALYZE {table}")
    conn.commit()


def _copy_value(value) -> str:
    """A Python value in COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (list, tuple)):
        return _array("NULL" if v is None else v for v in value)
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def measure(conn, items) -> tuple[float, int, float]:
    from pipelines.bench import bcubed

    index = PostgresIndex(conn)
    started = time.perf_counter()
    result = assign(index, [it.revision for it in items])
    elapsed = time.perf_counter() - started
    conn.rollback()
    f1 = bcubed({it.revision.key: it.story for it in items}, result.stories)[2]
    return elapsed / len(items), result.comparisons, f1


def dedupe_scaling(records: int) -> int:
    """Time `python -m pipelines.dedupe` on `records` and 5x `records` JSON lines of dense days of
    generated wire copy (up to 400 stories a day), and score its output against the truth."""
    import json
    import subprocess
    from datetime import date

    from pipelines.bench import bcubed
    from pipelines.grouping.worlds import dense_day

    rows = []
    with tempfile.TemporaryDirectory(prefix="wiredesk-dedupe-bench-") as work:
        for n in (records, 5 * records):
            path = Path(work) / f"records-{n}.jsonl"
            truth, written, day = {}, 0, 0
            with path.open("w") as handle:
                while written < n:
                    for it in dense_day(day=date(2023, 3, 1) + timedelta(days=day), stories=400, seed=day):
                        if written >= n:
                            break
                        r = it.revision
                        handle.write(json.dumps({"article_id": r.article_id, "url": r.url, "headline": r.headline,
                                                 "published_at": r.published_at, "body": r.body_paragraphs}) + "\n")
                        written += 1
                        truth[written] = it.story
                    day += 1
            started = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "pipelines.dedupe", str(path)], capture_output=True,
                                  text=True, check=True)
            seconds = time.perf_counter() - started
            found = {row["line"]: row["story_id"] for row in map(json.loads, proc.stdout.splitlines())}
            rows.append((n, seconds, bcubed(truth, found)[2]))
            print(f"dedupe CLI: {n:>7,} records ({day} dense days) {seconds:8.1f} s  {n / seconds:7.0f} records/s  "
                  f"B3-F1 {rows[-1][2]:.4f}", flush=True)
    print(f"5x the records: {rows[1][1] / rows[0][1]:.2f}x the time (target <= ~6x)")
    return 0


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--dedupe":
        return dedupe_scaling(int(sys.argv[2]) if len(sys.argv) > 2 else 2_000)
    sizes = [10_000, 100_000] + ([1_000_000] if os.environ.get("WIREDESK_BENCH_1M") == "1" else [])
    items = new_items()
    day_features = stored_day_features()
    keys_per_revision = sum(sum(map(len, f.index_keys())) for f in day_features) / len(day_features)
    server = db.available_server_url(Path(tempfile.mkdtemp(prefix="wiredesk-bench-pg-")))
    print(f"grouping benchmark: {len(items)} new revisions (a dense day of {len({it.story for it in items})} stories) "
          f"per step against stored generated wire copy ({len(day_features)} distinct revisions a day, "
          f"{keys_per_revision:.0f} index keys each), PostgreSQL index")
    print(f"{'stored':>10} {'load s':>8} {'ms/new rev':>11} {'comparisons/rev':>16} {'B3-F1':>6} {'RSS before':>11} "
          f"{'RSS after':>10} {'peak RSS MB':>12}")
    rows = []
    with db.scratch_database(server, prefix="wiredesk_grouping_bench") as url:
        conn = psycopg2.connect(url)
        try:
            measure(conn, items[:20])  # warm-up (connections, caches)
            stored = 0
            for size in sizes:
                started = time.perf_counter()
                load_generated(conn, stored, size, day_features)
                load = time.perf_counter() - started
                stored = size
                before = rss_mb()
                per, comparisons, f1 = measure(conn, items)
                rows.append((size, per))
                print(f"{size:>10,} {load:8.1f} {per * 1000:11.2f} {comparisons / len(items):16.2f} {f1:6.3f} "
                      f"{before:11.1f} {rss_mb():10.1f} {peak_rss_mb():12.1f}", flush=True)
        finally:
            conn.close()
    if len(rows) > 1:
        print(f"ratio largest/smallest time per new revision: {rows[-1][1] / rows[0][1]:.2f} (target <= 2)")
    if 1_000_000 not in sizes:
        print("1M step skipped (set WIREDESK_BENCH_1M=1; loads ~30M key rows, several minutes)")
    print("RSS before/after = this process around the timed grouping step; peak RSS = resource.getrusage ru_maxrss "
          "so far (includes generating and loading the stored rows). PostgreSQL's own memory is not included.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
