"""python -m pipelines.capture --now ISO8601 [--base-url URL]

One capture pass as if it were that instant (the DAG passes its data interval's end). Prints a
one-line JSON summary: surfaces read, new articles, revisits, changed, unchanged, not modified,
failures. Exit 0: done; 1: a surface or the store failed (the summary's problems say which);
2: a usage or configuration error. Its configuration (base url, loopback, throttle, database, raw
store) is the nightly's: the same environment variables.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys

import psycopg2

from pipelines.intervals import parse_instant

KEYS = ("surfaces_read", "new_articles", "revisits", "changed", "unchanged", "not_modified", "failures")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.capture", description=__doc__.split("\n\n")[1])
    parser.add_argument("--now", required=True, help="the pass instant, ISO 8601 with its offset")
    parser.add_argument("--base-url", help="default: WIREDESK_YONHAP_BASE_URL")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    from pipelines import crawl
    from pipelines.capture import passes, schedule
    from pipelines.rawstore import RawStoreError

    try:
        now = parse_instant(args.now)
        if now.tzinfo is None:
            raise ValueError("--now needs a UTC offset (e.g. 2023-05-09T06:00:00+09:00)")
        summary = passes.run_pass(now, base_url=args.base_url)
    except (ValueError, schedule.ScheduleError) as exc:
        print(f"capture: {exc}", file=sys.stderr)
        return 2
    except (crawl.CrawlError, RawStoreError, psycopg2.Error) as exc:
        print(json.dumps({"now": args.now, "problems": [f"{type(exc).__name__}: {exc}"[:500]]}))
        return 1
    result = summary.as_dict()
    print(json.dumps({"now": result["now"], **{k: result[k] for k in KEYS}, "problems": result["problems"],
                      "failed": result["failed"]}))
    return 1 if summary.problems else 0


if __name__ == "__main__":
    sys.exit(main())
