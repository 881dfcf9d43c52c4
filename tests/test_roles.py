"""Least privilege on the real server: a read-only analyst role and a pipeline role that owns nothing.

Roles are cluster-wide: each test makes uniquely named ones and drops them (their grants first).
"""
from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import date
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
from psycopg2 import errors

from pipelines import config, db, roles

NIGHT = date(2023, 5, 10)
ANALYST_PASSWORD = f"analyst-pw-{uuid.uuid4().hex}"
PIPELINE_PASSWORD = f"pipeline-pw-{uuid.uuid4().hex}"


def as_role(url: str, role: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, f"{role}:{password}@{host}", parts.path, parts.query, ""))


@pytest.fixture
def role_names(database_url):
    suffix = uuid.uuid4().hex[:10]
    names = {"analyst": f"wd_test_analyst_{suffix}", "pipeline": f"wd_test_pipeline_{suffix}"}
    yield names
    roles.drop_roles(list(names.values()), database_url)
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_roles WHERE rolname = ANY(%s)", (list(names.values()),))
        assert cur.fetchone()[0] == 0


@pytest.fixture
def created(database_url, role_names, monkeypatch):
    """The roles made by the real CLI (passwords from the environment), returning their URLs."""
    monkeypatch.setenv("WIREDESK_ANALYST_PASSWORD", ANALYST_PASSWORD)
    monkeypatch.setenv("WIREDESK_PIPELINE_PASSWORD", PIPELINE_PASSWORD)
    proc = subprocess.run([sys.executable, "-m", "pipelines.roles", "create", "--analyst", role_names["analyst"],
                           "--pipeline", role_names["pipeline"]], cwd=config.PROJECT_ROOT, capture_output=True,
                          text=True, timeout=60, env={**_env(), "DATABASE_URL": database_url})
    assert proc.returncode == 0, proc.stderr
    assert ANALYST_PASSWORD not in proc.stdout + proc.stderr and PIPELINE_PASSWORD not in proc.stdout + proc.stderr
    return {"analyst_url": as_role(database_url, role_names["analyst"], ANALYST_PASSWORD),
            "pipeline_url": as_role(database_url, role_names["pipeline"], PIPELINE_PASSWORD), **role_names}


def _env() -> dict:
    import os

    return dict(os.environ)


def relations(database_url: str, kinds: str) -> list[str]:
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("""SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'public' AND c.relkind = ANY(%s) ORDER BY 1""", (list(kinds),))
        return [row[0] for row in cur.fetchall()]


def fails(url: str, statement: str, error=errors.InsufficientPrivilege, setup: str | None = None) -> None:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            if setup:  # outside the test's transaction, so it applies to it
                conn.autocommit = True
                cur.execute(setup)
                conn.autocommit = False
            with pytest.raises(error):
                cur.execute(statement)
    finally:
        conn.rollback()
        conn.close()


def test_create_needs_passwords_from_the_environment(database_url, role_names, monkeypatch):
    monkeypatch.delenv("WIREDESK_ANALYST_PASSWORD", raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert roles.main(["create", "--analyst", role_names["analyst"], "--pipeline", role_names["pipeline"]]) == 2
    with pytest.raises(SystemExit):  # no --password option exists to leak one through argv
        roles.main(["create", "--analyst", "a", "--pipeline", "b", "--password", "x"])


def test_roles_own_nothing_and_passwords_are_stored_as_scram(created, database_url):
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("""SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, left(rolpassword, 14)
                       FROM pg_authid WHERE rolname = ANY(%s) ORDER BY rolname""",
                    ([created["analyst"], created["pipeline"]],))
        rows = cur.fetchall()
        cur.execute("""SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
                       WHERE r.rolname LIKE 'wd\\_test\\_%%'""")
        owned = cur.fetchone()[0]
    assert len(rows) == 2 and all(row[1:5] == (False, False, False, True) for row in rows)
    assert all(row[5] == "SCRAM-SHA-256$" for row in rows)  # a verifier, never the password
    assert owned == 0


def test_analyst_reads_curated_tables_and_views_and_nothing_else(created, database_url):
    analyst = created["analyst_url"]
    tables, views = relations(database_url, "rp"), relations(database_url, "v")
    assert {"stories", "story_revisions"} <= set(tables)
    internal = {"schema_migrations"} | {t for t in tables if t.startswith("grouping_")}
    with psycopg2.connect(analyst) as conn, conn.cursor() as cur:
        for relation in [t for t in tables if t not in internal] + views:
            cur.execute(f'SELECT count(*) FROM "{relation}"')  # every curated table and view
            cur.fetchone()
    for relation in internal:
        fails(analyst, f'SELECT * FROM "{relation}"')
    # an attacker turns the read-only default off: the privileges still refuse every write
    off = "SET default_transaction_read_only = off"
    fails(analyst, "INSERT INTO stories (story_id, source) VALUES ('x', 'yonhap')", setup=off)
    fails(analyst, "UPDATE stories SET headline = 'x'", setup=off)
    fails(analyst, "DELETE FROM story_revisions", setup=off)
    fails(analyst, "TRUNCATE fetch_failures", setup=off)
    fails(analyst, "DROP TABLE stories", setup=off)
    fails(analyst, "ALTER TABLE stories ADD COLUMN x int", setup=off)
    fails(analyst, "CREATE TABLE mine (x int)", setup=off)
    fails(analyst, "CREATE VIEW mine AS SELECT 1", setup=off)
    fails(analyst, "CREATE SCHEMA mine", setup=off)
    fails(analyst, "CREATE TEMP TABLE mine (x int)", setup=off)
    fails(analyst, "SELECT nextval('story_revisions_revision_id_seq')", setup=off)
    # and by default the session is read-only anyway
    fails(analyst, "INSERT INTO stories (story_id, source) VALUES ('x', 'yonhap')", errors.ReadOnlySqlTransaction)


def test_a_later_migration_needs_no_new_grants(created, database_url):
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:  # as the owner, like a new NNN_*.sql
        cur.execute("CREATE TABLE later_table (id bigserial PRIMARY KEY, note text)")
        cur.execute("CREATE VIEW later_view AS SELECT story_id, headline FROM stories")
    with psycopg2.connect(created["analyst_url"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM later_view")
        cur.execute("SELECT count(*) FROM later_table")
    with psycopg2.connect(created["pipeline_url"]) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO later_table (note) VALUES ('ok') RETURNING id")
    fails(created["pipeline_url"], "DROP TABLE later_table")


def test_pipeline_role_runs_a_night_but_cannot_drop_alter_or_truncate(created, database_url, pipeline_env,
                                                                      monkeypatch):
    from helpers import count
    from pipelines import nightly

    pipeline = created["pipeline_url"]
    monkeypatch.setenv("DATABASE_URL", pipeline)
    steps = nightly.run_night(NIGHT, run_id="test-pipeline-role")
    assert steps["check"]["problems"] == []
    assert count(database_url, "SELECT count(*) FROM story_revisions") == steps["load"]["revisions_new"] > 0
    for statement in ("DROP TABLE stories", "DROP TABLE fetch_failures CASCADE", "ALTER TABLE stories ADD COLUMN x int",
                      "ALTER TABLE story_revisions DROP COLUMN body_text", "ALTER TABLE stories RENAME TO s2",
                      "TRUNCATE stories CASCADE", "TRUNCATE raw_pages CASCADE", "CREATE TABLE mine (x int)",
                      "CREATE INDEX mine ON stories (headline)", "DROP VIEW current_stories",
                      "INSERT INTO schema_migrations (filename) VALUES ('999_evil.sql')"):
        fails(pipeline, statement, (errors.InsufficientPrivilege, errors.UndefinedTable))
