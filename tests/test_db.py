"""Schema files apply in order, once, and record themselves; the embedded default is a real server."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import psycopg2
import pytest

from pipelines import db


def applied(url):
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT filename FROM schema_migrations ORDER BY filename")
        return [row[0] for row in cur.fetchall()]


def test_every_sql_file_applied_once_in_order(database_url):
    names = [path.name for path in db.migration_files()]
    assert names == sorted(names) and names[0] == "001_core.sql"
    assert applied(database_url) == names
    assert db.migrate(database_url) == []  # a second run applies nothing


def test_existing_database_upgrades_in_place(database_url, tmp_path, monkeypatch):
    sql_dir = tmp_path / "sql"
    shutil.copytree(db.SQL_DIR, sql_dir)
    (sql_dir / "999_test_upgrade.sql").write_text("ALTER TABLE stories ADD COLUMN test_note text;")
    monkeypatch.setattr(db, "SQL_DIR", sql_dir)
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO stories (story_id, source) VALUES ('kept', 'yonhap')")
    assert db.migrate(database_url) == ["999_test_upgrade.sql"]
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT story_id, test_note FROM stories")
        assert cur.fetchall() == [("kept", None)]


def test_a_failing_migration_leaves_nothing_half_applied(database_url, tmp_path, monkeypatch):
    sql_dir = tmp_path / "sql"
    shutil.copytree(db.SQL_DIR, sql_dir)
    (sql_dir / "999_broken.sql").write_text("CREATE TABLE half_done (x int); SELECT no_such_function();")
    monkeypatch.setattr(db, "SQL_DIR", sql_dir)
    with pytest.raises(psycopg2.Error):
        db.migrate(database_url)
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass('half_done')")
        assert cur.fetchone() == (None,)
    assert "999_broken.sql" not in applied(database_url)


def test_embedded_server_when_no_database_url(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("WIREDESK_HOME", str(tmp_path))
    try:
        url = db.database_url()
        assert str(tmp_path / "pgdata") in url or "host=" in url
        db.migrate()
        with db.transaction() as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM stories")
            assert cur.fetchone() == (0,)
            cur.execute("SHOW data_directory")
            assert cur.fetchone()[0] == str((tmp_path / "pgdata").resolve())
        # data is kept across runs: a later command (a new process) starts the same database again
        assert db.stop_embedded()
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        proc = subprocess.run([sys.executable, "-m", "pipelines.db", "migrate"], env=env, capture_output=True,
                              text=True, cwd=db.config.PROJECT_ROOT, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == "schema up to date"
    finally:
        db.stop_embedded()
