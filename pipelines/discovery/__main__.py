"""python -m pipelines.discovery probe [--base-url URL] [--night YYYY-MM-DD]
   python -m pipelines.discovery discover [--base-url URL] [--run-id NAME]   (one frontier update)"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timezone


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.discovery")
    sub = parser.add_subparsers(dest="command", required=True)
    probe = sub.add_parser("probe", help="read each surface once and report what it found")
    probe.add_argument("--base-url", help="default: WIREDESK_YONHAP_BASE_URL or https://en.yna.co.kr")
    probe.add_argument("--night", type=date.fromisoformat, help="KST day to count items for (default: yesterday)")
    discover = sub.add_parser("discover", help="read feeds and sitemaps once and update the frontier")
    discover.add_argument("--base-url")
    discover.add_argument("--run-id", default=None)
    args = parser.parse_args(argv)
    if args.command == "probe":
        from pipelines.discovery.probe import probe as run_probe

        return run_probe(args.base_url, args.night)
    from pipelines import config
    from pipelines.discovery.frontier import discover as run_discover

    run_id = args.run_id or f"cli-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"
    print(json.dumps(run_discover("yonhap", (args.base_url or config.yonhap_base_url()).rstrip("/"), run_id),
                     indent=2))
    return 0


if __name__ == "__main__":
    from pipelines import cli

    sys.exit(cli.run(main, prog="python -m pipelines.discovery"))
