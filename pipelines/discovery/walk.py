"""Which listing items to fetch when the listing shows no readable time.

The real listings' times are written by JavaScript, so the server HTML may give none. The rules:

- an item whose time is known (a readable listing time, or a time another surface gave) is fetched
  when that time is in the window, and never otherwise;
- listings run newest first by publication, so every item placed between the newest and the oldest
  item whose id carries a date of the night was published inside the night (ids are dated on or before
  publication): those are fetched, whatever their id date, unless their id is dated after the night;
- the items just below the oldest such item (ids dated up to one day before the night: a story begun
  the day before and revised after midnight) form a tail, fetched one at a time until a page turns
  out to be published before the window: the page's own time decides, at the cost of one extra fetch;
- paging stops after the first page with no item pointing at the night or later.

A page fetched but published outside the window is kept (archived, loaded as a revision: the raw
archive keeps every fetched page) and counted as `fetched_out_of_window` in the night's coverage.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pipelines.discovery.surfaces import Sighting, hint_day, id_date
from pipelines.intervals import KST

SLACK = timedelta(days=1)


def night_dates(start: datetime, end: datetime) -> tuple[date, date]:
    """First and last KST day a window [start, end) touches."""
    return start.astimezone(KST).date(), (end - timedelta(microseconds=1)).astimezone(KST).date()


def keep_paging(page_items: list[Sighting], start: datetime) -> bool:
    first_day = start.astimezone(KST).date()
    return bool(page_items) and any((hint_day(s) or date.min) >= first_day for s in page_items)


@dataclass
class ListingPlan:
    fetch: list[Sighting] = field(default_factory=list)
    tail: list[Sighting] = field(default_factory=list)  # fetched one by one, newest first
    skipped_known: int = 0  # items whose known time is outside the window


def plan_listing(items: list[Sighting], start: datetime, end: datetime,
                 known: dict[str, datetime] | None = None) -> ListingPlan:
    """Split listing items (newest first, over all pages read) into fetch now / tail / skip."""
    known = known or {}
    first_day, last_day = night_dates(start, end)
    plan = ListingPlan()

    def time_of(s: Sighting) -> datetime | None:
        return known.get(s.url) or s.time_hint

    anchors = [i for i, s in enumerate(items) if time_of(s) is None and first_day <= (id_date(s.article_id)
                                                                                    or date.min) <= last_day]
    top, bottom = (anchors[0], anchors[-1]) if anchors else (len(items), -1)
    for i, s in enumerate(items):
        when = time_of(s)
        if when is not None:
            if start <= when < end:
                plan.fetch.append(s)
            else:
                plan.skipped_known += 1
        elif top <= i <= bottom and (id_date(s.article_id) or date.max) <= last_day:
            plan.fetch.append(s)
    for s in items[bottom + 1:]:
        when = time_of(s)
        if when is not None:
            if when < start:
                break  # everything below is older still
            continue
        day = id_date(s.article_id)
        if day is None or day > last_day:
            continue
        if day < first_day - SLACK:
            break
        plan.tail.append(s)
    return plan
