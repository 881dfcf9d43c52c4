"""Credentials never leak: the real DAG with a password in DATABASE_URL and distinctive S3 keys, then
every place a secret could end up is searched: task logs, `dags test` output, XCom (and the whole
Airflow metadata DB), raw objects' metadata, and error messages when the store is unreachable."""
from __future__ import annotations

import gzip
import json
import sqlite3
import uuid
from datetime import date
from pathlib import Path

import boto3
import psycopg2
import pytest
from psycopg2 import sql

from conftest import free_port
from pipelines import airflow_runs, db, nightly

NIGHT = date(2023, 5, 10)


@pytest.fixture
def secrets():
    tag = uuid.uuid4().hex[:12]
    return {"db_password": f"wdDbPw{tag}Zq", "access_key": f"AKIAWD{tag.upper()}", "secret_key": f"wdS3Secret{tag}Xy"}


@pytest.fixture
def password_database(pg_server_url, secrets):
    """A database owned by a role that logs in with a password (bound as a literal: DDL takes no parameters)."""
    tag = uuid.uuid4().hex[:10]
    role, name = f"wd_test_secret_{tag}", f"wiredesk_secret_{tag}"
    admin = psycopg2.connect(pg_server_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role),
                                                                     sql.Literal(secrets["db_password"])))
        cur.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(role)))
    host = pg_server_url.split("@", 1)[1].split("/", 1)[0]
    url = f"postgresql://{role}:{secrets['db_password']}@{host}/{name}"
    db.migrate(url)  # as the owner role, so the tables are its own
    try:
        yield url
    finally:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cur.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        admin.close()


@pytest.fixture
def secret_env(password_database, secrets, s3_server, replay_site, tmp_path, monkeypatch):
    bucket = f"wiredesk-secret-{uuid.uuid4().hex[:10]}"
    client = boto3.client("s3", endpoint_url=s3_server, aws_access_key_id=secrets["access_key"],
                          aws_secret_access_key=secrets["secret_key"], region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    for name, value in {"DATABASE_URL": password_database, "WIREDESK_HOME": str(tmp_path / "home"),
                        "WIREDESK_YONHAP_BASE_URL": replay_site.base_url, "WIREDESK_ALLOW_LOOPBACK": "1",
                        "WIREDESK_THROTTLE": "0", "WIREDESK_EXTRACT_WORKERS": "2", "WIREDESK_S3_BUCKET": bucket,
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "WIREDESK_S3_ENDPOINT", "WIREDESK_S3_CONN_ID",
                 "AWS_ENDPOINT_URL", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    return {"url": password_database, "bucket": bucket, "client": client, "s3": s3_server}


def leaks(text: str | bytes, secrets: dict) -> list[str]:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return [name for name, value in secrets.items() if value in text]


def search_airflow_home(home: Path, secrets: dict) -> dict[str, list[str]]:
    found = {}
    for path in sorted((home / "logs").rglob("*")):
        if path.is_file() and leaks(path.read_bytes(), secrets):
            found[str(path.relative_to(home))] = leaks(path.read_bytes(), secrets)
    return found


def xcom_values(home: Path) -> list[str]:
    with sqlite3.connect(home / "airflow.db") as conn:
        return [str(row) for row in conn.execute("SELECT * FROM xcom")]


@pytest.mark.slow
@pytest.mark.parametrize("source", ["environment", "airflow_connection"])
def test_credentials_never_leak_from_a_dag_run(secret_env, secrets, source, tmp_path, monkeypatch):
    if source == "environment":
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", secrets["access_key"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secrets["secret_key"])
        monkeypatch.setenv("WIREDESK_S3_ENDPOINT", secret_env["s3"])
    else:  # only the connection knows the endpoint and the keys
        monkeypatch.setenv("WIREDESK_S3_CONN_ID", "wiredesk_raw_test")
        monkeypatch.setenv("AIRFLOW_CONN_WIREDESK_RAW_TEST", json.dumps({
            "conn_type": "aws", "login": secrets["access_key"], "password": secrets["secret_key"],
            "extra": {"endpoint_url": secret_env["s3"]}}))
    home = tmp_path / "airflow"
    env = airflow_runs.airflow_env(home)
    airflow_runs.ensure_metadata_db(env)
    proc = airflow_runs.dags_test("yonhap_nightly", airflow_runs.logical_date_for_night(NIGHT), env)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]

    listed = secret_env["client"].list_objects_v2(Bucket=secret_env["bucket"]).get("Contents", [])
    assert listed, "the run archived nothing"  # so the credentials (from `source`) worked
    assert leaks(proc.stdout + proc.stderr, secrets) == []
    assert search_airflow_home(home, secrets) == {}
    # `dags test` runs the tasks in-process and prints their logs; a scheduler writes them under logs/
    task_log = proc.stdout + proc.stderr
    assert "loaded crawl run" in task_log or list((home / "logs").rglob("*.log")), "no task log to search"
    xcoms = xcom_values(home)
    assert xcoms and all(leaks(value, secrets) == [] for value in xcoms)
    assert leaks((home / "airflow.db").read_bytes(), secrets) == []  # nowhere in the metadata DB either
    assert any(obj["Key"].startswith("warc/") for obj in listed), "no WARC written"
    for obj in listed:
        head = secret_env["client"].head_object(Bucket=secret_env["bucket"], Key=obj["Key"])
        assert leaks(json.dumps(head, default=str), secrets) == []
        if obj["Key"].startswith("raw/"):
            assert set(head["Metadata"]) == {"url", "fetched-at", "status", "content-type"}
        else:  # WARC files and their CDXJ: the requests and answers as exchanged, and no credential in them
            body = secret_env["client"].get_object(Bucket=secret_env["bucket"], Key=obj["Key"])["Body"].read()
            text = gzip.decompress(body) if obj["Key"].endswith(".gz") else body
            assert leaks(text, secrets) == []
    with psycopg2.connect(secret_env["url"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT summary::text FROM crawl_runs")
        assert all(leaks(row[0], secrets) == [] for row in cur.fetchall())


def test_errors_name_no_credentials_when_the_store_or_database_is_unreachable(secret_env, secrets, monkeypatch,
                                                                             caplog):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", secrets["access_key"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secrets["secret_key"])
    monkeypatch.setenv("WIREDESK_S3_ENDPOINT", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    monkeypatch.setenv("WIREDESK_DEBUG_CRAWL", "")
    caplog.set_level("DEBUG")
    messages = []
    try:
        nightly.crawl_night(NIGHT, "test-unreachable-s3")
    except Exception as exc:  # noqa: BLE001 - whichever error the crawl gives, its text is what we search
        messages.append(f"{type(exc).__name__}: {exc!r} {exc}")
    with psycopg2.connect(secret_env["url"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT reason FROM fetch_failures")
        messages += [row[0] for row in cur.fetchall()]
    assert messages, "the unreachable store produced no error at all"
    assert any("unreachable" in m or "archive_error" in m or "Could not connect" in m for m in messages), messages
    assert leaks("\n".join(messages), secrets) == []
    info_and_up = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= 20)  # what task logs keep
    assert leaks(info_and_up, secrets) == []
    # botocore's own DEBUG lines print the Authorization header, which names the access key id (never
    # the secret key): task logs must stay at INFO (docs/security.md)
    assert leaks(caplog.text, {k: v for k, v in secrets.items() if k != "access_key"}) == []

    closed = secret_env["url"].replace(":5432/", f":{free_port()}/") if ":5432/" in secret_env["url"] else None
    if closed:
        with pytest.raises(psycopg2.OperationalError) as info:
            db.connect(closed)
        assert leaks(str(info.value) + repr(info.value), secrets) == []
