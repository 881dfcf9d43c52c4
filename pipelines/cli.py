"""What every `python -m pipelines.*` command does with a configuration error: one line, no traceback,
no piece of a password.

    if __name__ == "__main__":
        sys.exit(cli.run(main))

A configuration error (a DATABASE_URL that is no valid URL, a single-machine default under a distributed
executor, an unreadable setting) exits 2; a database or raw store that cannot be reached exits 1. Either
way the one line on stderr went through pipelines.redaction, so neither the password nor a piece of it
is printed, however the url was written.
"""
from __future__ import annotations

import os
import sys

from pipelines import redaction

EXIT_CONFIGURATION = 2
EXIT_UNAVAILABLE = 1


def configuration_errors() -> tuple[type[BaseException], ...]:
    from pipelines import config, db, intervals

    return (db.DatabaseUrlInvalid, config.SingleMachineSetting, intervals.ImplausibleNight)


def unavailable_errors() -> tuple[type[BaseException], ...]:
    import psycopg2

    from pipelines import rawstore

    return (psycopg2.Error, rawstore.RawStoreError)


def one_line(exc: BaseException) -> str:
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return redaction.redact(text[:1000])


def check_database_url() -> None:
    """A DATABASE_URL that is set but malformed is a configuration error before anything runs."""
    url = os.environ.get("DATABASE_URL")
    if url:
        from pipelines import db

        db.check_url(url)


def run(main, *args, prog: str | None = None, database: bool = False) -> int:
    """main(*args), with configuration and availability errors said in one redacted line on stderr.
    `database`: check DATABASE_URL before main runs (every connection checks it anyway: db.connect)."""
    prog = prog or os.path.basename(sys.argv[0] or "wiredesk")
    try:
        if database:
            check_database_url()
        return main(*args)
    except configuration_errors() as exc:
        print(f"{prog}: configuration error: {one_line(exc)}", file=sys.stderr)
        return EXIT_CONFIGURATION
    except unavailable_errors() as exc:
        print(f"{prog}: {one_line(exc)}", file=sys.stderr)
        return EXIT_UNAVAILABLE
