"""python -m replay serve [--port 8765] [--host 127.0.0.1] [--bench-night 2023-06-01:1200]"""
from __future__ import annotations

import argparse
import threading
from datetime import date

from .generate import generate_night
from .server import ReplaySite
from .stories import nights


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m replay")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the replay site until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--bench-night", action="append", default=[], metavar="YYYY-MM-DD:N",
                       help="add a generated night of N pages (repeatable)")
    serve.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    all_nights = nights()
    for spec in args.bench_night:
        day, _, count = spec.partition(":")
        all_nights.append(generate_night(date.fromisoformat(day), int(count or 1000), seed=args.seed))
    site = ReplaySite(all_nights, host=args.host, port=args.port).start()
    print(site.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()


if __name__ == "__main__":
    main()
