"""Airflow plugin: the "wiredesk nights" view (pipelines/nights_view.py) in the Airflow UI, and the
nightly's timetable (pipelines/timetables.py), whose run ids name the night.

A nav entry ("wiredesk nights": the last 90 nights, chart and table) and a tab on every DAG run page
("wiredesk night": that run's night), both served by a FastAPI app mounted at /wiredesk behind
Airflow's own login. Loaded from this folder: AIRFLOW__CORE__PLUGINS_FOLDER=<repo>/plugins
(pipelines.airflow_local and docker-compose.yml set it).
"""
from __future__ import annotations

import sys
from pathlib import Path

from airflow.plugins_manager import AirflowPlugin

# The plugin lives in the repo, beside `pipelines`; an `airflow ...` command started without
# PYTHONPATH=<repo> must still load it, or it could not read the nightly DAG's timetable.
_REPO = str(Path(__file__).resolve().parent.parent)
if _REPO not in sys.path:
    sys.path.append(_REPO)

from pipelines.nights_view import create_app  # noqa: E402
from pipelines.timetables import NightlyTimetable  # noqa: E402


class WiredeskNightsPlugin(AirflowPlugin):
    name = "wiredesk_nights"
    # Airflow serializes only the custom timetables a plugin registers (pipelines/timetables.py).
    timetables = [NightlyTimetable]
    fastapi_apps = [{"app": create_app(), "url_prefix": "/wiredesk", "name": "wiredesk nights"}]
    external_views = [
        {"name": "wiredesk nights", "href": "/wiredesk/nights", "destination": "nav",
         "url_route": "wiredesk-nights", "category": "browse"},
        {"name": "wiredesk night", "href": "/wiredesk/runs/{DAG_ID}/{RUN_ID}", "destination": "dag_run",
         "url_route": "wiredesk-night"},
    ]
