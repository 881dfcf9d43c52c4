"""python -m pipelines.dedupe RECORDS.jsonl: one JSON line per record, chains grouped, odd records reported."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.test_grouping import LEAD, P2, P3, P4, P5, RECAST

REPO = Path(__file__).resolve().parent.parent


def run(tmp_path, records) -> list[dict]:
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n")
    proc = subprocess.run([sys.executable, "-m", "pipelines.dedupe", str(path)], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_cli_groups_chain_and_reports_odd_records(tmp_path):
    records = [
        {"article_id": "AEN20230503004152320", "url": None, "headline": "(2nd LD) Airport trains to cut trip time",
         "published_at": "2023-05-03T23:40:00+09:00", "body": "\n\n".join(["(ATTN: RECASTS lead)", RECAST, P2, P3, P4])},
        {"article_id": "AEN20230503004100320", "url": "https://en.yna.co.kr/view/AEN20230503004100320",
         "headline": "New rail line to link Incheon airport", "published_at": "2023-05-03", "body": "\n\n".join([LEAD, P2])},
        {"article_id": "opaque-1", "url": None, "headline": None, "published_at": None,
         "body": "\n\n".join([LEAD, P2, P3, P5])},
        {"article_id": "AEN20230503007700320", "url": None, "headline": "KOSDAQ Closing Price List-1",
         "published_at": "2023-05-03T15:41:00+09:00", "body": "A 1 UP 2\nB 3 DN 4"},
        {"article_id": "AEN20230503007800320", "url": None, "headline": "KOSDAQ Closing Price List-2",
         "published_at": "2023-05-03T15:42:00+09:00", "body": "C 1 UP 2\nD 3 DN 4"},
        {"article_id": "x", "url": None, "headline": None, "published_at": "0001-01-01", "body": ""},
        {"article_id": None, "headline": "no id", "body": "text"},
        "{not json",
    ]
    out = run(tmp_path, records)
    assert len(out) == len(records)  # never a silent drop
    assert [row["line"] for row in out] == list(range(1, len(records) + 1))
    assert out[0]["story_id"] == out[1]["story_id"] == out[2]["story_id"] == "yonhap-AEN20230503004100320"
    assert out[3]["story_id"] != out[4]["story_id"]
    assert out[5]["reason"] == "absurd_date" and out[5]["story_id"]
    assert out[6]["reason"] == "missing_article_id" and out[6]["story_id"]
    assert out[7]["story_id"] is None and out[7]["reason"].startswith("unreadable line")
    assert len({row["story_id"] for row in out[:7]}) == 5
