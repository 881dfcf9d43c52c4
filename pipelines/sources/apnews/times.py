"""AP's clock: every time the site writes without a zone is UTC.

The evidence (APNews_2024_09_03): `article:published_time` "2024-09-03T04:03:19" (no zone) is exactly the
ld+json `datePublished` "2024-09-03T04:03:19Z"; `article:modified_time` "13:23:07.627" read as UTC is 12
minutes after the ld+json `dateModified` 13:11:33Z, and read as US Eastern it would be 17:23 UTC, after
the page was saved. The React state's "2023-03-29 17:00:28" equals ld+json "2023-03-29T17:00:28Z". Only
the video player's data layer writes Eastern ("publication_date": "2024-09-03 00:03:19"); it is not read.

Record times are ISO 8601 in UTC ("2023-04-28T17:40:08+00:00"), whatever offset the page wrote.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime

UTC = timezone.utc
_EPOCH_MS = re.compile(r"^\d{12,14}$")  # bsp-timestamp data-timestamp: milliseconds
_EPOCH_S = re.compile(r"^\d{9,10}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPACED = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(.*)$")  # "2023-03-29 17:00:28"
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def parse_time(text, day_only_ok: bool = True) -> tuple[datetime | date | None, str]:
    """(time, form) from any form AP or a sitemap writes; (None, "unreadable") when none fits, (None, "none")
    for nothing. Forms: iso8601 (with zone), iso8601_utc_assumed (no zone), date (a day only, returned as a
    date: midnight would be an invented time), rfc822, epoch_ms, epoch_s."""
    value = str(text).strip() if text is not None else ""
    if not value:
        return None, "none"
    if _EPOCH_MS.match(value):
        return _epoch(int(value) / 1000), "epoch_ms"
    if _EPOCH_S.match(value):
        return _epoch(int(value)), "epoch_s"
    if _DAY.match(value):
        try:
            return (date.fromisoformat(value), "date") if day_only_ok else (None, "unreadable")
        except ValueError:
            return None, "unreadable"
    spaced = _SPACED.match(value)
    iso = f"{spaced[1]}T{spaced[2]}{spaced[3].strip()}" if spaced else value
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00").replace("z", "+00:00"))
        if when.tzinfo is None:
            return when.replace(tzinfo=UTC), "iso8601_utc_assumed"
        return when.astimezone(UTC), "iso8601"
    except (ValueError, OverflowError):
        pass
    try:
        when = parsedate_to_datetime(value)
        if when is not None:
            return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC), "rfc822"
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    return None, "unreadable"


def _epoch(seconds: float) -> datetime | None:
    try:
        when = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return when if when >= _EARLIEST else None


def record_time(text) -> str | None:
    """An exact instant as the record stores it (UTC ISO 8601), or None: a bare day, a placeholder before
    1990 or nothing readable is no exact time (the next place on the page is tried)."""
    when, _ = parse_time(text, day_only_ok=False)
    if not isinstance(when, datetime) or when < _EARLIEST:
        return None
    return when.isoformat()
