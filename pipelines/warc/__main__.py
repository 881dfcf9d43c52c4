"""`python -m pipelines.warc export --from D1 --to D2 OUT [--wacz]` and `python -m pipelines.warc recover`."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.warc", description="WARC files of wiredesk")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="pack the raw pages of a range of KST nights into WARC (and WACZ)")
    export.add_argument("--from", dest="first", type=date.fromisoformat, required=True, help="first night, inclusive")
    export.add_argument("--to", dest="last", type=date.fromisoformat, required=True, help="last night, inclusive")
    export.add_argument("--source", default="yonhap")
    export.add_argument("--wacz", action="store_true", help="also write a WACZ package")
    export.add_argument("out", type=Path, help="output folder (created if missing)")
    commands.add_parser("recover", help="finish WARC files an interrupted crawl left in the spool")
    replay = commands.add_parser("replay", help="serve a night's WARC files in pywb on 127.0.0.1")
    replay.add_argument("night", type=date.fromisoformat)
    replay.add_argument("--source", default="yonhap")
    replay.add_argument("--port", type=int, default=8090)
    commands.add_parser("pywb-venv", help="install pywb in its own venv (WIREDESK_HOME/pywb-venv)")
    args = parser.parse_args(argv)

    from pipelines import config, db
    from pipelines.rawstore import open_store

    if args.command == "pywb-venv":
        from pipelines.warc.pywb import ensure_venv

        print(ensure_venv())
        return 0
    if args.command == "replay":
        from pipelines.warc.pywb import replay_night

        return replay_night(args.night, args.source, args.port)

    store = open_store()
    if args.command == "recover":
        from pipelines.warc.writer import recover_spool

        print(json.dumps(recover_spool(store, config.home() / "warc-spool"), indent=2))
        return 0
    if args.last < args.first:
        parser.error("--to is before --from")
    from pipelines.warc.export import export_range

    db.migrate()
    with db.transaction() as conn:
        result = export_range(conn, store, args.source, args.first, args.last, args.out, wacz=args.wacz)
    print(json.dumps({"warc": str(result.warc), "cdxj": str(result.cdxj),
                      "wacz": str(result.wacz) if result.wacz else None,
                      "copied": result.copied, "rebuilt": result.rebuilt}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
