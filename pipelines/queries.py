"""The example queries in sql/queries/, run with bound parameters."""
from __future__ import annotations

import re

from pipelines import config

QUERY_DIR = config.PROJECT_ROOT / "sql" / "queries"
PARAMETER = re.compile(r"%\((\w+)\)s")


def query_text(name: str) -> str:
    return (QUERY_DIR / name).read_text()


def parameters(name: str) -> set[str]:
    return set(PARAMETER.findall(query_text(name)))


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
