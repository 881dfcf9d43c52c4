"""The example queries in sql/queries/, run with bound parameters.

The files are written for psql, with psql variables (`:'day'` is the variable `day` as a quoted
literal), so that `psql "$DATABASE_URL" -v day=2023-05-10 -f sql/queries/NAME.sql` runs them as
they are. From Python, each `:'name'` becomes the bound parameter `%(name)s`: the value is never
spliced into the text either way.
"""
from __future__ import annotations

import re

from pipelines import config

QUERY_DIR = config.PROJECT_ROOT / "sql" / "queries"
PSQL_VARIABLE = re.compile(r"(?<!:):'(\w+)'")  # :'day', never the cast ::text


def psql_text(name: str) -> str:
    """The file as written: what psql runs."""
    return (QUERY_DIR / name).read_text()


def to_bound(sql: str) -> str:
    """psql variables -> psycopg2 named parameters (a literal % doubled, as psycopg2 expects)."""
    return PSQL_VARIABLE.sub(r"%(\1)s", sql.replace("%", "%%"))


def query_text(name: str) -> str:
    """The query with `%(name)s` parameters, for cursor.execute(sql, params)."""
    return to_bound(psql_text(name))


def parameters(name: str) -> set[str]:
    return set(PSQL_VARIABLE.findall(psql_text(name)))


def run_sql(cur, sql: str, params: dict | None = None) -> tuple[list[str], list[tuple]]:
    cur.execute(sql, params or {})
    return [col.name for col in cur.description], cur.fetchall()


def run_named(cur, name: str, params: dict) -> tuple[list[str], list[tuple]]:
    return run_sql(cur, query_text(name), params)


def format_rows(columns: list[str], rows: list[tuple], width: int = 60) -> str:
    cells = [[str(value if value is not None else "")[:width] for value in row] for row in rows]
    widths = [max([len(col)] + [len(row[i]) for row in cells]) for i, col in enumerate(columns)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()
    return "\n".join([line(columns), line(["-" * w for w in widths])] + [line(row) for row in cells])
