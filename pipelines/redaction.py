"""Passwords out of every message, however the connection URL is written.

A DATABASE_URL such as ``postgresql://wiredesk:p@ss/w%rd@db/wiredesk`` (a password with an
unencoded ``/``, ``%`` or ``@``) is no valid URL: a URL parser splits it in the wrong place and
libpq quotes pieces of it back in its error ("invalid percent-encoded token: "ss/w%rd@db...").
So the password is taken from the URL every way it can be read (urllib, libpq's own parser, and
leniently: everything between the user's ``:`` and the last ``@``), in its written, decoded and
encoded forms, and each of those texts, and every piece of it at least MIN_PIECE long, is
replaced by ``***`` wherever it appears.

Standard library only (alerts import this at DAG parse time); libpq's parser is used when
psycopg2 is importable.
"""
from __future__ import annotations

import os
import re
from urllib.parse import quote, unquote, urlsplit

MASK = "***"
MIN_PIECE = 4  # shorter fragments of a password are too common to remove from text
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")
# Schemes of connection URLs (database, broker): their passwords are read leniently even when
# written in a message; an http url's "host:443/a@b" holds no password.
_CONNECTION_SCHEME = re.compile(r"(?:db\+)?(?:postgres(?:ql)?|mysql|mariadb|redis|rediss|amqp|mongodb)[+\w]*://",
                                re.IGNORECASE)
_KEYWORD_PASSWORD = re.compile(r"""\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|\S+)""", re.IGNORECASE)
_SECRET_ENV = ("DATABASE_URL", "WIREDESK_TEST_DATABASE_URL", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
               "AIRFLOW__CELERY__RESULT_BACKEND", "AIRFLOW__CELERY__BROKER_URL", "PGPASSWORD")


def url_passwords(url: str, lenient: bool = True) -> set[str]:
    """Every reading of the password in a connection URL or libpq keyword string (may be empty).
    `lenient`: also the text between the user's ':' and the last '@' (a password with '/' or '@')."""
    found: set[str] = set()
    if not url:
        return found
    text = url.strip()
    if "://" in text:
        rest = text.split("://", 1)[1]
        if lenient and "@" in rest:  # lenient: the user ends at the first ':', the host starts after the last '@'
            userinfo = rest.rpartition("@")[0]
            if ":" in userinfo:
                found.add(userinfo.split(":", 1)[1])
        try:
            parsed = urlsplit(text).password
            if parsed:
                found.add(parsed)
        except ValueError:
            pass
    for match in _KEYWORD_PASSWORD.finditer(text):
        found.add(match.group(1).strip("'"))
    try:
        from psycopg2.extensions import parse_dsn

        password = parse_dsn(text).get("password")
        if password:
            found.add(password)
    except Exception:  # noqa: BLE001 - unparseable (the case this module exists for) or no psycopg2
        pass
    variants = set()
    for password in found:
        variants |= {password, unquote(password), quote(password, safe=""), quote(password, safe="/:")}
    return {value for value in variants if value}


def secrets_from_environment(environ: dict[str, str] | None = None) -> set[str]:
    """Passwords of the connection URLs in the environment (DATABASE_URL and friends, and any
    variable holding a URL with credentials)."""
    env = os.environ if environ is None else environ
    found: set[str] = set()
    for name, value in env.items():
        if not value:
            continue
        if name in _SECRET_ENV and name == "PGPASSWORD":
            found.add(value)
        elif name in _SECRET_ENV or ("://" in value and "@" in value):
            found |= url_passwords(value)
    return found


def redact_secrets(text: str, secrets: set[str], pieces: bool = True) -> str:
    """`text` with each secret, and (`pieces`) each of its pieces of at least MIN_PIECE characters,
    masked; longest first, so a whole password goes before any piece of it."""
    if not text:
        return text
    candidates = {secret for secret in secrets if len(secret) >= 3}
    if pieces:
        for secret in list(candidates):
            candidates |= {secret[start:start + size] for size in range(MIN_PIECE, len(secret))
                           for start in range(len(secret) - size + 1)}
    for candidate in sorted(candidates, key=len, reverse=True):
        if candidate in text and candidate != MASK:
            text = text.replace(candidate, MASK)
    return text


def redact(text: str, urls: list[str] | tuple[str, ...] = (), environ: dict[str, str] | None = None) -> str:
    """`text` without the passwords of `urls`, of connection URLs in the environment, and of any
    URL written in the text itself."""
    secrets = secrets_from_environment(environ)
    for url in urls:
        secrets |= url_passwords(url)
    text = redact_secrets(text, secrets)
    # URLs written in the text: their whole password only (a lenient reading of an ordinary url
    # such as http://host:443/a@b finds a "password" whose pieces are ordinary words).
    written = {s for match in _URL.finditer(text or "")
               for s in url_passwords(match.group(0), lenient=bool(_CONNECTION_SCHEME.match(match.group(0))))}
    return redact_secrets(text, written, pieces=False)
