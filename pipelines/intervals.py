"""Nights and intervals. Yonhap's pages give times in KST; wiredesk stores aware timestamps."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")


def parse_instant(text: str) -> datetime:
    """An ISO 8601 time; one without an offset is read as KST (the site's own clock)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=KST)


def night_window(night: date) -> tuple[datetime, datetime]:
    """The KST calendar day `night` as a half-open interval [00:00, next 00:00)."""
    start = datetime.combine(night, time(0), tzinfo=KST)
    return start, start + timedelta(days=1)


def night_for_data_interval(data_interval_start: datetime) -> date:
    """The night a DAG run crawls: the KST day on which its data interval starts.

    The nightly timetable fires at 01:30 KST for the interval [D-1 01:30, D 01:30); the
    run crawls the calendar day D-1, so late revisions and listings have 90 minutes to settle.
    """
    return data_interval_start.astimezone(KST).date()


def as_utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


def night_label(night: date) -> str:
    """How a night is named to an operator everywhere (logs, failure messages, alerts, the nights view)."""
    return f"night {night.isoformat()} (KST)"
