"""Airflow plugin: the "wiredesk nights" view (pipelines/nights_view.py) in the Airflow UI.

A nav entry ("wiredesk nights": the last 90 nights, chart and table) and a tab on every DAG run page
("wiredesk night": that run's night), both served by a FastAPI app mounted at /wiredesk behind
Airflow's own login. Loaded from this folder: AIRFLOW__CORE__PLUGINS_FOLDER=<repo>/plugins
(pipelines.airflow_local and docker-compose.yml set it).
"""
from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from pipelines.nights_view import create_app


class WiredeskNightsPlugin(AirflowPlugin):
    name = "wiredesk_nights"
    fastapi_apps = [{"app": create_app(), "url_prefix": "/wiredesk", "name": "wiredesk nights"}]
    external_views = [
        {"name": "wiredesk nights", "href": "/wiredesk/nights", "destination": "nav",
         "url_route": "wiredesk-nights", "category": "browse"},
        {"name": "wiredesk night", "href": "/wiredesk/runs/{DAG_ID}/{RUN_ID}", "destination": "dag_run",
         "url_route": "wiredesk-night"},
    ]
