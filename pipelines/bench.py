"""`make bench`: pipeline throughput against trafilatura alone, on the same generated pages, next to
how well the night was grouped.

Serves a generated night of >= 1,000 pages from the replay site, runs crawl + archive +
extract + load + group + check on it (the same code the DAG runs, throttling lifted for the local
replay only), then times trafilatura.extract alone on the very same HTML with the same
number of worker processes, and prints pages/s for both, their ratio, the time of each step, peak
memory, and the stories found against the stories generated (the generator's truth) with B-cubed
precision/recall/F1 - a fast pipeline that groups a night into one blob cannot pass.
"""
from __future__ import annotations

import argparse
from collections import Counter, defaultdict
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

from pipelines import checks, db, load, nightly
from pipelines.rawstore import open_store


def trafilatura_only(html: bytes) -> int:
    import trafilatura

    result = trafilatura.extract(html.decode("utf-8", "replace"), output_format="json", with_metadata=True)
    return len(result or "")


def time_trafilatura(pages: list[bytes], workers: int) -> float:
    began = time.perf_counter()
    if workers == 1:
        for page in pages:
            trafilatura_only(page)
    else:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            list(pool.map(trafilatura_only, pages, chunksize=8))
    return time.perf_counter() - began


def peak_rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=1200)
    parser.add_argument("--night", default="2023-06-01")
    args = parser.parse_args(argv)

    from replay import generate_night
    from replay.server import ReplaySite

    night = generate_night(date.fromisoformat(args.night), args.pages)
    workers = load.extraction_workers()
    with tempfile.TemporaryDirectory(prefix="wiredesk-bench-") as work:
        os.environ.update({"WIREDESK_HOME": work, "WIREDESK_ALLOW_LOOPBACK": "1", "WIREDESK_THROTTLE": "0"})
        os.environ.pop("WIREDESK_S3_BUCKET", None)  # local raw store: measure the pipeline, not a test server
        server = db.available_server_url(Path(work) / "pg")
        with db.scratch_database(server, prefix="wiredesk_bench") as url, ReplaySite(nights=[night]).start() as site:
            os.environ["DATABASE_URL"] = url
            os.environ["WIREDESK_YONHAP_BASE_URL"] = site.base_url
            steps, times = {}, {}
            began = time.perf_counter()
            steps["crawl"] = nightly.crawl_night(night.date, "bench")
            times["crawl"] = time.perf_counter() - began
            run = steps["crawl"]["crawl_run_id"]
            for name, step in (("load", nightly.load_run), ("group", nightly.group_run), ("check", nightly.check_run)):
                started = time.perf_counter()
                try:
                    steps[name] = step(run)
                except checks.DataQualityError as exc:  # reported below, next to the figures
                    steps[name] = {"failed": str(exc)[:500]}
                times[name] = time.perf_counter() - started
            pipeline_seconds = time.perf_counter() - began
            fetched = steps["crawl"]["pages_fetched"]
            store = open_store()
            with db.transaction(url) as conn, conn.cursor() as cur:
                cur.execute("SELECT raw_key FROM raw_pages ORDER BY raw_key")
                pages = [store.get_page(key) for (key,) in cur.fetchall()]
                cur.execute("SELECT article_id, story_id FROM story_revisions")
                found = dict(cur.fetchall())
            warc = warc_sizes(store, url, fetched)
            warc["crawl_off"], warc["crawl_on"] = crawl_with_and_without_warc(server, night, Path(work))
            warc["writing"] = time_warc_writing(pages, site.base_url, Path(work) / "warc-direct")
        trafilatura_seconds = time_trafilatura(pages, workers)
        trafilatura_one_core = time_trafilatura(pages[:200], 1) * len(pages) / min(200, len(pages))

    pipeline_rate = fetched / pipeline_seconds
    trafilatura_rate = len(pages) / trafilatura_seconds
    own, children = peak_rss_mb()
    mean_kb = sum(map(len, pages)) / len(pages) / 1024
    print(f"pages: {fetched} fetched of {args.pages} generated, mean {mean_kb:.0f} KB; extraction workers: {workers}")
    print(f"pipeline (crawl+archive+extract+load+group): {pipeline_seconds:6.1f} s  {pipeline_rate:6.1f} pages/s")
    print(f"trafilatura alone, {workers} worker(s):             {trafilatura_seconds:6.1f} s  {trafilatura_rate:6.1f} pages/s")
    print(f"trafilatura alone, 1 core (200-page sample):  {trafilatura_one_core:6.1f} s  "
          f"{len(pages) / trafilatura_one_core:6.1f} pages/s")
    print(f"ratio pipeline / trafilatura-alone (same workers): {pipeline_rate / trafilatura_rate:.2f}  (target >= 0.80)")
    print(f"peak RSS: this process {own:.0f} MB, largest child {children:.0f} MB  (target < 1024 MB)")
    print("time per step: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in times.items()))
    truth = {a.article_id: a.story_key for a in night.articles if a.article_id in found}
    p, r, f1 = bcubed(truth, found)
    largest_true = max(Counter(truth.values()).values())
    largest_found = max(Counter(found[k] for k in truth).values())
    print(f"stories: found {len(set(found.values()))} of {len(set(truth.values()))} generated; B-cubed P {p:.4f} "
          f"R {r:.4f} F1 {f1:.4f} (target >= 0.99); largest story found {largest_found} revisions, "
          f"largest generated {largest_true}")
    print(f"steps: load {steps['load']}, group {steps['group']}, check {steps['check'].get('failed', 'ok')}")
    print(f"archive bytes per page: content-addressed object {warc['object_kb']:.1f} KB; WARC {warc['warc_kb']:.1f} KB "
          f"(response record {warc['response_kb']:.1f} KB; the rest is request records, robots, feeds, sitemaps, "
          f"listings) in {warc['files']} file(s) + CDXJ {warc['cdxj_kb']:.2f} KB")
    added = warc["crawl_on"] - warc["crawl_off"]
    print(f"writing WARC: crawl {warc['crawl_off']:.1f} s without, {warc['crawl_on']:.1f} s with (fresh database and "
          f"store each): {added:+.1f} s, {100 * added / warc['crawl_off']:+.1f}% of the crawl, "
          f"{100 * added / pipeline_seconds:+.1f}% of the pipeline (target <= +10%)")
    print(f"writing WARC measured alone (the middleware on the night's {len(pages)} pages, publish and CDXJ "
          f"included): {warc['writing']:.2f} s, {1000 * warc['writing'] / max(len(pages), 1):.2f} ms/page, "
          f"{100 * warc['writing'] / pipeline_seconds:.1f}% of the pipeline's time if none of it overlapped the "
          f"crawl (it runs in a thread beside it)")
    return 0


def time_warc_writing(pages: list[bytes], base_url: str, home: Path) -> float:
    """Seconds spiders/warc.py spends recording `pages` as fetched responses (request + response records,
    digests, gzip, the revisit lookup, then publishing with its CDXJ): the CPU cost WARC adds, free of
    the network noise of comparing two crawls."""
    from ipaddress import ip_address
    from types import SimpleNamespace

    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from spiders import settings as project
    from spiders.warc import WarcRecorderMiddleware

    home.mkdir()
    saved = os.environ.get("WIREDESK_HOME")
    os.environ["WIREDESK_HOME"] = str(home)
    try:
        crawler = get_crawler(settings_dict={"USER_AGENT": project.USER_AGENT, "ROBOTSTXT_OBEY": True})
        import cdxj_indexer.main  # noqa: F401 - once per crawl process, not per page: outside the timing
        began = time.perf_counter()
        middleware = WarcRecorderMiddleware(crawler)
        middleware.spider_opened(SimpleNamespace(name="bench", source="bench", night="2023-06-01"))
        for n, body in enumerate(pages):
            request = Request(f"{base_url}/view/BENCH{n:06d}", headers={"Accept-Encoding": "gzip, deflate, br"})
            response = HtmlResponse(request.url, status=200, body=body, request=request, protocol="HTTP/1.1",
                                    ip_address=ip_address("127.0.0.1"),
                                    headers={"Content-Type": "text/html; charset=utf-8",
                                             "Content-Length": str(len(body))})
            middleware.record(request, response)  # what process_response runs in its thread
        middleware.spider_closed()
        return time.perf_counter() - began
    finally:
        os.environ.pop("WIREDESK_HOME") if saved is None else os.environ.__setitem__("WIREDESK_HOME", saved)


def warc_sizes(store, url: str, fetched: int) -> dict:
    """Bytes per fetched page of the raw objects and of the WARC files (local store: file sizes)."""
    root = store.root
    objects = sum(p.stat().st_size for p in root.glob("raw/**/*.html.gz"))
    warcs = list(root.glob("warc/**/*.warc.gz"))
    indexes = sum(p.stat().st_size for p in root.glob("warc/**/*.cdxj"))
    with db.transaction(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT coalesce(sum(warc_length), 0) FROM raw_pages")
        responses = cur.fetchone()[0]
    per = max(fetched, 1) * 1024
    return {"object_kb": objects / per, "warc_kb": sum(p.stat().st_size for p in warcs) / per,
            "response_kb": int(responses) / per, "cdxj_kb": indexes / per, "files": len(warcs)}


def crawl_with_and_without_warc(server: str, night, work: Path) -> tuple[float, float]:
    """Seconds of the crawl step of the same night without WARC and with it, each on a fresh database and
    raw store (so both archive every page): alternated twice, the faster of each kept (a shared machine's
    load moves single runs by more than WARC costs)."""
    seconds = {"off": float("inf"), "on": float("inf")}
    for round_, (label, flag) in enumerate([("off", "0"), ("on", "1")] * 2):
        home = work / f"warc-{label}-{round_}"
        home.mkdir()
        with db.scratch_database(server, prefix="wiredesk_bench") as url:
            saved = {k: os.environ.get(k) for k in ("DATABASE_URL", "WIREDESK_HOME", "WIREDESK_WARC")}
            os.environ.update({"DATABASE_URL": url, "WIREDESK_HOME": str(home), "WIREDESK_WARC": flag})
            try:
                began = time.perf_counter()
                nightly.crawl_night(night.date, f"bench-warc-{label}")
                seconds[label] = min(seconds[label], time.perf_counter() - began)
            finally:
                for key, value in saved.items():
                    os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
    return seconds["off"], seconds["on"]


def bcubed(truth: dict[str, str], found: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of `found` {item: cluster} against `truth` {item: cluster}."""
    by_found, by_truth = defaultdict(set), defaultdict(set)
    for key, story in truth.items():
        by_truth[story].add(key)
        by_found[found[key]].add(key)
    p = sum(len(by_found[found[k]] & by_truth[truth[k]]) / len(by_found[found[k]]) for k in truth) / len(truth)
    r = sum(len(by_found[found[k]] & by_truth[truth[k]]) / len(by_truth[truth[k]]) for k in truth) / len(truth)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


if __name__ == "__main__":
    sys.exit(main())
