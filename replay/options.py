"""Which discovery surfaces the replay site offers, and in which of the forms the evidence shows.

The evidence about the real en.yna.co.kr (../shared/notes/yonhap-discovery.md) leaves several forms open:
the feed generator's raw form or an RFC 822 one, listing times written by JavaScript (so absent or
empty in the server HTML), links with query strings or protocol-relative, a news sitemap as a url
set or behind an index. A test picks one form per surface, or switches a surface off, to prove the
crawler finds a night through any of them.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

SURFACES = frozenset({"listings", "feeds", "sitemap"})
FEED_FORMS = ("raw", "rfc822", "iso8601")  # raw: <id>, 14-digit KST pubDate, <lastBuilldDate> (the generator's)
LISTING_DATES = ("empty", "absent", "js")  # js: "15:46 Sep. 25" as the site's script writes it
LINK_FORMS = ("absolute", "protocol_relative")
SITEMAP_FORMS = ("urlset", "index")


@dataclass(frozen=True)
class SiteOptions:
    surfaces: frozenset = field(default=SURFACES)
    feed_form: str = "raw"
    feed_link_query: bool = True  # links end in ?section=news&input=rss
    listing_dates: str = "empty"
    link_form: str = "absolute"  # feeds and sitemap: "https://HOST/view/ID" or "//HOST/view/ID"
    sitemap_form: str = "urlset"
    robots_sitemap_line: bool = True
    feed_items: int = 100  # a feed holds only the latest ~100 items
    page_size: int = 20  # items per listing page
    sitemap_hours: int = 48  # a news sitemap names the last two days
    now: datetime | None = None  # what the site shows "as of"; None: after its newest article

    def __post_init__(self) -> None:
        unknown = set(self.surfaces) - SURFACES
        checks = [(self.feed_form, FEED_FORMS), (self.listing_dates, LISTING_DATES), (self.link_form, LINK_FORMS),
                  (self.sitemap_form, SITEMAP_FORMS)]
        bad = [value for value, allowed in checks if value not in allowed]
        if unknown or bad:
            raise ValueError(f"unknown replay option value(s): {sorted(unknown) + bad}")
        if self.now is not None and self.now.tzinfo is None:
            raise ValueError("SiteOptions.now must be timezone-aware")

    def only(self, *surfaces: str) -> SiteOptions:
        return replace(self, surfaces=frozenset(surfaces))
