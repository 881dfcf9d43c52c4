"""Least-privilege database roles: a read-only analyst and a pipeline that owns nothing.

    WIREDESK_ANALYST_PASSWORD=... WIREDESK_PIPELINE_PASSWORD=... \\
        python -m pipelines.roles create --analyst wiredesk_analyst --pipeline wiredesk_pipeline
    python -m pipelines.roles drop --analyst wiredesk_analyst --pipeline wiredesk_pipeline

Run it connected (DATABASE_URL) as the owner role, the one that runs `python -m pipelines.db migrate`,
after migrating. Passwords come from the environment only, never from the command line (argv is
visible to every user of the machine); they reach the server as SCRAM verifiers. See docs/security.md.
"""
from __future__ import annotations

import argparse
import os
import sys

from psycopg2 import sql
from psycopg2.extensions import encrypt_password

from pipelines import config, db

ROLES_SQL = config.PROJECT_ROOT / "sql" / "roles.sql"
PASSWORD_ENV = {"analyst": "WIREDESK_ANALYST_PASSWORD", "pipeline": "WIREDESK_PIPELINE_PASSWORD"}
# Bookkeeping and the grouping index: the pipeline's working state, not curated data for analysts.
INTERNAL_TABLES_SQL = """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
                           AND (c.relname = 'schema_migrations' OR c.relname LIKE 'grouping\\_%')
                         ORDER BY 1"""


class RolesError(RuntimeError):
    pass


def password_from_env(kind: str) -> str:
    value = os.environ.get(PASSWORD_ENV[kind])
    if not value:
        raise RolesError(f"set {PASSWORD_ENV[kind]} to the {kind} role's password (it is never read from argv)")
    return value


def ensure_role(cur, name: str) -> bool:
    """Create the role (without login; roles.sql then sets it up) unless it exists. Returns whether it was new."""
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
    if cur.fetchone():
        return False
    cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
    return True


def roles_statement(cur, analyst: str, pipeline: str, passwords: dict[str, str]) -> sql.Composed:
    """sql/roles.sql with its placeholders filled: quoted names, SCRAM verifiers as literals."""
    cur.execute("SELECT current_database()")
    (database,) = cur.fetchone()
    conn = cur.connection
    return sql.SQL(ROLES_SQL.read_text()).format(
        analyst=sql.Identifier(analyst), pipeline=sql.Identifier(pipeline), database=sql.Identifier(database),
        analyst_password=sql.Literal(encrypt_password(passwords["analyst"], analyst, conn)),
        pipeline_password=sql.Literal(encrypt_password(passwords["pipeline"], pipeline, conn)),
    )


def revoke_internal(cur, analyst: str) -> list[str]:
    cur.execute(INTERNAL_TABLES_SQL)
    tables = [row[0] for row in cur.fetchall()]
    for table in tables:
        cur.execute(sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(sql.Identifier(table), sql.Identifier(analyst)))
    return tables


def create_roles(analyst: str, pipeline: str, passwords: dict[str, str], url: str | None = None) -> None:
    if analyst == pipeline:
        raise RolesError("the analyst and the pipeline must be different roles")
    with db.transaction(url) as conn, conn.cursor() as cur:
        for name in (analyst, pipeline):
            ensure_role(cur, name)
        cur.execute(roles_statement(cur, analyst, pipeline, passwords))
        revoke_internal(cur, analyst)


def drop_roles(names: list[str], url: str | None = None) -> None:
    """Drop roles and their grants in this database (a role granted in other databases must be
    dropped there first: PostgreSQL refuses to drop a role that still holds privileges)."""
    with db.transaction(url) as conn, conn.cursor() as cur:
        for name in names:
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
            if not cur.fetchone():
                continue
            role = sql.Identifier(name)
            cur.execute(sql.SQL("REASSIGN OWNED BY {} TO CURRENT_USER").format(role))
            cur.execute(sql.SQL("DROP OWNED BY {}").format(role))
            cur.execute(sql.SQL("DROP ROLE {}").format(role))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.roles", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["create", "drop"])
    parser.add_argument("--analyst", required=True, help="name of the read-only role")
    parser.add_argument("--pipeline", required=True, help="name of the role the DAG connects as")
    args = parser.parse_args(argv)
    try:
        if args.command == "create":
            passwords = {kind: password_from_env(kind) for kind in PASSWORD_ENV}
            create_roles(args.analyst, args.pipeline, passwords)
            print(f"roles ready: analyst {args.analyst} (read-only), pipeline {args.pipeline} (rows only)")
        else:
            drop_roles([args.analyst, args.pipeline])
            print(f"dropped roles {args.analyst} and {args.pipeline}")
    except RolesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    from pipelines import cli

    sys.exit(cli.run(main, prog="python -m pipelines.roles"))
