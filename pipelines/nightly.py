"""What each task of the nightly DAG does, importable and testable without Airflow.

    python -m pipelines.nightly YYYY-MM-DD [--run-id ID]

runs one KST night by hand (crawl, load, group, check: the DAG's own steps, in one process),
prints the run summary as JSON and exits 0 when the night passed its check, 1 when it failed
(a failed step or check: the summary says why), 2 on a usage or configuration error. Running
the same command again resumes the same run (same run id) and completes what is missing.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import date, datetime

from pipelines import checks, crawl, db, load, redaction, stories
from pipelines.intervals import (ImplausibleNight, check_plausible_night, night_for_data_interval, night_label,
                                 night_window)

SOURCE = "yonhap"
log = logging.getLogger(__name__)


def crawl_night_for_run(data_interval_start: datetime, run_id: str) -> dict:
    night = night_for_data_interval(data_interval_start)
    log.info("run %s crawls %s", run_id, night_label(night))
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
    summary = checks.check_crawl_run(crawl_run_id)
    from pipelines.capture import coverage  # the night's capture passes, beside the night's own figures

    return {**summary, "capture": coverage.record_on_run(crawl_run_id)}


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
        label = night_label(date.fromisoformat(night)) if night else "the night"
        raise AirflowFailException(f"data quality check failed for {label}: {exc}") from exc
    if outlet_event is not None:
        outlet_event.extra = asset_extra(summary, night, crawl_run_id)
    return summary


def run_night(night: date, run_id: str) -> dict:
    """The whole night in one process (the CLI and the benchmark; the DAG runs the same steps as tasks)."""
    crawled = crawl_night(night, run_id)
    run = crawled["crawl_run_id"]
    return {"crawl": crawled, "load": load_run(run), "group": group_run(run), "check": check_run(run)}


def run_night_summary(night: date, run_id: str) -> tuple[int, dict]:
    """(exit code, summary) of a night run by hand: every step's result, or the step that failed and why."""
    summary: dict = {"night": night.isoformat(), "run_id": run_id, "status": "ok"}
    step, run = "crawl", None
    try:
        summary["crawl"] = crawl_night(night, run_id)
        run = summary["crawl"]["crawl_run_id"]
        step = "load"
        summary["load"] = load_run(run)
        step = "group"
        summary["group"] = group_run(run)
        step = "check"
        summary["check"] = check_run(run)
    except checks.DataQualityError as exc:
        summary.update(status="failed", failed_step=step, error=str(exc), check=stored_summary(run))
        return 1, summary
    except db.DatabaseUrlInvalid as exc:
        summary.update(status="error", failed_step=step, error=str(exc))
        return 2, summary
    except Exception as exc:  # noqa: BLE001 - any failed step: said, with the step, never as a traceback
        summary.update(status="failed", failed_step=step, error=f"{type(exc).__name__}: {exc}")
        if run is not None:  # the crawl step marks its own failures; a later step's is the run's too
            crawl.mark_failed_if_possible(run, f"{step} failed: {summary['error']}")
        return 1, summary
    return 0, summary


def stored_summary(crawl_run_id: int) -> dict:
    """The check's summary as stored on the run (a failed check raises; the counts stay on the row)."""
    with db.transaction() as conn, conn.cursor() as cur:
        cur.execute("SELECT summary FROM crawl_runs WHERE crawl_run_id = %s", (crawl_run_id,))
        row = cur.fetchone()
    return row[0] if row else {}


class RedactingFormatter(logging.Formatter):
    """Log lines without connection passwords, however the url was written."""

    def format(self, record: logging.LogRecord) -> str:
        return redaction.redact(super().format(record))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.nightly",
                                     description="Run one KST night by hand: crawl, load, group, check.")
    parser.add_argument("night", help="the KST calendar day to crawl, YYYY-MM-DD")
    parser.add_argument("--run-id", help="names the run (default manual__YYYY-MM-DD: a rerun resumes it)")
    args = parser.parse_args(argv)  # exits 2 on a usage error
    try:
        night = date.fromisoformat(args.night)
    except ValueError:
        parser.error(f"night must be a date YYYY-MM-DD, not {args.night!r}")
    try:  # before anything is recorded: a night no source can have is a usage error
        check_plausible_night(night)
    except ImplausibleNight as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)  # one line, exit 2, nothing recorded
        return 2
    from pipelines import cli

    try:  # a malformed DATABASE_URL: the summary says so, stderr in one line, exit 2, nothing recorded
        cli.check_database_url()
    except db.DatabaseUrlInvalid as exc:
        summary = {"night": night.isoformat(), "run_id": args.run_id or f"manual__{night.isoformat()}",
                   "status": "error", "failed_step": "configuration", "error": cli.one_line(exc)}
        print(json.dumps(summary, indent=2))
        print(f"{parser.prog}: configuration error: {summary['error']}", file=sys.stderr)
        return 2
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    code, summary = run_night_summary(night, args.run_id or f"manual__{night.isoformat()}")
    text = redaction.redact(json.dumps(summary, indent=2, default=str, ensure_ascii=False))
    print(text)
    if code:
        print(redaction.redact(f"night {night} {summary['status']} at {summary['failed_step']}: "
                               f"{summary['error'].splitlines()[0] if summary['error'] else ''}"), file=sys.stderr)
    return code


if __name__ == "__main__":
    from pipelines import cli

    sys.exit(cli.run(main, prog="python -m pipelines.nightly"))
