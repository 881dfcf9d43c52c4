"""`python -m pipelines.airflow_local start/stop`: a real Airflow standalone, started and stopped.

Starts on a free port with a temporary WIREDESK_HOME, logs in with the printed credentials,
checks that the REST API refuses an anonymous caller, then stops it and checks that no
process of its session/process group is left. About 25-45 s on two cores.
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


def test_start_login_refuse_anonymous_stop(tmp_path):
    port = _free_port()
    env = dict(os.environ, WIREDESK_HOME=str(tmp_path / "home"))
    home = tmp_path / "home" / "airflow"
    state = None
    try:
        started = _run(["start", "--port", str(port), "--timeout", "75"], env, timeout=90)
        assert started.returncode == 0, started.stdout + started.stderr
        state = json.loads((home / airflow_local.PID_FILE_NAME).read_text())
        assert state["port"] == port and state["pgid"] == state["pid"]

        assert f"http://localhost:{port}" in started.stdout
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
            assert stopped.returncode == 0, stopped.stdout + stopped.stderr
            assert not left, [f"{p.pid} {p.cmd}" for p in left]
            assert not (home / airflow_local.PID_FILE_NAME).exists()
