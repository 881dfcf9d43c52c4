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


# The first night a source can have: before it, no page exists (Yonhap's English service is younger).
DEFAULT_EARLIEST_NIGHT = date(1998, 1, 1)


class ImplausibleNight(ValueError):
    """A night no source can have: before the source existed, or after tomorrow (KST)."""


def earliest_night() -> date:
    """WIREDESK_EARLIEST_NIGHT (YYYY-MM-DD) or DEFAULT_EARLIEST_NIGHT."""
    import os

    text = os.environ.get("WIREDESK_EARLIEST_NIGHT")
    if not text:
        return DEFAULT_EARLIEST_NIGHT
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ImplausibleNight(f"WIREDESK_EARLIEST_NIGHT must be a date YYYY-MM-DD, not {text!r}") from None


def check_plausible_night(night: date, now: datetime | None = None) -> date:
    """`night`, or ImplausibleNight when it lies before the source existed or after tomorrow in KST
    (tomorrow is allowed: a clock a few hours off must not refuse tonight's run)."""
    first = earliest_night()
    today = (now or datetime.now(timezone.utc)).astimezone(KST).date()
    last = today + timedelta(days=1)
    if not first <= night <= last:
        raise ImplausibleNight(f"night {night.isoformat()} is outside the plausible range "
                               f"{first.isoformat()} .. {last.isoformat()} (KST; WIREDESK_EARLIEST_NIGHT sets the first)")
    return night
