"""python -m pipelines.sources.apnews.replay serve [--host 127.0.0.1] [--port 8766]
    [--generation brightspot2024|react2023] [--now 2024-05-15T12:00:00+00:00]
    [--surfaces sitemap,news_sitemap,hubs] [--sitemap-form index|urlset] [--time-form z|offset|naive|date]
    [--validators both|etag|last_modified|none]"""
from __future__ import annotations

import argparse
import threading
from datetime import datetime

from pipelines.sources.apnews.replay.render import GENERATIONS
from pipelines.sources.apnews.replay.server import SURFACES, TIME_FORMS, VALIDATORS, APReplaySite, SiteOptions


def aware(text: str) -> datetime:
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        raise argparse.ArgumentTypeError(f"--now needs an offset (e.g. {text}+00:00)")
    return when


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipelines.sources.apnews.replay")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the AP replay until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8766)
    serve.add_argument("--generation", choices=GENERATIONS, default="brightspot2024")
    serve.add_argument("--now", type=aware, help="the replay clock (ISO 8601 with offset); default: latest")
    serve.add_argument("--surfaces", default=",".join(sorted(SURFACES)))
    serve.add_argument("--sitemap-form", choices=("index", "urlset"), default="index")
    serve.add_argument("--time-form", choices=TIME_FORMS, default="z")
    serve.add_argument("--validators", choices=VALIDATORS, default="both")
    args = parser.parse_args(argv)
    options = SiteOptions(generation=args.generation, surfaces=frozenset(s.strip() for s in args.surfaces.split(",")
                                                                         if s.strip()),
                          sitemap_form=args.sitemap_form, time_form=args.time_form, validators=args.validators)
    site = APReplaySite(host=args.host, port=args.port, options=options, now=args.now).start()
    print(site.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()


if __name__ == "__main__":
    main()
