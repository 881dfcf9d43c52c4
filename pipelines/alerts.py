"""Failure alerts: the `on_failure_callback` of wiredesk's DAGs.

Configuration (environment of the Airflow workers; both may be set, neither is required):

    WIREDESK_ALERT_WEBHOOK    http(s) URL: POST a JSON body (see `alert_payload`) to it
    WIREDESK_ALERT_EMAIL      comma-separated addresses: an e-mail through Airflow's SMTP
                              connection (`smtp_default`, or WIREDESK_ALERT_SMTP_CONN_ID)
    WIREDESK_ALERT_TIMEOUT    seconds for the webhook request (default 10)

With neither set, a failure is only logged. An alert never carries secrets: it names the DAG,
run, task and try, and a short error summary from which URL credentials and the values of
secret-looking environment variables are removed. A callback never raises (Airflow would log
and swallow it anyway): a broken webhook must not hide the task's own failure.

Cheap to import (a DAG file imports it at parse time): standard library only; the SMTP hook is
imported when an e-mail is sent.
"""
from __future__ import annotations

import http.client
import json
import logging
import os
import re
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from pipelines import redaction

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 2000
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|(^|_)KEY($|_)|CREDENTIAL|(^|_)CONN", re.IGNORECASE)
URL_CREDENTIALS = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<password>[^@/\s]+)@")


class AlertConfigError(ValueError):
    """A setting that cannot be used (e.g. a webhook URL that is not http or https)."""


# ---------------------------------------------------------------- what an alert says


def redact(text: str, environ: dict[str, str] | None = None) -> str:
    """`text` without URL passwords and without the values of secret-looking environment variables."""
    text = URL_CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    env = os.environ if environ is None else environ
    # Passwords of connection URLs however written (unencoded '/', '%', '@'), and their pieces.
    text = redaction.redact(text, environ=env)
    for name, value in env.items():
        if value and len(value) >= 6 and SECRET_NAME.search(name) and value in text:
            text = text.replace(value, "***")
    return text


def error_summary(error: BaseException | str | None) -> str:
    if error is None:
        return "unknown error (no exception in the task context)"
    text = str(error) if isinstance(error, str) else f"{type(error).__name__}: {error}"
    text = redact(text.strip())
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 20] + " ... (truncated)"


def _iso(value) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else (str(value) if value is not None else None)


def alert_payload(context: dict) -> dict:
    """The JSON body of an alert, from an Airflow task context."""
    ti = context.get("ti") or context.get("task_instance")
    dag_run = context.get("dag_run")
    return {
        "source": "wiredesk",
        "event": "task_failed",
        "dag_id": getattr(ti, "dag_id", None) or getattr(dag_run, "dag_id", None),
        "run_id": getattr(ti, "run_id", None) or context.get("run_id"),
        "task_id": getattr(ti, "task_id", None),
        "map_index": getattr(ti, "map_index", -1),
        "try": getattr(ti, "try_number", None),
        "max_tries": getattr(ti, "max_tries", None),
        "logical_date": _iso(context.get("logical_date")),
        "night": _night(dag_run),
        "error": error_summary(context.get("exception")),
    }


def _night(dag_run) -> str | None:
    """The KST night the run crawls (the day its data interval starts), named as everywhere else."""
    start = getattr(dag_run, "data_interval_start", None)
    if start is None:
        return None
    from pipelines.intervals import night_for_data_interval, night_label

    return night_label(night_for_data_interval(start))


# ---------------------------------------------------------------- where alerts go


def webhook_url(environ: dict[str, str] | None = None) -> str | None:
    """WIREDESK_ALERT_WEBHOOK, checked: only http and https URLs with a host are accepted."""
    env = os.environ if environ is None else environ
    url = (env.get("WIREDESK_ALERT_WEBHOOK") or "").strip()
    return check_webhook_url(url) if url else None


def check_webhook_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise AlertConfigError(f"WIREDESK_ALERT_WEBHOOK must be an http(s) URL, not {parts.scheme or 'no'} scheme")
    if not parts.hostname:
        raise AlertConfigError("WIREDESK_ALERT_WEBHOOK has no host")
    return url


def describe_url(url: str) -> str:
    """Scheme, host and port only: webhook paths (Slack, Teams) are secrets themselves."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}/..."


def email_recipients(environ: dict[str, str] | None = None) -> list[str]:
    env = os.environ if environ is None else environ
    return [a.strip() for a in (env.get("WIREDESK_ALERT_EMAIL") or "").split(",") if a.strip()]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # an alert goes where it was configured to, nowhere else
        return None


def post_webhook(url: str, payload: dict, timeout: float | None = None) -> int:
    """POST `payload` as JSON; returns the HTTP status. Raises on a non-http(s) URL or a failed request."""
    check_webhook_url(url)
    timeout = timeout or float(os.environ.get("WIREDESK_ALERT_TIMEOUT", "10"))
    body = json.dumps(payload, default=str).encode()
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": "wiredesk-alerts"})
    from pipelines.discovery.deadline import Deadline  # standard library only

    # `timeout` bounds the whole request, not each read: a webhook answering a byte at a time must not
    # hold up the failure callback.
    with Deadline(timeout) as deadline:
        opener = urllib.request.build_opener(_NoRedirect, *deadline.handlers())
        try:
            with opener.open(request, timeout=timeout) as response:
                status = response.status
        except (OSError, http.client.HTTPException):
            if deadline.passed:
                raise TimeoutError(f"no answer within {timeout:g} s") from None
            raise
    if deadline.expired:
        raise TimeoutError(f"no answer within {timeout:g} s")
    return status


def send_email(recipients: list[str], payload: dict, conn_id: str | None = None) -> None:
    """Through Airflow's SMTP provider and its connection (host, port, login, `from_email` extra)."""
    import html

    from airflow.providers.smtp.hooks.smtp import SmtpHook

    conn_id = conn_id or os.environ.get("WIREDESK_ALERT_SMTP_CONN_ID", "smtp_default")
    night = f"{payload['night']}, " if payload.get("night") else ""
    subject = (f"[wiredesk] {payload['dag_id']}.{payload['task_id']} failed ({night}try {payload['try']}, "
               f"run {payload['run_id']})")
    rows = "".join(f"<tr><th align='left'>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
                   for k, v in payload.items() if k != "error")
    body = f"<table>{rows}</table><pre>{html.escape(payload['error'])}</pre>"
    with SmtpHook(smtp_conn_id=conn_id) as hook:
        hook.send_email_smtp(to=recipients, subject=subject, html_content=body)


# ---------------------------------------------------------------- the callback


def notify_failure(payload: dict, environ: dict[str, str] | None = None) -> dict[str, str]:
    """Send `payload` wherever configuration says. Returns {channel: outcome}; never raises."""
    outcome: dict[str, str] = {}
    log.error("wiredesk task failed: %s", json.dumps(payload, default=str))
    try:
        url = webhook_url(environ)
    except AlertConfigError as exc:
        log.error("alert webhook not used: %s", exc)
        outcome["webhook"] = f"refused: {exc}"
        url = None
    if url:
        try:
            status = post_webhook(url, payload)
            outcome["webhook"] = f"sent: HTTP {status}"
            log.info("alert posted to %s: HTTP %s", describe_url(url), status)
        except (OSError, urllib.error.URLError, AlertConfigError) as exc:
            reason = getattr(exc, "code", None) or getattr(exc, "reason", None) or type(exc).__name__
            outcome["webhook"] = f"failed: {reason}"
            log.error("alert webhook %s failed: %s", describe_url(url), reason)
    recipients = email_recipients(environ)
    if recipients:
        try:
            send_email(recipients, payload)
            outcome["email"] = f"sent to {len(recipients)} recipient(s)"
            log.info("alert e-mailed to %s", ", ".join(recipients))
        except Exception as exc:  # noqa: BLE001 - SMTP, connection lookup, provider missing: log, never raise
            outcome["email"] = f"failed: {type(exc).__name__}"
            log.error("alert e-mail failed: %s", redact(f"{type(exc).__name__}: {exc}"))
    if not outcome:
        outcome["log"] = "no WIREDESK_ALERT_WEBHOOK or WIREDESK_ALERT_EMAIL set: logged only"
        log.warning(outcome["log"])
    return outcome


def on_failure(context) -> None:
    """`on_failure_callback` for wiredesk's tasks (runs in the task's process after its last try)."""
    try:
        notify_failure(alert_payload(dict(context)))
    except Exception:  # noqa: BLE001 - never let the alert path raise
        log.exception("failure alert could not be built or sent")
