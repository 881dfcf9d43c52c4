"""Discovery alone, as a DAG task once ran it (feeds and sitemaps into the frontier, no fetch): kept for
the coverage tests and for reading surfaces by hand; the `yonhap_capture` DAG now reads them in each pass."""
from __future__ import annotations

from datetime import datetime, timedelta

from pipelines import config
from pipelines.discovery.frontier import discover

SOURCE = "yonhap"


def discover_for_run(data_interval_start: datetime, data_interval_end: datetime, run_id: str) -> dict:
    """Read feeds and sitemaps once; `in_window` of each read counts items of the last day up to the
    interval's end (a feed's reach), so an operator sees at a glance whether the feeds still move."""
    window = (data_interval_end - timedelta(days=1), data_interval_end) if data_interval_end else None
    return discover(SOURCE, config.yonhap_base_url(), run_id, window=window)
