"""The nightly's timetable: Airflow's cron data-interval timetable, with run ids that name the night.

Airflow 3.3 names a run `<type>__<run_after, UTC>`. For a night's scheduled or backfilled run that
moment is 01:30 KST the next morning, i.e. 16:30 UTC on the night itself, so the id already begins with
the night: `scheduled__2023-05-10T16:30:00+00:00` crawls night 2023-05-10 (KST). A run triggered by hand
(UI or REST) is named after the moment of the trigger instead, and that date can be the day after its
night. `NightlyTimetable` names such a run after its night's 01:30 KST too (plus a random suffix, as
Airflow does, since a night can be triggered twice), so every run id of the nightly begins
`<type>__<night>T16:30:00+00:00`.

Backfills and `airflow dags test` name their runs without asking the timetable (Airflow 3.3:
models/backfill.py, sdk dag.test); their ids already have that form.

Airflow only accepts a custom timetable that a plugin registers (plugins/wiredesk_nights.py).
`nightly_schedule()` falls back to the built-in timetable, with a warning, where that plugin is not
in the plugins folder: the runs are the same, only a hand-triggered run's id differs.
"""
from __future__ import annotations

import logging
import os
from datetime import timezone
from pathlib import Path

from airflow.timetables.interval import CronDataIntervalTimetable
from airflow.utils.types import DagRunType

NIGHTLY_CRON = "30 1 * * *"
NIGHTLY_TIMEZONE = "Asia/Seoul"
PLUGIN_FILE = "wiredesk_nights.py"

log = logging.getLogger(__name__)


class NightlyTimetable(CronDataIntervalTimetable):
    """Cron data intervals in KST; a run's id is dated by its night, whoever started it."""

    def generate_run_id(self, *, run_type, run_after, data_interval, **extra) -> str:
        run_type = DagRunType(run_type)
        if data_interval is None:
            return super().generate_run_id(run_type=run_type, run_after=run_after,
                                           data_interval=data_interval, **extra)
        if run_type in (DagRunType.SCHEDULED, DagRunType.BACKFILL_JOB):
            # Airflow's own form, in UTC whatever zone the caller's run_after is in
            return run_type.generate_run_id(suffix=run_after.astimezone(timezone.utc).isoformat())
        from airflow.utils.strings import get_random_string

        night_end = data_interval.end.astimezone(timezone.utc).isoformat()
        return run_type.generate_run_id(suffix=f"{night_end}_{get_random_string()}")


def plugin_registered() -> bool:
    """Whether Airflow's plugins folder holds the plugin that registers NightlyTimetable.

    Read from the environment or airflow.cfg without loading the plugins: this runs at DAG parse time.
    """
    folder = os.environ.get("AIRFLOW__CORE__PLUGINS_FOLDER")
    if folder is None:
        from airflow.configuration import conf

        folder = conf.get("core", "plugins_folder", fallback=None)
    return bool(folder) and (Path(folder) / PLUGIN_FILE).is_file()


def nightly_schedule() -> CronDataIntervalTimetable:
    if plugin_registered():
        return NightlyTimetable(NIGHTLY_CRON, timezone=NIGHTLY_TIMEZONE)
    log.warning("%s is not in Airflow's plugins folder: yonhap_nightly uses the built-in timetable, "
                "and a run triggered by hand is named after the trigger's time, not its night", PLUGIN_FILE)
    from airflow.sdk import CronDataIntervalTimetable as SdkCronDataIntervalTimetable

    return SdkCronDataIntervalTimetable(NIGHTLY_CRON, timezone=NIGHTLY_TIMEZONE)
