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


# The DAG's load, spread over workers: plan -> one mapped task per batch -> finish.
def plan_load(crawl_run_id: int) -> list[dict]:
    return load.plan_batches(crawl_run_id)


def load_batch(batch: dict) -> dict:
    return load.load_batch(batch)


def finish_load(crawl_run_id: int, batches_planned: int) -> dict:
    return load.finish_load(crawl_run_id, batches_planned).as_dict()


def group_run(crawl_run_id: int) -> dict:
    return stories.group_new_revisions(crawl_run_id).as_dict()


def check_run(crawl_run_id: int) -> dict:
    return checks.check_crawl_run(crawl_run_id)


def asset_extra(summary: dict, night: str | None, crawl_run_id: int) -> dict:
    """What the run's asset event carries (shown on the run in the Airflow UI): the run summary."""
    return {"night": night, "crawl_run_id": crawl_run_id, **summary}


def check_run_in_airflow(crawl_run_id: int, night: str | None = None, outlet_event=None) -> dict:
    """check_run for the DAG: a failed check fails the task without retries (rerunning the check
    cannot change the night's data); a passed one attaches the summary to the asset event."""
    from airflow.sdk.exceptions import AirflowFailException

    try:
        summary = check_run(crawl_run_id)
    except checks.DataQualityError as exc:
        raise AirflowFailException(f"data quality check failed for night {night}: {exc}") from exc
    if outlet_event is not None:
        outlet_event.extra = asset_extra(summary, night, crawl_run_id)
    return summary


def run_night(night: date, run_id: str) -> dict:
    """The whole night in one process (the CLI and the benchmark; the DAG runs the same steps as tasks)."""
    crawled = crawl_night(night, run_id)
    run = crawled["crawl_run_id"]
    return {"crawl": crawled, "load": load_run(run), "group": group_run(run), "check": check_run(run)}
