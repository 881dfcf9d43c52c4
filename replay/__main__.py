"""python -m replay serve [--port 8765] [--host 127.0.0.1] [--bench-night 2023-06-01:1200]
    [--surfaces listings,feeds,sitemap] [--feed-form raw|rfc822|iso8601] [--listing-dates empty|absent|js]
    [--sitemap-form urlset|index]"""
from __future__ import annotations

import argparse
import threading
from datetime import date

from .generate import generate_night
from .options import FEED_FORMS, LISTING_DATES, SITEMAP_FORMS, SiteOptions
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
    serve.add_argument("--surfaces", default="listings,feeds,sitemap", help="discovery surfaces to offer")
    serve.add_argument("--feed-form", choices=FEED_FORMS, default="raw")
    serve.add_argument("--listing-dates", choices=LISTING_DATES, default="empty")
    serve.add_argument("--sitemap-form", choices=SITEMAP_FORMS, default="urlset")
    args = parser.parse_args(argv)

    all_nights = nights()
    for spec in args.bench_night:
        day, _, count = spec.partition(":")
        all_nights.append(generate_night(date.fromisoformat(day), int(count or 1000), seed=args.seed))
    options = SiteOptions(surfaces=frozenset(s.strip() for s in args.surfaces.split(",") if s.strip()),
                          feed_form=args.feed_form, listing_dates=args.listing_dates, sitemap_form=args.sitemap_form)
    site = ReplaySite(all_nights, host=args.host, port=args.port, options=options).start()
    print(site.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()


if __name__ == "__main__":
    main()
