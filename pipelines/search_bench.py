"""`make bench-search`: full-text search over a year of generated copy (about 40k stories).

Generates stories in a scratch database the way the pipeline writes them (raw page, revisions,
then the story row pointed at its latest revision, so the search triggers of sql/009_search.sql do
the indexing), then times sql/queries/search_stories.sql for common, rare, phrase, section and
date-range queries and prints median / 95th percentile / worst milliseconds per query and the
index size; then, as quality beside the speed, how many of 200 random stories a search by their own
headline finds, and the year exported to Parquet (seconds, rows read back against rows generated). The text is generated from a news vocabulary with a Zipf-like word distribution.

Server: WIREDESK_TEST_DATABASE_URL or DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres,
else an embedded server. WIREDESK_BENCH_STORIES sets the story count (default 40000).
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import psycopg2
from psycopg2.extras import Json, execute_values

from pipelines import db
from pipelines.search import search

# Each story has a section and a handful of its section's keywords; the rest of its words come
# from a general Zipf-distributed vocabulary (a few very common words first, like "korea" or "said"
# in real copy), so specific words match hundreds of stories and common words nearly all of them.
TOPICS = {
    "nk": """north missile nuclear launch pyongyang kim military provocation ballistic sanctions drone border
             artillery defector satellite regime denuclearization icbm warship troops""".split(),
    "politics": """president assembly party election lawmakers minister opposition bill summit cabinet approval
                   impeachment speaker campaign candidate primary scandal reshuffle veto ruling""".split(),
    "economy": """exports growth inflation bank rate won stocks chips semiconductor samsung hyundai tariffs trade
                  battery kospi deficit surplus jobs unemployment consumer prices""".split(),
    "national": """police court prosecutors trial fire accident hospital weather typhoon earthquake heat rain
                   students school doctors strike union workers subway flood""".split(),
    "sports": """football baseball olympics league coach players match victory record tournament medal
                 striker pitcher stadium volleyball golf archery marathon""".split(),
    "culture": """film music drama festival exhibition concert museum album director actress novel heritage
                  palace hanbok webtoon choreography orchestra premiere""".split(),
    "world": """china japan russia ukraine alliance envoy foreign washington beijing tokyo sanctions talks
                treaty embassy refugees ceasefire minister visit""".split(),
}
SECTIONS = tuple(TOPICS)
GENERAL_WORDS = """korea said seoul officials government year new percent according reported week first also plan
                   south country people since month last told expected""".split()
START = datetime(2023, 1, 1, tzinfo=timezone(timedelta(hours=9)))
BATCH = 2_000


def _vocabulary(rng: random.Random, size: int = 6_000) -> list[str]:
    letters = "abcdefghijklmnoprstuvwy"
    made = {"".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(size)}
    return GENERAL_WORDS + sorted(made)


def _sentence(rng: random.Random, vocab: list[str], weights: list[float], keywords: list[str], words: int) -> str:
    drawn = [rng.choice(keywords) if rng.random() < 0.12 else w
             for w in rng.choices(vocab, weights=weights, k=words)]
    return " ".join(drawn).capitalize() + "."


def insert_synthetic_stories(url: str, count: int, days: int = 365, seed: int = 7,
                             start: datetime = START) -> int:
    """Insert `count` stories (1-3 revisions each) published over `days` days from `start`.

    Returns the number of revisions written. Story ids are `synthetic-<n>`.
    """
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(vocab))]
    revisions = 0
    with db.transaction(url) as conn, conn.cursor() as cur:
        cur.execute("""INSERT INTO crawl_runs (run_id, source, interval_start, interval_end, status)
                       VALUES ('synthetic', 'yonhap', %s, %s, 'ok') RETURNING crawl_run_id""",
                    (start, start + timedelta(days=days)))
        for first in range(0, count, BATCH):
            numbers = range(first, min(first + BATCH, count))
            stories, pages, revision_rows = [], [], []
            for n in numbers:
                published = start + timedelta(seconds=rng.randrange(days * 86_400))
                section = rng.choice(SECTIONS)
                keywords = rng.sample(TOPICS[section], 4)
                headline = " ".join(keywords[:2] + rng.choices(vocab[:300], weights=weights[:300], k=rng.randint(3, 7)))
                headline = headline.capitalize()
                body = [_sentence(rng, vocab, weights, keywords, rng.randint(14, 30)) for _ in range(rng.randint(5, 12))]
                stories.append((f"synthetic-{n}",))
                for seq in range(rng.randint(1, 3)):
                    article_id = f"AEN{published:%Y%m%d}{n:06d}{seq}"
                    key = f"raw/yonhap/{published:%Y/%m/%d}/{article_id}/{n:064d}.html.gz"
                    pages.append((key, "yonhap", article_id, f"https://en.yna.co.kr/view/{article_id}",
                                  f"{n:064d}", 200, "text/html", 50_000, published))
                    body = body + [_sentence(rng, vocab, weights, keywords, 20)] if seq else body
                    revision_rows.append(("yonhap", article_id, f"{n}-{seq}", f"synthetic-{n}", seq + 1,
                                          f"https://en.yna.co.kr/view/{article_id}",
                                          ("(LEAD) " if seq else "") + headline, "(LEAD)" if seq else None, seq,
                                          section, published + timedelta(hours=seq), Json(body), "\n\n".join(body),
                                          "synthetic", key))
            execute_values(cur, "INSERT INTO stories (story_id, source) VALUES %s", [(s, "yonhap") for (s,) in stories])
            execute_values(cur, """INSERT INTO raw_pages (raw_key, source, article_id, url, sha256, http_status,
                                   content_type, size_bytes, fetched_at) VALUES %s""", pages)
            execute_values(cur, """INSERT INTO story_revisions (source, article_id, content_hash, story_id, story_seq,
                                   url, headline, revision_label, revision_no, section, published_at,
                                   body_paragraphs, body_text, extractor_version, raw_key) VALUES %s""", revision_rows)
            revisions += len(revision_rows)
            # As pipelines.stories.refresh_stories does: point each story at its latest revision.
            cur.execute("""
                WITH agg AS (
                    SELECT story_id, count(*) AS n, min(published_at) AS first_published,
                           max(published_at) AS last_updated,
                           (array_agg(revision_id ORDER BY story_seq DESC))[1] AS latest
                    FROM story_revisions WHERE story_id = ANY(%s) GROUP BY story_id)
                UPDATE stories s SET latest_revision_id = agg.latest, revision_count = agg.n,
                       first_published_at = agg.first_published, last_updated_at = agg.last_updated,
                       headline = (SELECT headline FROM story_revisions WHERE revision_id = agg.latest)
                FROM agg WHERE s.story_id = agg.story_id""", ([s for (s,) in stories],))
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        conn.autocommit = True
        cur.execute("ANALYZE stories")
        cur.execute("ANALYZE story_revisions")
    return revisions


CASES = [  # (label, query, date_from, date_to, section)
    ("common word, whole year", "korea", date(2023, 1, 1), date(2023, 12, 31), None),
    ("common word, one month", "government", date(2023, 5, 1), date(2023, 5, 31), None),
    ("two words, whole year", "nuclear missile", date(2023, 1, 1), date(2023, 12, 31), None),
    ("phrase, whole year", '"exports growth"', date(2023, 1, 1), date(2023, 12, 31), None),
    ("rare word, whole year", "typhoon earthquake", date(2023, 1, 1), date(2023, 12, 31), None),
    ("word + section, quarter", "samsung", date(2023, 4, 1), date(2023, 6, 30), "economy"),
    ("or / exclude, one week", "summit or talks -china", date(2023, 7, 1), date(2023, 7, 7), None),
]


def time_cases(url: str, repeats: int = 15) -> list[dict]:
    results = []
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        for label, q, date_from, date_to, section in CASES:
            search(cur, q, date_from, date_to, section)  # warm the cache once
            times = []
            for _ in range(repeats):
                began = time.perf_counter()
                _, rows = search(cur, q, date_from, date_to, section)
                times.append((time.perf_counter() - began) * 1000)
            times.sort()
            cur.execute("""SELECT count(*) FROM stories WHERE search_document @@ websearch_to_tsquery('english', %s)""",
                        (q,))
            results.append({"case": label, "query": q, "matches": cur.fetchone()[0], "returned": len(rows),
                            "median_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))],
                            "max_ms": times[-1]})
    return results


def recall_by_headline(url: str, sample: int = 200, seed: int = 11) -> tuple[int, int]:
    """Quality beside speed: for `sample` random stories, search their own headline words on their
    first published day; how many come back in the top 10."""
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("""SELECT story_id, headline, (first_published_at AT TIME ZONE 'Asia/Seoul')::date
                       FROM stories ORDER BY story_id""")
        stories = random.Random(seed).sample(cur.fetchall(), sample)
        found = 0
        for story_id, headline, day in stories:
            words = " ".join(w for w in headline.replace("(LEAD)", "").split() if w.isalpha())
            _, rows = search(cur, words, day, day, None, 10)
            found += any(row[0] == story_id for row in rows)
    return found, sample


def time_export(url: str, stories: int, revisions: int) -> dict:
    """The year out as Parquet (pipelines.export), read back with pyarrow: rows and seconds."""
    import pyarrow.parquet as pq

    from pipelines.export import export_range

    out = Path(tempfile.mkdtemp(prefix="wiredesk-bench-export-"))
    began = time.perf_counter()
    counts = export_range(date(2023, 1, 1), date(2024, 1, 1), "parquet", out, revisions=True, url=url)
    seconds = time.perf_counter() - began
    read_back = {t: pq.read_metadata(out / f"{t}.parquet").num_rows for t in counts}
    size = sum((out / f"{t}.parquet").stat().st_size for t in counts)
    for path in out.iterdir():
        path.unlink()
    out.rmdir()
    return {"seconds": seconds, "written": counts, "read_back": read_back, "mb": size / 1e6,
            "expected": {"stories": stories, "revisions": revisions}}


def main() -> int:
    count = int(os.environ.get("WIREDESK_BENCH_STORIES", "40000"))
    server = db.available_server_url(Path(tempfile.mkdtemp(prefix="wiredesk-bench-")) / "data")
    with db.scratch_database(server, prefix="wiredesk_bench_search") as url:
        began = time.perf_counter()
        revisions = insert_synthetic_stories(url, count)
        load_s = time.perf_counter() - began
        with psycopg2.connect(url) as conn, conn.cursor() as cur:
            cur.execute("SELECT pg_size_pretty(pg_relation_size('stories_search_idx')), "
                        "pg_size_pretty(pg_total_relation_size('stories'))")
            index_size, table_size = cur.fetchone()
        print(f"{count} stories ({revisions} revisions) over 365 days written in {load_s:.1f} s "
              f"({count / load_s:.0f} stories/s, search documents built by the triggers); "
              f"GIN index {index_size}, stories table {table_size}")
        results = time_cases(url)
        found, sampled = recall_by_headline(url)
        exported = time_export(url, count, revisions)
    print(f"\n{'case':28} {'matches*':>8} {'rows':>5} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for r in results:
        print(f"{r['case']:28} {r['matches']:8d} {r['returned']:5d} {r['median_ms']:10.1f} {r['p95_ms']:8.1f} "
              f"{r['max_ms']:8.1f}")
    worst = max(r["p95_ms"] for r in results)
    print(f"\nworst p95: {worst:.1f} ms (target: well under 100 ms)\n* stories matching the words at any date; rows: returned for the case's range and section")
    print(f"\nrecall: {found} of {sampled} random stories come back in the top 10 when searched by their own "
          f"headline on their first day")
    e = exported
    print(f"export of the year (python -m pipelines.export --format parquet --revisions): {e['seconds']:.1f} s, "
          f"{e['mb']:.1f} MB; stories {e['read_back']['stories']} read back of {e['expected']['stories']} generated, "
          f"revisions {e['read_back']['revisions']} of {e['expected']['revisions']}")
    ok = found == sampled and e["read_back"] == e["expected"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
