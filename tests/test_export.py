"""pipelines.export: a range as Parquet / JSON Lines, and a night into the raw store's bucket (moto S3 over
HTTP), read back with pyarrow and compared with the database."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date

import psycopg2
import pyarrow.parquet as pq
import pytest

from pipelines import export, nightly

NIGHTS = (date(2023, 5, 9), date(2023, 5, 10))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, pg_server_url, s3_server):
    """Two replay nights through the real pipeline, once for the module."""
    import os

    import boto3

    from pipelines import db
    from replay.server import ReplaySite

    bucket = "wiredesk-export-test"
    env = {"WIREDESK_S3_BUCKET": bucket, "WIREDESK_S3_ENDPOINT": s3_server, "AWS_ACCESS_KEY_ID": "testing-key",
           "AWS_SECRET_ACCESS_KEY": "testing-secret-0123456789", "AWS_DEFAULT_REGION": "us-east-1",
           "WIREDESK_HOME": str(tmp_path_factory.mktemp("home")), "WIREDESK_ALLOW_LOOPBACK": "1",
           "WIREDESK_THROTTLE": "0", "WIREDESK_EXTRACT_WORKERS": "2"}
    client = boto3.client("s3", endpoint_url=s3_server, aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"], region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    site = ReplaySite().start()
    saved = dict(os.environ)
    with db.scratch_database(pg_server_url, prefix="wiredesk_export") as url:
        os.environ.update(env, DATABASE_URL=url, WIREDESK_YONHAP_BASE_URL=site.base_url)
        try:
            for night in NIGHTS:
                nightly.run_night(night, run_id=f"export-{night}")
            yield {"url": url, "client": client, "bucket": bucket, "env": dict(os.environ)}
        finally:
            os.environ.clear()
            os.environ.update(saved)
            site.stop()


def db_rows(url: str, sql: str, params=()) -> list[tuple]:
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def expected_story_ids(url: str, night_from: date, night_to: date) -> set[str]:
    rows = db_rows(url, """SELECT DISTINCT story_id FROM story_revisions
                           WHERE ((coalesce(published_at, first_seen_at) AT TIME ZONE 'Asia/Seoul')::date)
                                 BETWEEN %s AND %s AND story_id IS NOT NULL""", (night_from, night_to))
    return {row[0] for row in rows}


def test_parquet_range_with_revisions_reads_back(loaded, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipelines.export", "--from", "2023-05-09", "--to", "2023-05-10",
                           "--format", "parquet", "--revisions", str(out)], env=loaded["env"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    stories = pq.read_table(out / "stories.parquet")
    revisions = pq.read_table(out / "revisions.parquet")
    assert stories.schema.equals(export.STORY_SCHEMA, check_metadata=False)
    assert revisions.schema.equals(export.REVISION_SCHEMA, check_metadata=False)
    url = loaded["url"]
    wanted = expected_story_ids(url, *NIGHTS)
    assert wanted and set(stories.column("story_id").to_pylist()) == wanted
    assert stories.num_rows == len(wanted)  # one row per story
    truth = {sid: (count, body, head) for sid, count, body, head in db_rows(url, """
        SELECT s.story_id, s.revision_count, r.body_text, r.headline FROM stories s
        JOIN story_revisions r ON r.revision_id = s.latest_revision_id""")}
    for row in stories.to_pylist():
        assert (row["revision_count"], row["body_text"], row["headline"]) == truth[row["story_id"]]
        assert row["first_seen_at"] <= row["last_seen_at"]
        assert "\n\n".join(row["body_paragraphs"]) == row["body_text"]
    (total,) = db_rows(url, "SELECT count(*) FROM story_revisions")[0]
    assert revisions.num_rows == total  # both nights: every revision
    assert set(revisions.column("night").to_pylist()) <= set(NIGHTS)
    assert set(revisions.column("story_id").to_pylist()) <= wanted


def test_jsonl_one_night(loaded, tmp_path):
    counts = export.export_range(date(2023, 5, 10), date(2023, 5, 10), "jsonl", tmp_path, revisions=True,
                                 url=loaded["url"])
    lines = (tmp_path / "stories.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == counts["stories"] == len(expected_story_ids(loaded["url"], NIGHTS[1], NIGHTS[1]))
    assert all(set(r) == set(export.STORY_SCHEMA.names) for r in records)
    assert all(r["first_seen_at"].endswith("+00:00") for r in records)
    revisions = [json.loads(line) for line in (tmp_path / "revisions.jsonl").read_text().splitlines()]
    assert revisions and {r["night"] for r in revisions} == {"2023-05-10"}


def test_bad_range_is_refused_and_writes_nothing(loaded, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pipelines.export", "--from", "2023-05-10", "--to", "2023-05-09",
                           str(tmp_path / "x")], env=loaded["env"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "after" in proc.stderr
    assert not (tmp_path / "x").exists()


def test_night_to_s3_reads_back_and_rerun_replaces(loaded):
    client, bucket = loaded["client"], loaded["bucket"]
    first = export.export_night_to_store(NIGHTS[1], url=loaded["url"])
    keys = export.night_keys(NIGHTS[1])
    assert keys["stories"] == "curated/yonhap/stories/night=2023-05-10/stories.parquet"
    body = client.get_object(Bucket=bucket, Key=keys["stories"])["Body"].read()
    table = pq.read_table(io.BytesIO(body))
    assert table.num_rows == first["stories"]["rows"] == len(expected_story_ids(loaded["url"], NIGHTS[1], NIGHTS[1]))
    revisions = pq.read_table(io.BytesIO(client.get_object(Bucket=bucket, Key=keys["revisions"])["Body"].read()))
    assert revisions.num_rows == first["revisions"]["rows"] > 0
    again = export.export_night_to_store(NIGHTS[1], url=loaded["url"])  # rerun: same keys, same rows
    assert again["stories"]["rows"] == first["stories"]["rows"]
    listed = client.list_objects_v2(Bucket=bucket, Prefix="curated/")["Contents"]
    assert sorted(o["Key"] for o in listed) == sorted(keys.values())


def test_night_without_a_passed_crawl_is_not_exported(loaded):
    with pytest.raises(export.ExportError, match="no crawl run passed"):
        export.export_night_to_store(date(2023, 5, 12), url=loaded["url"])
