"""Run the real DAGs with `airflow dags test` (no scheduler), for the demo and the tests.

Airflow gets its own home (SQLite metadata) under WIREDESK_HOME; wiredesk's own data goes
wherever DATABASE_URL and the raw-store settings in the environment point.
"""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

from pipelines import config
from pipelines.intervals import KST


def airflow_env(airflow_home: Path, extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env.update({
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(config.PROJECT_ROOT / "dags"),
        # registers the nightly's timetable (and the nights view), as airflow_local and compose do
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(config.PROJECT_ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(config.PROJECT_ROOT), env.get("PYTHONPATH")])),
    })
    env.update(extra or {})
    return env


def airflow(args: list[str], env: dict, timeout: int = 900) -> subprocess.CompletedProcess:
    executable = Path(sys.executable).with_name("airflow")
    return subprocess.run([str(executable), *args], env=env, capture_output=True, text=True, timeout=timeout)


def ensure_metadata_db(env: dict) -> None:
    home = Path(env["AIRFLOW_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    if not (home / ".migrated").exists():
        proc = airflow(["db", "migrate"], env)
        if proc.returncode != 0:
            raise RuntimeError(f"airflow db migrate failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        (home / ".migrated").touch()


def logical_date_for_night(night: date) -> str:
    """The nightly run that crawls `night` fires at 01:30 KST the next day."""
    return datetime.combine(night + timedelta(days=1), time(1, 30), tzinfo=KST).isoformat()


def dags_test(dag_id: str, logical_date: str, env: dict, conf: dict | None = None) -> subprocess.CompletedProcess:
    args = ["dags", "test", dag_id, logical_date]
    if conf:
        import json

        args += ["--conf", json.dumps(conf)]
    return airflow(args, env)
