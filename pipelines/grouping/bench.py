"""`make bench-grouping`: time per new revision against 10k, 100k (and, with WIREDESK_BENCH_1M=1,
1M) stored revisions in the PostgreSQL index, and peak memory.

Stored revisions are generated directly as index rows (random sketch hashes and keys, published over
a year, as many keys per revision as real revisions get; 1% of keys drawn from a pool of 2,000
"stock phrase" keys so that some posting lists grow with the store) and bulk-loaded with COPY.
The new revisions are the labelled evaluation revisions (or generated text without
../shared/wiredata), grouped with the production code (assign + PostgresIndex) inside one
transaction that is rolled back, so every step measures against the same stored size.

Server: WIREDESK_TEST_DATABASE_URL or DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres,
else an embedded server; a scratch database is created and dropped.
"""
from __future__ import annotations

import io
import json
import os
import random
import resource
import struct
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg2

from pipelines import db
from pipelines.grouping import Revision
from pipelines.grouping.assign import assign
from pipelines.grouping.features import extract
from pipelines.grouping.index import PostgresIndex

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


def new_revisions() -> list[Revision]:
    from pipelines.grouping.dataset import build, shared_available

    if shared_available():
        revs = [it.revision for world in build("heldout", 3) for it in world]
    else:
        rng = random.Random(1)
        words = [f"word{i}" for i in range(3000)]
        revs = [Revision(f"n{i}", f"AEN20230701{i:04d}00320", headline=" ".join(rng.sample(words, 7)),
                         published_at="2023-07-01T10:00:00+09:00",
                         body_paragraphs=[" ".join(rng.sample(words, 35)) for _ in range(6)]) for i in range(300)]
    # Place them in the middle of the stored year.
    out = []
    for i, r in enumerate(revs[:NEW_REVISIONS]):
        out.append(Revision(f"new-{i}", r.article_id, url=r.url, headline=r.headline,
                            published_at=(START + timedelta(days=180, minutes=7 * i)).isoformat(),
                            body_paragraphs=r.body_paragraphs))
    return out


def random_ints(n: int) -> tuple[int, ...]:
    return struct.unpack(f"<{n}q", os.urandom(8 * n))


def load_generated(conn, start: int, stop: int, keys_per_revision: int) -> None:
    """COPY generated index rows for stored revisions start..stop-1."""
    rng = random.Random(start)
    sketches = ["{" + ",".join(map(str, sorted(random_ints(64)))) + "}" for _ in range(200)]
    paras = [json.dumps([sorted(random_ints(40)) for _ in range(3)]) for _ in range(200)]
    common = random_ints(2000)
    with conn.cursor() as cur:
        for lo in range(start, stop, CHUNK):
            hi = min(stop, lo + CHUNK)
            revs, keys = io.StringIO(), io.StringIO()
            ints = random_ints((hi - lo) * keys_per_revision)
            for n in range(lo, hi):
                day = rng.randrange(365)
                published = (START + timedelta(days=day, seconds=rng.randrange(86400))).timestamp()
                key = f"g{n}"
                revs.write(f"{key}\tstory-g{n}\tG{n:09d}\t\\N\t{published}\tf\tgenerated headline {n}\t\\N\tf\t\\N\t"
                           f"\\N\t300\t{sketches[n % 200]}\t{paras[n % 200]}\t{{40,40,40}}\t\\N\n")
                base = (n - lo) * keys_per_revision
                epoch_day = int(published // 86400)
                for k in range(keys_per_revision):
                    value = common[ints[base + k] % 2000] if k == 0 and n % 4 == 0 else ints[base + k]
                    keys.write(f"{value}\t{'t' if k >= keys_per_revision - 2 else 'f'}\t{epoch_day}\t{key}\n")
            revs.seek(0)
            keys.seek(0)
            cur.copy_expert("""COPY grouping_revisions (rev_key, story_id, article_id, lineage, published, date_only,
                               headline, part, digest, section, dateline, body_size, body_sketch, para_sketches,
                               para_sizes, problem) FROM STDIN""", revs)
            cur.copy_expert("COPY grouping_keys (key, anywhere, day, rev_key) FROM STDIN", keys)
    conn.commit()
    with conn.cursor() as cur:
        cur.execute("ANALYZE grouping_revisions")
        cur.execute("ANALYZE grouping_keys")
    conn.commit()


def measure(conn, revisions) -> tuple[float, int]:
    index = PostgresIndex(conn)
    started = time.perf_counter()
    result = assign(index, revisions)
    elapsed = time.perf_counter() - started
    conn.rollback()
    return elapsed / len(revisions), result.comparisons


def main() -> int:
    sizes = [10_000, 100_000] + ([1_000_000] if os.environ.get("WIREDESK_BENCH_1M") == "1" else [])
    revisions = new_revisions()
    keys_per_revision = round(sum(sum(map(len, extract(r).index_keys())) for r in revisions) / len(revisions))
    server = db.available_server_url(Path(tempfile.mkdtemp(prefix="wiredesk-bench-pg-")))
    print(f"grouping benchmark: {len(revisions)} new revisions per step, {keys_per_revision} index keys per "
          f"revision (measured), PostgreSQL index")
    print(f"{'stored':>10} {'load s':>8} {'ms/new rev':>11} {'comparisons/rev':>16} {'RSS before':>11} "
          f"{'RSS after':>10} {'peak RSS MB':>12}")
    rows = []
    with db.scratch_database(server, prefix="wiredesk_grouping_bench") as url:
        conn = psycopg2.connect(url)
        try:
            measure(conn, revisions[:20])  # warm-up (connections, caches)
            stored = 0
            for size in sizes:
                started = time.perf_counter()
                load_generated(conn, stored, size, keys_per_revision)
                load = time.perf_counter() - started
                stored = size
                before = rss_mb()
                per, comparisons = measure(conn, revisions)
                rows.append((size, per))
                print(f"{size:>10,} {load:8.1f} {per * 1000:11.2f} {comparisons / len(revisions):16.2f} "
                      f"{before:11.1f} {rss_mb():10.1f} {peak_rss_mb():12.1f}", flush=True)
        finally:
            conn.close()
    if len(rows) > 1:
        print(f"ratio largest/smallest time per new revision: {rows[-1][1] / rows[0][1]:.2f} (target <= 2)")
    if 1_000_000 not in sizes:
        print("1M step skipped (set WIREDESK_BENCH_1M=1; loads ~27M key rows, a few minutes)")
    print("RSS before/after = this process around the timed grouping step; peak RSS = resource.getrusage ru_maxrss "
          "so far (includes generating and loading the stored rows). PostgreSQL's own memory is not included.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
