"""Issue #18, bounded work and the command line: servers Scrapy must not open, nights no source can have,
configuration errors said in one line without a piece of the password."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import psycopg2
import pytest

from pipelines.intervals import ImplausibleNight, check_plausible_night
from tests.conftest import free_port

REPO = Path(__file__).resolve().parent.parent


def run_module(module: str, *args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "WIREDESK_S3_BUCKET")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", module, *args], cwd=REPO, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


# --- row 15: no server opened by Scrapy's defaults -------------------------------------------------------

def test_scrapy_settings_in_the_project_say_remote_control_is_off():
    for name in ("REMOTE_CONTROL_ENABLED", "TELNETCONSOLE_ENABLED"):
        proc = subprocess.run([sys.executable, "-m", "scrapy", "settings", "--get", name], cwd=REPO,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == "False", (name, proc.stdout)


def test_a_crawl_opens_no_remote_control_or_telnet_server_even_when_asked(tmp_path):
    """The extensions are unloaded, so not even `-s REMOTE_CONTROL_ENABLED=True` opens the server
    (which would run any code it is sent, with DATABASE_URL and the S3 secret in its environment)."""
    env = {k: v for k, v in os.environ.items() if k not in ("WIREDESK_S3_BUCKET",)}
    env.update(WIREDESK_HOME=str(tmp_path / "home"), WIREDESK_ALLOW_LOOPBACK="1", WIREDESK_THROTTLE="0",
               SCRAPY_SETTINGS_MODULE="spiders.settings")
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "yonhap", "-a", "start=2023-05-10T00:00:00+09:00",
         "-a", "end=2023-05-11T00:00:00+09:00", "-a", f"base_url=http://127.0.0.1:{free_port()}",
         "-s", "REMOTE_CONTROL_ENABLED=True", "-s", "TELNETCONSOLE_ENABLED=True", "-s", "RETRY_TIMES=0",
         "-s", f"REMOTE_CONTROL_JOBS_DIR={tmp_path / 'jobs'}", "-s", f"WIREDESK_MANIFEST={tmp_path / 'm.jsonl'}"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert "Enabled extensions" in proc.stderr, proc.stderr[-2000:]
    assert "RemoteControl" not in proc.stderr and "Remote control" not in proc.stderr
    assert "TelnetConsole" not in proc.stderr and "Telnet console listening" not in proc.stderr
    assert not (tmp_path / "jobs").exists() or not any((tmp_path / "jobs").iterdir())


# --- row 11 (CLI): a night no source can have --------------------------------------------------------------

@pytest.mark.parametrize("night", ["2999-01-01", "9999-12-31", "0001-01-01", "1900-01-01"])
def test_nightly_refuses_an_implausible_night_in_one_line_before_recording(night, database_url, tmp_path):
    proc = run_module("pipelines.nightly", night, env={
        "DATABASE_URL": database_url, "WIREDESK_HOME": str(tmp_path / "home"),
        "WIREDESK_YONHAP_BASE_URL": f"http://127.0.0.1:{free_port()}", "WIREDESK_ALLOW_LOOPBACK": "1"})
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "outside the plausible range" in lines[0] and night in lines[0], proc.stderr
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT (SELECT count(*) FROM crawl_runs) + (SELECT count(*) FROM fetch_failures)")
        assert cur.fetchone()[0] == 0


def test_plausible_range_runs_from_the_first_night_to_tomorrow_in_kst(monkeypatch):
    now = datetime(2026, 12, 5, 16, 0, tzinfo=timezone.utc)  # already 2026-12-06 01:00 in KST
    assert check_plausible_night(date(2026, 12, 7), now) == date(2026, 12, 7)  # tomorrow, KST
    with pytest.raises(ImplausibleNight):
        check_plausible_night(date(2026, 12, 8), now)
    assert check_plausible_night(date(1998, 1, 1), now)
    with pytest.raises(ImplausibleNight):
        check_plausible_night(date(1997, 12, 31), now)
    monkeypatch.setenv("WIREDESK_EARLIEST_NIGHT", "2023-05-09")
    with pytest.raises(ImplausibleNight):
        check_plausible_night(date(2023, 5, 8), now)


# --- row 16: configuration errors in one line, without a piece of the password ----------------------------

PASSWORDS = ["Kp4w/SECRET", "Kp4w%SECRET", "Kp4w@SECRET", "Kp4w/S%EC@RET"]


def pieces(password: str, size: int = 4) -> set[str]:
    return {password[i:i + size] for i in range(len(password) - size + 1)}


def assert_one_clean_line(proc, password: str, code: int) -> None:
    text = proc.stdout + proc.stderr
    assert proc.returncode == code, text
    assert "Traceback" not in text
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert [p for p in pieces(password) if p in text] == [], text


CLI_CASES = ([(("pipelines.db", "migrate"), p) for p in PASSWORDS]
             + [(("pipelines.nightly", "2023-05-10"), p) for p in PASSWORDS]
             + [(command, "Kp4w/S%EC@RET") for command in (
                 ("pipelines.search", "election", "--from", "2023-05-09", "--to", "2023-05-10"),
                 ("pipelines.reprocess", "2023-05-09", "2023-05-10"),
                 ("pipelines.discovery", "discover", "--base-url", "http://127.0.0.1:9"))])


@pytest.mark.parametrize("command,password", CLI_CASES)
def test_clis_report_an_unencoded_password_in_one_line(command, password, tmp_path):
    url = f"postgresql://wiredesk:{password}@127.0.0.1:{free_port()}/wiredesk"
    proc = run_module(command[0], *command[1:], env={"DATABASE_URL": url, "WIREDESK_HOME": str(tmp_path)})
    if proc.returncode == 2 and "usage:" in proc.stderr:
        pytest.fail(f"the command line in this test is wrong: {proc.stderr}")
    assert_one_clean_line(proc, password, 2)
    assert "configuration error" in proc.stderr and "percent-encode" in proc.stderr


@pytest.mark.parametrize("command", [("pipelines.db", "migrate"), ("pipelines.search", "election", "--from", "2023-05-09", "--to", "2023-05-10")])
def test_clis_report_an_unreachable_database_in_one_line(command, tmp_path):
    password = "Kp4w/SECRET"
    url = f"postgresql://wiredesk:Kp4w%2FSECRET@127.0.0.1:{free_port()}/wiredesk"  # encoded: valid, but nobody listens
    proc = run_module(command[0], *command[1:], env={"DATABASE_URL": url, "WIREDESK_HOME": str(tmp_path)})
    assert_one_clean_line(proc, password, 1)
    assert [p for p in pieces("Kp4w%2FSECRET") if p in proc.stderr] == []
