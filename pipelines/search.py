"""Full-text search over stories' latest text: `python -m pipelines.search`.

    python -m pipelines.search "nuclear test" --from 2023-05-01 --to 2023-05-31 [--section national] [--limit 20]

Runs sql/queries/search_stories.sql (headline weighted over body, 'english' configuration, the GIN
index of sql/009_search.sql) and prints story id, rank, headline and a snippet with the matched
words between << and >>. Read-only: run it as the analyst role (docs/security.md).

The work is bounded whatever the query says: at most MAX_ROWS rows, MAX_TERMS words and
MAX_QUERY_CHARS characters (else a one-line error, exit 2), and the statement is cancelled after
WIREDESK_SEARCH_TIMEOUT seconds (default 10; a one-line error, exit 1).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import date

import psycopg2
from psycopg2 import errors

from pipelines import db, queries, redaction

QUERY = "search_stories.sql"
MAX_ROWS = 1000  # the query ranks at most 1,000 candidates (search_stories.sql): more rows cannot come back
MAX_TERMS = 32
MAX_QUERY_CHARS = 1000
DEFAULT_TIMEOUT_S = 10.0
TIMEOUT_ENV = "WIREDESK_SEARCH_TIMEOUT"
_TERM = re.compile(r"\w+")


class SearchTimeout(RuntimeError):
    """The search ran longer than its statement timeout and was cancelled."""


def timeout_seconds() -> float:
    """WIREDESK_SEARCH_TIMEOUT in seconds (default 10); ValueError when it is no positive number."""
    raw = os.environ.get("WIREDESK_SEARCH_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise ValueError(f"{TIMEOUT_ENV} must be a number of seconds between 0 and 3600, not {raw!r}")
    return value


def check_parameters(q: str, date_from: date, date_to: date, limit: int) -> None:
    """ValueError, in one line, for a search that asks for more than a search may do."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_ROWS:
        raise ValueError(f"--limit must be a whole number from 1 to {MAX_ROWS}, not {limit!r}")
    if date_from > date_to:
        raise ValueError(f"--from {date_from} is after --to {date_to}")
    if not isinstance(q, str) or not q.strip():
        raise ValueError("the query is empty: give words to search for")
    if "\x00" in q:
        raise ValueError("the query holds a NUL character")
    terms = len(_TERM.findall(q))
    if terms > MAX_TERMS:
        raise ValueError(f"the query has {terms} terms (words, excluded words and phrase words); at most {MAX_TERMS}")
    if len(q) > MAX_QUERY_CHARS:
        raise ValueError(f"the query has {len(q)} characters; at most {MAX_QUERY_CHARS}")


def search(cur, q: str, date_from: date, date_to: date, section: str | None = None,
           limit: int = 20) -> tuple[list[str], list[tuple]]:
    """(columns, rows) of search_stories.sql. ValueError for parameters out of bounds; SearchTimeout
    when the statement outlives WIREDESK_SEARCH_TIMEOUT (in a caller's transaction, the timeout
    then holds for the rest of it; the cancelled statement leaves that transaction aborted)."""
    check_parameters(q, date_from, date_to, limit)
    seconds = timeout_seconds()
    # SET LOCAL in the same query string: one implicit transaction with the search even on an
    # autocommit connection, so the timeout never outlives it there.
    sql = f"SET LOCAL statement_timeout = {int(seconds * 1000)};\n" + queries.query_text(QUERY)
    try:
        return queries.run_sql(cur, sql, {"q": q, "date_from": date_from, "date_to": date_to, "section": section,
                                          "max_rows": limit})
    except errors.QueryCanceled as exc:
        raise SearchTimeout(f"the search ran longer than {seconds:g} s ({TIMEOUT_ENV}) and was cancelled: "
                            "narrow the dates or the section, or use fewer or rarer words") from exc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.search", description=__doc__.split("\n")[0])
    parser.add_argument("query", help='words, "a phrase", -excluded, or (web-search syntax)')
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, required=True, help="KST day, inclusive")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, required=True, help="KST day, inclusive")
    parser.add_argument("--section", default=None, help="only this section (e.g. national, economy)")
    parser.add_argument("--limit", type=int, default=20, help=f"rows, 1 to {MAX_ROWS} (default 20)")
    args = parser.parse_args(argv)
    try:
        check_parameters(args.query, args.date_from, args.date_to, args.limit)
        timeout_seconds()
        with db.transaction() as conn, conn.cursor() as cur:
            columns, rows = search(cur, args.query, args.date_from, args.date_to, args.section, args.limit)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except db.DatabaseUrlInvalid:
        raise  # a configuration error: cli.run says it (exit 2)
    except (SearchTimeout, psycopg2.Error) as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"error: {redaction.redact(first_line)}", file=sys.stderr)
        return 1
    print(queries.format_rows(columns, rows, width=120))
    print(f"\n{len(rows)} stories")
    return 0


if __name__ == "__main__":
    from pipelines import cli

    sys.exit(cli.run(main, prog="python -m pipelines.search"))
