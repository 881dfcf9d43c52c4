"""What each task of the nightly DAG does, importable and testable without Airflow."""
from __future__ import annotations

from datetime import date, datetime

from pipelines import checks, crawl, load, stories
from pipelines.intervals import night_for_data_interval, night_window

SOURCE = "yonhap"


def crawl_night_for_run(data_interval_start: datetime, run_id: str) -> dict:
    night = night_for_data_interval(data_interval_start)
    return crawl_night(night, run_id)


def crawl_night(night: date, run_id: str) -> dict:
    start, end = night_window(night)
    result = crawl.crawl_night(run_id=run_id, source=SOURCE, start=start, end=end)
    return {"night": night.isoformat(), **result.as_dict()}


def load_run(crawl_run_id: int) -> dict:
    return load.load_crawl_run(crawl_run_id).as_dict()


def group_run(crawl_run_id: int) -> dict:
    return stories.group_new_revisions(crawl_run_id).as_dict()


def check_run(crawl_run_id: int) -> dict:
    return checks.check_crawl_run(crawl_run_id)


def run_night(night: date, run_id: str) -> dict:
    """The whole night in one process (the CLI and the benchmark; the DAG runs the same steps as tasks)."""
    crawled = crawl_night(night, run_id)
    run = crawled["crawl_run_id"]
    return {"crawl": crawled, "load": load_run(run), "group": group_run(run), "check": check_run(run)}
