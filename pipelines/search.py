"""Full-text search over stories' latest text: `python -m pipelines.search`.

    python -m pipelines.search "nuclear test" --from 2023-05-01 --to 2023-05-31 [--section national] [--limit 20]

Runs sql/queries/search_stories.sql (headline weighted over body, 'english' configuration, the GIN
index of sql/009_search.sql) and prints story id, rank, headline and a snippet with the matched
words between << and >>. Read-only: run it as the analyst role (docs/security.md).
"""
from __future__ import annotations

import argparse
import sys
from datetime import date

from pipelines import db, queries

QUERY = "search_stories.sql"


def search(cur, q: str, date_from: date, date_to: date, section: str | None = None,
           limit: int = 20) -> tuple[list[str], list[tuple]]:
    if date_from > date_to:
        raise ValueError(f"--from {date_from} is after --to {date_to}")
    return queries.run_named(cur, QUERY, {"q": q, "date_from": date_from, "date_to": date_to,
                                          "section": section, "max_rows": limit})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.search", description=__doc__.split("\n")[0])
    parser.add_argument("query", help='words, "a phrase", -excluded, or (web-search syntax)')
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, required=True, help="KST day, inclusive")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, required=True, help="KST day, inclusive")
    parser.add_argument("--section", default=None, help="only this section (e.g. national, economy)")
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args(argv)
    try:
        with db.transaction() as conn, conn.cursor() as cur:
            columns, rows = search(cur, args.query, args.date_from, args.date_to, args.section, args.limit)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(queries.format_rows(columns, rows, width=120))
    print(f"\n{len(rows)} stories")
    return 0


if __name__ == "__main__":
    sys.exit(main())
