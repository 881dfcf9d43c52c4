"""`make bench-archive`: crawl + archive throughput against a slow S3, beside correctness.

Serves a generated night from the replay site and crawls it (the real spider, throttling lifted for the
local replay only) into moto's S3 server behind pipelines.slow_store.SlowS3Proxy, which delays every PUT
(3 s by default) or also answers every Nth with 503 SlowDown. Prints pages/s with the archive writes
serial (WIREDESK_ARCHIVE_CONCURRENCY=1, on a smaller sample) and with the configured concurrency, and
checks what correctness means here: every page fetched is in the bucket under its key, once.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def crawl_once(night, site_url: str, endpoint: str, bucket: str, concurrency: int, work: Path) -> dict:
    from pipelines.crawl import read_manifest, run_spider
    from pipelines.intervals import night_window

    os.environ.update({"WIREDESK_S3_BUCKET": bucket, "WIREDESK_S3_ENDPOINT": endpoint,
                       "WIREDESK_ARCHIVE_CONCURRENCY": str(concurrency)})
    start, end = night_window(night.date)
    manifest = work / f"manifest-{bucket}.jsonl"
    began = time.perf_counter()
    run_spider("yonhap", start, end, manifest, base_url=site_url, settings={"RETRY_TIMES": 0})
    seconds = time.perf_counter() - began
    pages, failures = read_manifest(manifest)
    return {"pages": pages, "failures": failures, "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="pages in the night crawled with concurrency")
    parser.add_argument("--serial-pages", type=int, default=20, help="pages in the night crawled serially")
    parser.add_argument("--put-delay", type=float, default=3.0, help="seconds the store takes per PUT")
    parser.add_argument("--slowdown-every", type=int, default=0, help="every Nth PUT answers 503 SlowDown")
    parser.add_argument("--concurrency", type=int, default=None, help="default: WIREDESK_ARCHIVE_CONCURRENCY or 8")
    args = parser.parse_args(argv)

    import boto3
    from moto.server import ThreadedMotoServer

    from pipelines import config
    from pipelines.slow_store import SlowS3Proxy
    from replay import generate_night
    from replay.server import ReplaySite

    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto logs one line per request otherwise
    concurrency = args.concurrency or config.archive_concurrency()
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    target = f"http://127.0.0.1:{port}"
    keys = {"AWS_ACCESS_KEY_ID": "bench-key", "AWS_SECRET_ACCESS_KEY": "bench-secret", "AWS_DEFAULT_REGION": "us-east-1"}
    os.environ.update(keys)
    client = boto3.client("s3", endpoint_url=target, region_name="us-east-1")
    ok = True
    try:
        with tempfile.TemporaryDirectory(prefix="wiredesk-bench-archive-") as work:
            os.environ.update({"WIREDESK_HOME": work, "WIREDESK_ALLOW_LOOPBACK": "1", "WIREDESK_THROTTLE": "0"})
            print(f"store: moto S3 behind a proxy, {args.put_delay:g} s per PUT"
                  + (f", 1 PUT in {args.slowdown_every} answered 503 SlowDown" if args.slowdown_every else ""))
            for label, pages, workers in (("serial", args.serial_pages, 1), ("concurrent", args.pages, concurrency)):
                night = generate_night(date(2023, 6, 1), pages)
                bucket = f"bench-{label}"
                client.create_bucket(Bucket=bucket)
                with SlowS3Proxy(target, args.put_delay, args.slowdown_every) as proxy, \
                        ReplaySite(nights=[night]).start() as site:
                    result = crawl_once(night, site.base_url, proxy.url, bucket, workers, Path(work))
                stored = [o["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
                          for o in page.get("Contents", [])]
                fetched = result["pages"]
                complete = (len(fetched) == pages and sorted(stored) == sorted(p["raw_key"] for p in fetched)
                            and not result["failures"])
                ok &= complete
                print(f"{label:>10}: {workers} write(s) at once: {len(fetched)} of {pages} pages fetched, "
                      f"{len(stored)} stored, {len(result['failures'])} failures in {result['seconds']:.1f} s = "
                      f"{len(fetched) / result['seconds']:.2f} pages/s; PUTs {proxy.puts} "
                      f"(SlowDown {proxy.slowdowns}), most in flight {proxy.max_in_flight}; "
                      f"all pages stored: {'yes' if complete else 'NO'}")
    finally:
        moto.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
