"""When an article is revisited: a schedule that decays with its age and the time since its last change.

Designed from NewsDiffs (every 15 min for 3 h, 30 min to a day, 2 h to a week) and diffengine (a
revisit once the time since the last check reaches a fifth of the age), within a politeness budget:

    WIREDESK_REVISIT_SCHEDULE = "1h<12h,2h<36h,24h<7d"   (the default)

reads "every hour while the article has been quiet (unchanged, or since first sight) for less than
12 h, every 2 h until it has been quiet 36 h, then daily; no revisit 7 days after first sight" (the
last bound ends the schedule). A change found resets the quiet time, so an article being edited is
watched closely again. WIREDESK_REVISIT_BUDGET (default 30) caps the page requests per article over
the schedule; when few requests are left the rest are spread over the days left, so the budget is
never spent before the schedule ends.

A revisit every hour at most keeps every state that lived an hour or more while the article is quiet
less than 12 h: the first fetch already comes when a pass first sees the article.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_SCHEDULE = "1h<12h,2h<36h,24h<7d"
DEFAULT_BUDGET = 30
_SPAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhd])\s*$")
_UNITS = {"m": 60, "h": 3600, "d": 86400}


class ScheduleError(ValueError):
    """The revisit schedule or budget is not configured right (a usage error: exit 2)."""


def parse_span(text: str) -> timedelta:
    match = _SPAN.match(text)
    if not match:
        raise ScheduleError(f"not a time span: {text!r} (expected e.g. 20m, 2h, 7d)")
    return timedelta(seconds=float(match[1]) * _UNITS[match[2]])


@dataclass(frozen=True)
class Schedule:
    tiers: tuple[tuple[timedelta, timedelta], ...]  # (interval, while quiet for less than)
    budget: int

    @property
    def end(self) -> timedelta:
        """How long after first sight revisits stop."""
        return self.tiers[-1][1]

    def interval(self, quiet: timedelta) -> timedelta:
        for every, until in self.tiers:
            if quiet < until:
                return every
        return self.tiers[-1][0]

    def next_due(self, *, first_sighted: datetime, last_changed: datetime | None, fetched_at: datetime,
                 requests: int) -> datetime | None:
        """When to revisit after a fetch at `fetched_at` (the `requests`-th); None: no revisit left."""
        left = self.budget - requests
        ends = first_sighted + self.end
        if left <= 0 or fetched_at >= ends:
            return None
        quiet = fetched_at - max(first_sighted, last_changed or first_sighted)
        every = self.interval(quiet)
        remaining = ends - fetched_at
        # only enough budget left for the slowest step until the end: spread it over the time left
        if left <= math.ceil(remaining / self.tiers[-1][0]):
            every = max(every, remaining / left)
        due = fetched_at + every
        return due if due <= ends else None


def parse(text: str, budget: int = DEFAULT_BUDGET) -> Schedule:
    tiers = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if "<" not in part:
            raise ScheduleError(f"schedule step {part!r} is not INTERVAL<UNTIL (e.g. 1h<12h)")
        every, until = (parse_span(x) for x in part.split("<", 1))
        if every <= timedelta(0) or (tiers and until <= tiers[-1][1]):
            raise ScheduleError(f"schedule step {part!r}: intervals must be positive and bounds increasing")
        tiers.append((every, until))
    if not tiers:
        raise ScheduleError("empty revisit schedule")
    if budget < 1:
        raise ScheduleError(f"revisit budget must be at least 1, not {budget}")
    return Schedule(tuple(tiers), budget)


def from_env() -> Schedule:
    raw_budget = os.environ.get("WIREDESK_REVISIT_BUDGET") or str(DEFAULT_BUDGET)
    try:
        budget = int(raw_budget)
    except ValueError:
        raise ScheduleError(f"WIREDESK_REVISIT_BUDGET is not a number: {raw_budget!r}") from None
    return parse(os.environ.get("WIREDESK_REVISIT_SCHEDULE") or DEFAULT_SCHEDULE, budget)
