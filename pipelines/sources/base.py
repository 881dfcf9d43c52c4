"""What a source (one wire) answers. Every source package under pipelines/sources/ exposes one `SOURCE`.

A source is data plus a few pure functions; nothing here fetches, stores or schedules. The shared steps
(the generic spider, extraction, load, grouping, the DAG factory) ask the source, never name it:

    name, base_url(), hosts, clock        who it is, where it lives, the zone of its zone-less times
    politeness                            delays and concurrency for its host (Scrapy settings)
    surfaces                              where to discover: start paths and a parser per surface,
                                          each returning a SurfaceParse of Sightings (canonical url,
                                          article id, time hint, form) - pipelines.discovery.surfaces
    article_ref(href, base, page_url)     how to recognise an article url: (canonical url, article id)
    id_grammar                            what a valid article id looks like (validation at the boundary)
    parsers / pick_parser(tree, url)      dated parser versions, newest first (Fundus style: a redesign
                                          adds a version, never edits an old one); which one reads a page
    is_own_page(url, meta, canonical)     whether a page belongs to this source at all
    revises / lineage(article_id)         how the wire revises: under new ids with a lineage in the id
                                          (Yonhap), or in place under one url (AP, lineage None); grouping
                                          across ids then works on the text alone
    replay(**options)                     a loopback copy of the site for tests and the demo

Adding a source: a new package pipelines/sources/<name>/ whose __init__ defines SOURCE. The registry
(pipelines.sources) finds it by scanning this folder, so no shared module changes.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, tzinfo
from typing import Callable, Protocol

REVISES_NEW_IDS = "new_ids"  # each revision is a new article id (Yonhap "(LEAD)", "(2nd LD)")
REVISES_IN_PLACE = "in_place"  # revisions replace the page under the same url and id (AP)


@dataclass(frozen=True)
class Politeness:
    """How hard a crawl may press the source's host (Scrapy's per-domain settings)."""

    download_delay: float = 1.0  # seconds between requests to the host
    concurrent_requests_per_domain: int = 2
    autothrottle: bool = True
    obey_robots: bool = True

    def scrapy_settings(self) -> dict:
        return {"DOWNLOAD_DELAY": self.download_delay, "CONCURRENT_REQUESTS_PER_DOMAIN":
                self.concurrent_requests_per_domain, "AUTOTHROTTLE_ENABLED": self.autothrottle,
                "ROBOTSTXT_OBEY": self.obey_robots}


@dataclass(frozen=True)
class Surface:
    """One way the site names its articles.

    `paths` are read from the base url (a sitemap index's children are followed: the parser lists them in
    SurfaceParse.child_urls); `parse(body, url, base_url)` returns a pipelines.discovery.surfaces.SurfaceParse
    and raises SurfaceError for a body it cannot read at all. `backstop` surfaces are read after the others
    (Yonhap's listings, which need the times the feeds gave).
    """

    name: str
    paths: tuple[str, ...]
    parse: Callable
    backstop: bool = False
    from_robots: bool = False  # robots.txt `Sitemap:` lines add to `paths`


@dataclass(frozen=True)
class ParserVersion:
    """A dated page parser. `parser(tree, url).parse()` returns the record (pipelines.publishers.RECORD_KEYS);
    `parser.matches(tree)` says whether the page is in this version's layout."""

    name: str  # e.g. "react2023", "brightspot2024"
    parser: type
    valid_from: date | None = None  # first day the site served this layout, as far as the evidence shows
    valid_until: date | None = None  # None: still current


class Replay(Protocol):
    """A loopback copy of the site (TEAM.md "Replay clock")."""

    now: object  # aware datetime or None (None: everything in its latest state)

    def start(self) -> Replay: ...
    def stop(self) -> None: ...
    @property
    def base_url(self) -> str: ...


@dataclass(frozen=True)
class Source:
    """One wire. Subclass it (or instantiate it with functions) in the source's package."""

    name: str
    default_base_url: str
    hosts: tuple[str, ...]
    clock: tzinfo  # zone-less times on the site are in this zone; a night is a calendar day here
    id_grammar: re.Pattern
    revises: str
    politeness: Politeness = field(default_factory=Politeness)
    surfaces: tuple[Surface, ...] = ()
    parsers: tuple[ParserVersion, ...] = ()  # newest first

    def base_url(self) -> str:
        """WIREDESK_<NAME>_BASE_URL (e.g. a replay on 127.0.0.1) or the real site."""
        return (os.environ.get(f"WIREDESK_{self.name.upper()}_BASE_URL") or self.default_base_url).rstrip("/")

    def article_ref(self, href: str | None, base_url: str, page_url: str | None = None) -> tuple[str, str] | None:
        """(canonical url, article id) for a link to an article of this site, else None."""
        raise NotImplementedError

    def is_own_page(self, url: str | None, meta: dict[str, str], canonical: str | None) -> bool:
        raise NotImplementedError

    def pick_parser(self, tree, url: str | None):
        """The parser instance of the first version (newest first) whose layout the page is in."""
        raise NotImplementedError

    def lineage(self, article_id: str | None) -> str | None:
        """The key shared by the ids of one story's revisions, or None (in-place wires: the id itself)."""
        return None

    def valid_id(self, article_id: str | None) -> bool:
        return isinstance(article_id, str) and bool(self.id_grammar.fullmatch(article_id))

    def replay(self, **options) -> Replay:
        raise NotImplementedError
