"""Shared fixtures: a real PostgreSQL server, an S3-protocol server over HTTP, the replay site.

PostgreSQL: WIREDESK_TEST_DATABASE_URL (or DATABASE_URL) if set, else the machine's server on
127.0.0.1:5432 if one answers, else an embedded server started for the session. Each test
that needs a database gets a fresh one, dropped afterwards.
"""
from __future__ import annotations

import os
import socket
import tempfile
import uuid
from pathlib import Path

import psycopg2
import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WIREDESK_SHARED_DIR") or REPO.parent / "shared" / "wiredata")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: starts Airflow or other slow parts (deselect with -m 'not slow')")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server_url(tmp_path_factory) -> str:
    """The maintenance URL of a running PostgreSQL server (see db.available_server_url)."""
    from pipelines import db

    # Its own mkdtemp folder, not pytest's tmp tree: pytest resets that tree to mode 0700, and the
    # embedded server runs as another user when the tests run as root.
    return db.available_server_url(Path(tempfile.mkdtemp(prefix="wiredesk-pg-")) / "data")


@pytest.fixture
def database_url(pg_server_url) -> str:
    """A fresh database with wiredesk's schema applied; dropped after the test."""
    from pipelines import db

    with db.scratch_database(pg_server_url, prefix="wiredesk_test") as url:
        yield url


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on a free loopback port: the real S3 protocol over HTTP."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per S3 request otherwise

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_env(s3_server, monkeypatch):
    """Point wiredesk's raw store at a fresh bucket on the test S3 server."""
    return point_raw_store_at_new_bucket(s3_server, monkeypatch)


def point_raw_store_at_new_bucket(s3_server: str, monkeypatch) -> dict:
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
    return point_pipeline_at(monkeypatch, database_url, s3_env, replay_site, tmp_path / "home")


def point_pipeline_at(monkeypatch, database_url: str, s3_env: dict, site, home: Path) -> dict:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("WIREDESK_HOME", str(home))
    monkeypatch.setenv("WIREDESK_YONHAP_BASE_URL", site.base_url)
    monkeypatch.setenv("WIREDESK_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("WIREDESK_THROTTLE", "0")
    monkeypatch.setenv("WIREDESK_EXTRACT_WORKERS", "2")
    return {"database_url": database_url, "site": site, **s3_env}


@pytest.fixture(scope="module")
def module_pipeline_env(pg_server_url, s3_server, tmp_path_factory):
    """pipeline_env shared by a module's tests, for modules that load nights once and only read them."""
    from pipelines import db
    from replay.server import ReplaySite

    with db.scratch_database(pg_server_url, prefix="wiredesk_test") as url, pytest.MonkeyPatch.context() as mp:
        site = ReplaySite().start()
        try:
            yield point_pipeline_at(mp, url, point_raw_store_at_new_bucket(s3_server, mp), site,
                                    tmp_path_factory.mktemp("home"))
        finally:
            site.stop()


@pytest.fixture
def shared_wiredata() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared wire data not found at {SHARED}")
    return SHARED
