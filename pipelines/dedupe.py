"""Group revision records into stories from the command line.

    python -m pipelines.dedupe RECORDS.jsonl

Reads JSON lines with `article_id`, `url`, `headline`, `published_at`, `body` (a string with
paragraphs separated by blank lines or newlines, or a list of paragraphs; every field but
`article_id` may be null) and prints one JSON line per record, in input order:
{"line": n, "article_id": ..., "story_id": ...} plus "reason" when the record is odd (missing
fields, empty body, absurd date, unreadable line). Unreadable lines are reported, never dropped.

The grouping is pipelines.grouping.assign.assign - the code the DAG runs - over the in-memory index
(no database needed).
"""
from __future__ import annotations

import argparse
import json
import sys

from pipelines.grouping import Revision
from pipelines.grouping.assign import assign
from pipelines.grouping.index import MemoryIndex


def split_body(body) -> list[str]:
    if isinstance(body, list):
        return [p for p in body if isinstance(p, str)]
    if not isinstance(body, str):
        return []
    parts = [p.strip() for p in body.replace("\r\n", "\n").split("\n\n")]
    if len(parts) == 1:
        parts = [p.strip() for p in body.split("\n")]
    return [p for p in parts if p]


def record_to_revision(n: int, record: dict) -> Revision:
    def text(name):
        value = record.get(name)
        return value if isinstance(value, str) else (None if value is None else str(value))

    return Revision(key=str(n), article_id=text("article_id") or "", url=text("url"), headline=text("headline"),
                    published_at=text("published_at"), body_paragraphs=split_body(record.get("body")),
                    section=text("section"))


def run(lines, out) -> int:
    revisions: list[Revision] = []
    rows: list[dict] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        row = {"line": n}
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            row.update(article_id=None, story_id=None, reason=f"unreadable line: {exc}")
            rows.append(row)
            continue
        rev = record_to_revision(n, record)
        row["article_id"] = record.get("article_id")
        revisions.append(rev)
        rows.append(row)
    result = assign(MemoryIndex(), revisions)
    for row in rows:
        key = str(row["line"])
        if "story_id" not in row:
            row["story_id"] = result.stories.get(key)
            if row["story_id"] is None:  # cannot happen: every revision gets a story; say so if it does
                row["reason"] = "not grouped"
            elif key in result.notes:
                row["reason"] = result.notes[key]
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.dedupe", description=__doc__.split("\n\n")[0])
    parser.add_argument("records", help="JSON lines file ('-' for stdin)")
    args = parser.parse_args(argv)
    if args.records == "-":
        return run(sys.stdin, sys.stdout)
    try:
        with open(args.records, encoding="utf-8", errors="replace") as handle:
            return run(handle, sys.stdout)
    except OSError as exc:
        print(f"cannot read {args.records}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    from pipelines import cli

    sys.exit(cli.run(main, prog="python -m pipelines.dedupe"))
