"""`make airflow-demo` (`python -m pipelines.airflow_local start --demo`), then `make airflow-stop`.

Starts a real Airflow standalone on a free port with a temporary WIREDESK_HOME and no DATABASE_URL (so
it starts the embedded PostgreSQL) and the replay site as the source; the demo runs the replay's nights
through the REST API before `start` returns. The test logs in with the printed credentials, checks that
the REST API and the "wiredesk nights" plugin refuse an anonymous caller, that every night's run
succeeded under its night's name and shows in the nights view, then stops it and checks that no process
of its session is left, nor the replay site, nor the embedded database it started, and that the demo
left nothing where `make airflow` keeps its state (issue 18, row 18). About 2 min on two cores.
(`make airflow` without --demo is started by tests/test_airflow_api_e2e.py.)
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipelines import airflow_local

REPO = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(airflow_local.airflow_executable() is None, reason="no `airflow` executable installed"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.airflow_local", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _request(url: str, method: str = "GET", body: dict | None = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_demo_runs_the_replay_nights_then_stop_leaves_nothing(monkeypatch):
    from replay.stories import nights as replay_nights

    import tempfile

    port = _free_port()
    # not pytest's tmp tree: the embedded server runs as another user when tests run as root (see conftest)
    wiredesk_home = Path(tempfile.mkdtemp(prefix="wiredesk-airflow-local-"))
    monkeypatch.setenv("WIREDESK_HOME", str(wiredesk_home))
    env = dict(os.environ, WIREDESK_HOME=str(wiredesk_home))
    env.pop("DATABASE_URL", None)
    home = wiredesk_home / "demo" / "airflow"  # the demo's own installation
    state = None
    try:
        started = _run(["start", "--demo", "--port", str(port), "--timeout", "300"], env, timeout=1200)
        state = json.loads((home / airflow_local.PID_FILE_NAME).read_text())
        assert started.returncode == 0, started.stdout + started.stderr
        assert state["port"] == port and state["pgid"] == state["pid"]
        assert state["embedded_db"]["started_here"] is True
        assert state["embedded_db"]["pgdata"] == str(wiredesk_home / "demo" / "pgdata")
        monkeypatch.setenv("WIREDESK_HOME", str(wiredesk_home / "demo"))
        assert airflow_local.embedded_db_running()
        replay = state["replay"]
        assert _request(f"{replay['url']}/robots.txt")[0] == 200  # the demo's source is up

        assert f"http://localhost:{port}" in started.stdout
        nights = [n.date.isoformat() for n in replay_nights()]
        for night in nights:  # each night ran, named by its night, before `start` returned
            assert re.search(rf"night {night} \(KST\): run demo__{night} success", started.stdout), started.stdout
        login = re.search(r"username (\S+), password (\S+)", started.stdout)
        assert login, started.stdout
        username, password = login.groups()

        status, body = _request(f"http://127.0.0.1:{port}/api/v2/monitor/health")
        assert status == 200
        assert airflow_local.is_healthy(json.loads(body)), body

        status, body = _request(
            f"http://127.0.0.1:{port}/auth/token", "POST", {"username": username, "password": password}
        )
        assert status in (200, 201), body
        assert json.loads(body)["access_token"]

        status, _ = _request(f"http://127.0.0.1:{port}/auth/token", "POST", {"username": username, "password": "x"})
        assert status == 401

        status, _ = _request(f"http://127.0.0.1:{port}/api/v2/dags")
        assert status in (401, 403)

        # the "wiredesk nights" plugin: refused without a login, served with one
        token = json.loads(_request(f"http://127.0.0.1:{port}/auth/token", "POST",
                                    {"username": username, "password": password})[1])["access_token"]
        for path in ("/wiredesk/nights", "/wiredesk/api/nights", "/wiredesk/runs/yonhap_nightly/x",
                     "/wiredesk/static/uPlot.iife.min.js"):
            status, body = _get(f"http://127.0.0.1:{port}{path}")
            assert status == 401, (path, status, body[:200])
            status, _ = _get(f"http://127.0.0.1:{port}{path}", token="not-a-jwt")
            assert status in (401, 403), path
        status, body = _get(f"http://127.0.0.1:{port}/wiredesk/nights", token)
        assert status == 200 and b"wiredesk nights" in body and all(n.encode() in body for n in nights), body[:500]
        status, body = _get(f"http://127.0.0.1:{port}/wiredesk/api/nights", token)
        shown = {row["night"]: (row["run_id"], row["state"], row["airflow"]["state"]) for row in json.loads(body)}
        assert shown == {night: (f"demo__{night}", "ok", "success") for night in nights}, shown
        status, body = _get(f"http://127.0.0.1:{port}/api/v2/dags/yonhap_nightly/dagRuns", token)
        assert sorted(r["dag_run_id"] for r in json.loads(body)["dag_runs"]) == [f"demo__{n}" for n in sorted(nights)]
        status, body = _get(f"http://127.0.0.1:{port}/api/v2/plugins", token)
        views = [v for p in json.loads(body)["plugins"] for v in p["external_views"]]
        assert {(v["url_route"], v["destination"]) for v in views} >= {("wiredesk-nights", "nav"),
                                                                     ("wiredesk-night", "dag_run")}

        shown = _run(["status"], env, timeout=30)
        assert shown.returncode == 0, shown.stdout + shown.stderr
        assert "scheduler healthy" in shown.stdout
    finally:
        stopped = _run(["stop", "--timeout", "30"], env, timeout=75)
        if state is not None:
            left = airflow_local.group_processes(state["pgid"], state["sid"])
            for proc in left:  # do not leave a test's Airflow behind, whatever the assertions say
                try:
                    os.kill(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            replay_left = airflow_local.group_processes(state["replay"]["pgid"], state["replay"]["sid"])
            for proc in replay_left:
                try:
                    os.kill(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            assert stopped.returncode == 0, stopped.stdout + stopped.stderr
            assert not left, [f"{p.pid} {p.cmd}" for p in left]
            assert not replay_left, [f"{p.pid} {p.cmd}" for p in replay_left]
            assert not (home / airflow_local.PID_FILE_NAME).exists()
            assert "Stopped the embedded PostgreSQL" in stopped.stdout, stopped.stdout
            assert not airflow_local.embedded_db_running()
    # issue 18, row 18: the demo left nothing where `make airflow` keeps its state (its Airflow home has no
    # metadata database, so its yonhap_nightly starts paused; no embedded database, no raw pages), and
    # `make airflow` itself runs only what is triggered (tests/test_airflow_api_e2e.py checks that).
    normal = wiredesk_home / "airflow"
    leftovers = sorted(p.name for p in normal.glob("*") if p.name != "plugins")  # `status` links plugins/
    assert leftovers == [], leftovers
    assert not (wiredesk_home / "pgdata").exists() and not (wiredesk_home / "raw").exists()
    assert (wiredesk_home / "demo" / "airflow" / "airflow.db").exists()  # the demo's own metadata database
