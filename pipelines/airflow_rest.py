"""A few calls of Airflow 3's REST API (stdlib only): token, unpause, trigger, wait, task instances.

Used by the end-to-end tests and the Celery benchmark, which drive a running Airflow the way a
user's script would.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request


def api(base: str, path: str, token: str | None = None, method: str = "GET", body=None, timeout: float = 60):
    """(HTTP status, decoded JSON body or text) of one request; HTTP errors are returned, not raised,
    and so is a GET that got no answer (status None): on a busy machine the caller polls again."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            raw = resp.read()
            return resp.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, raw.decode(errors="replace")
    except (TimeoutError, urllib.error.URLError) as exc:
        if method != "GET":
            raise
        return None, f"no answer: {exc}"


def wait_for(what: str, check, timeout: float, interval: float = 1.0):
    """Call `check` until it returns something truthy (returned) or `timeout` seconds pass (AssertionError)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:  # a component still starting
            last = exc
        else:
            if last:
                return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; last: {last!r}")


def token(base: str, username: str, password: str) -> str:
    status, body = api(base, "/auth/token", method="POST", body={"username": username, "password": password})
    if status not in (200, 201):
        raise RuntimeError(f"POST /auth/token answered {status}: {body}")
    return body["access_token"]


def unpause(base: str, token_: str, dag_id: str) -> None:
    status, body = api(base, f"/api/v2/dags/{dag_id}", token_, "PATCH", {"is_paused": False})
    if status != 200 or body.get("is_paused") is not False:
        raise RuntimeError(f"could not unpause {dag_id}: {status} {body}")


def trigger(base: str, token_: str, dag_id: str, run_id: str, logical_date: str | None, **extra) -> str:
    status, body = api(base, f"/api/v2/dags/{dag_id}/dagRuns", token_, "POST",
                       {"dag_run_id": run_id, "logical_date": logical_date, **extra})
    if status not in (200, 201):
        raise RuntimeError(f"could not trigger {dag_id}: {status} {body}")
    return body["dag_run_id"]


def dag_run(base: str, token_: str, dag_id: str, run_id: str) -> dict:
    return api(base, f"/api/v2/dags/{dag_id}/dagRuns/{run_id}", token_)[1]


def wait_for_run(base: str, token_: str, dag_id: str, run_id: str, timeout: float, interval: float = 2) -> dict:
    """The run once it is success or failed."""
    def finished():
        run = dag_run(base, token_, dag_id, run_id)
        return run if isinstance(run, dict) and run.get("state") in ("success", "failed") else None

    return wait_for(f"run {run_id} to finish", finished, timeout, interval)


def task_instances(base: str, token_: str, dag_id: str, run_id: str) -> list[dict]:
    """Every task instance of the run (mapped ones one per map_index)."""
    found, offset = [], 0
    while True:
        status, body = api(base, f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances?limit=100&offset={offset}",
                           token_)
        if status != 200:
            raise RuntimeError(f"task instances of {run_id}: {status} {body}")
        found.extend(body["task_instances"])
        offset += len(body["task_instances"])
        if not body["task_instances"] or offset >= body.get("total_entries", 0):
            return found
