"""Parsers for the surfaces that name Yonhap English articles, tolerant of every form in the evidence.

Each parser takes bytes and the url they came from and returns a SurfaceParse: the items it read
(canonical url, article id, time hint and the form that time was in) and what it could not read,
so an empty or unreadable surface is never a silent zero. Nothing here fetches anything.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector
from scrapy.utils.sitemap import Sitemap

from pipelines.intervals import KST

SURFACES = ("listings", "feeds", "sitemap")
FEED_CHANNELS = ("news", "national", "nk", "economy-finance", "biz", "culture", "sports")
LISTING_PATH = "/news"
SITEMAP_PATH = "/news-sitemap.xml"
ARTICLE_ID = re.compile(r"AEN(?P<date>\d{8})(?P<serial>\d{4})(?P<version>\d{2})(?P<code>\d{3})")
ARTICLE_PATH = re.compile(r"/view/(?P<article_id>AEN\d{17})/?$")
KST14 = re.compile(r"^\d{14}$")
# "15:46 Sep. 25", "09:05 May 9", "23:10 Sept. 3": the site's script output (no year)
LISTING_EN = re.compile(r"^(?P<hour>\d{1,2}):(?P<minute>\d{2})\s+(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})$")
MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                          "nov", "dec"))}
# Feeds are parsed without entities, DTDs or network access: no entity bombs, no external entities.
SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class SurfaceError(ValueError):
    """A surface that could not be parsed at all (the reason is the message)."""


@dataclass(frozen=True)
class Sighting:
    """An article named by a surface."""

    url: str  # canonical: BASE/view/<ID>, no query
    article_id: str
    surface: str  # listings | feeds | sitemap
    time_hint: datetime | None  # published time the surface gave, if it gave a readable one
    time_form: str  # kst14 | rfc822 | iso8601 | listing_en | none
    position: int = 0  # order on the surface (listings: newest first)


@dataclass
class SurfaceParse:
    surface: str
    url: str
    kind: str = ""  # rss | urlset | sitemapindex | listing
    items: list[Sighting] = field(default_factory=list)
    child_urls: list[str] = field(default_factory=list)  # a sitemap index's sitemaps
    problems: list[str] = field(default_factory=list)  # what could not be read, item by item
    refused: list[tuple[str, str]] = field(default_factory=list)  # (url, reason): this host, another scheme

    def forms(self) -> dict[str, int]:
        return dict(Counter(s.time_form for s in self.items))


# --- ids, urls --------------------------------------------------------------------------------------

def id_date(article_id: str) -> date | None:
    match = ARTICLE_ID.fullmatch(article_id or "")
    if not match:
        return None
    try:
        return datetime.strptime(match["date"], "%Y%m%d").date()
    except ValueError:
        return None


def serial(article_id: str) -> int | None:
    match = ARTICLE_ID.fullmatch(article_id or "")
    return int(match["serial"]) if match else None


def canonical_url(base_url: str, article_id: str) -> str:
    """The one url an article is fetched, archived and stored under: BASE/view/<ID>."""
    return f"{base_url.rstrip('/')}/view/{article_id}"


class OffsiteLink(ValueError):
    pass


def canonicalize(href: str, base_url: str, page_url: str | None = None) -> tuple[str, str] | None:
    """(canonical url, article id) for a link to an article of this site, else None.

    Protocol-relative links, http or https, any port of this host, query strings and fragments all
    come back as BASE/view/<ID>: only BASE is ever fetched. A link to this host with another scheme (ftp:, file:) raises OffsiteLink with
    the reason, so the caller can record the refusal instead of dropping it silently.
    """
    try:
        url = urljoin(page_url or base_url + "/", (href or "").strip())
        parts = urlsplit(url)
        parts.port  # noqa: B018  raises on a malformed port
    except ValueError:
        return None
    if not same_site_host(parts, base_url):
        return None
    if parts.scheme.lower() not in ("http", "https"):
        raise OffsiteLink(f"refused_scheme: {parts.scheme}")
    match = ARTICLE_PATH.search(parts.path)
    if not match:
        return None
    return canonical_url(base_url, match["article_id"]), match["article_id"]


def same_site_host(parts, base_url: str) -> bool:
    return (parts.hostname or "").lower() == (urlsplit(base_url).hostname or "").lower()


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of `url`, the port made explicit; ValueError for a malformed port."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme)


def same_origin(url: str, base_url: str) -> bool:
    """Whether `url` is on the configured scheme, host AND port: only those are ever fetched (a url on
    the site's hostname but another port is another server)."""
    try:
        return origin(url) == origin(base_url)
    except ValueError:
        return False


def origin_refusal(url: str, base_url: str) -> str:
    """The reason recorded for a url on this host that is not this origin."""
    return f"refused_origin: {url[:120]} is not on {base_url} (scheme, host and port)"


# --- times ------------------------------------------------------------------------------------------

def parse_time(text: str | None, reference: datetime | None = None) -> tuple[datetime | None, str]:
    """(aware time, form) from any form in the evidence; (None, 'unreadable') when none fits.

    14 digits are KST (the feed generator's zone-less form); ISO 8601 without an offset is KST too
    (the site's own clock); the listing form "15:46 Sep. 25" has no year: the one nearest `reference` (listings pass the item id's
    date); with no reference, the latest year that does not put it in the future.
    """
    value = (text or "").strip()
    if not value:
        return None, "none"
    if KST14.match(value):
        try:
            return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=KST), "kst14"
        except ValueError:
            return None, "unreadable"
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return (when if when.tzinfo else when.replace(tzinfo=KST)), "iso8601"
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
        if when is not None:
            return (when if when.tzinfo else when.replace(tzinfo=KST)), "rfc822"
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    match = LISTING_EN.match(value)
    if match and match["month"][:3].lower() in MONTHS:
        ref = (reference or datetime.now(KST)).astimezone(KST)
        candidates = []
        for year in (ref.year - 1, ref.year, ref.year + 1):
            try:
                candidates.append(datetime(year, MONTHS[match["month"][:3].lower()], int(match["day"]),
                                           int(match["hour"]), int(match["minute"]), tzinfo=KST))
            except ValueError:
                continue
        if reference is None:  # against the clock, a listed time is not in the future (a day of skew)
            candidates = [c for c in candidates if c <= ref + timedelta(days=1)]
        if candidates:
            return min(candidates, key=lambda c: abs(c - ref)), "listing_en"
    return None, "unreadable"


# --- feeds ------------------------------------------------------------------------------------------

def xml_root(body: bytes) -> etree._Element:
    """Strict, entity-free parse; libxml2 refuses entity amplification as a syntax error."""
    try:
        return etree.fromstring(body, parser=SAFE_XML)
    except etree.XMLSyntaxError as exc:
        raise SurfaceError(f"unparseable_feed: {exc}") from None


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(element, *names: str) -> str | None:
    for child in element:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_feed(body: bytes, url: str, base_url: str) -> SurfaceParse:
    """An RSS channel: ids from <id>, <guid> or the link; pubDate as 14-digit KST, RFC 822 or ISO 8601."""
    root = xml_root(body)
    result = SurfaceParse("feeds", url, kind=_local(root.tag))
    items = [e for e in root.iter() if _local(e.tag) in ("item", "entry")]
    for n, item in enumerate(items, 1):
        link = _child_text(item, "link")
        if link is None:  # Atom: <link href=...>
            link = next((c.get("href") for c in item if _local(c.tag) == "link" and c.get("href")), None)
        ident = _child_text(item, "id", "guid")
        named = _article(link, ident, base_url, result, n)
        if named is None:
            continue
        when, form = parse_time(_child_text(item, "pubDate", "date", "published", "updated"))
        if when is None:
            result.problems.append(f"item {n} ({named[1]}): unreadable date "
                                   f"{(_child_text(item, 'pubDate') or '')[:40]!r}")
        result.items.append(Sighting(named[0], named[1], "feeds", when, form if when else "none", n))
    if not items:
        result.problems.append("no <item> in the feed")
    return result


REFUSED = object()  # _canonical's answer for a link it refused (and recorded)


def _canonical(result: SurfaceParse, where: str, link: str | None, base_url: str, page_url: str | None = None):
    """canonicalize(link), None for no link; a refused link is recorded on `result` and gives REFUSED."""
    try:
        return canonicalize(link, base_url, page_url) if link else None
    except OffsiteLink as exc:
        result.problems.append(f"{where}: {exc}: {link[:120]}")
        result.refused.append((link, str(exc)))
        return REFUSED


def _article(link: str | None, ident: str | None, base_url: str, result: SurfaceParse, n: int):
    """The article a feed item names: the link when it is this site's, else the id (<id>/<guid>)."""
    named = _canonical(result, f"item {n}", link, base_url)
    if named is REFUSED:
        return None
    if named:
        return named
    match = ARTICLE_ID.search(ident or "")
    if match and not link:
        return canonical_url(base_url, match.group(0)), match.group(0)
    if link:
        result.problems.append(f"item {n}: link is not an article of this site: {link[:120]}")
    else:
        result.problems.append(f"item {n}: no link and no article id")
    return None


# --- sitemaps ---------------------------------------------------------------------------------------

def parse_sitemap(body: bytes, url: str, base_url: str) -> SurfaceParse:
    """A news sitemap (url set with news:publication_date or lastmod) or a sitemap index.

    Scrapy's Sitemap tells the two apart and reads loc/lastmod; news:publication_date sits one level
    deeper than it reads, so that comes from the strict, entity-free tree (which also refuses bombs).
    """
    root = xml_root(body)
    sitemap = Sitemap(body)
    result = SurfaceParse("sitemap", url, kind=sitemap.type)
    if sitemap.type == "sitemapindex":
        for entry in sitemap:
            child = urljoin(url, entry["loc"])
            if same_origin(child, base_url):
                result.child_urls.append(child)
            elif same_site_host(urlsplit(child), base_url):  # this host, another port or scheme: recorded
                result.problems.append(origin_refusal(child, base_url))
                result.refused.append((child, origin_refusal(child, base_url)))
            else:
                result.problems.append(f"index names an offsite sitemap: {child[:120]}")
        if not result.child_urls:
            result.problems.append("sitemap index names no sitemap of this site")
        return result
    if sitemap.type != "urlset":
        raise SurfaceError(f"unknown sitemap root <{sitemap.type}>")
    published = {}
    for element in root:
        if _local(element.tag) != "url":
            continue
        loc = _child_text(element, "loc")
        news = next((c for c in element if _local(c.tag) == "news"), None)
        if loc and news is not None:
            published[loc] = _child_text(news, "publication_date")
    for n, entry in enumerate(sitemap, 1):
        loc = entry.get("loc", "")
        named = _canonical(result, f"url {n}", loc, base_url, url)
        if named is REFUSED:
            continue
        if named is None:
            result.problems.append(f"url {n}: not an article of this site: {loc[:120]}")
            continue
        text = published.get(loc) or entry.get("lastmod")
        when, form = parse_time(text)
        if when is None:
            result.problems.append(f"url {n} ({named[1]}): unreadable date {(text or '')[:40]!r}")
        result.items.append(Sighting(named[0], named[1], "sitemap", when, form if when else "none", n))
    if not result.items and not result.problems:
        result.problems.append("the sitemap names no url")
    return result


def sitemaps_from_robots(body: bytes, base_url: str) -> list[str]:
    from scrapy.utils.sitemap import sitemap_urls_from_robots

    return [u for u in sitemap_urls_from_robots(body, base_url=base_url + "/") if same_origin(u, base_url)]


# --- listings ---------------------------------------------------------------------------------------

def parse_listing(body: bytes | str, url: str, base_url: str, reference: datetime | None = None) -> SurfaceParse:
    """A listing page: `div.smain-list-type01 > ul > li > article`, link in `div.txt-con > h2.tit > a`
    (else `figure.img-cover > a`), time in `span.date` when the server HTML holds one."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    selector = Selector(text=text)
    result = SurfaceParse("listings", url, kind="listing")
    articles = selector.css("div.smain-list-type01 > ul > li > article")
    for n, article in enumerate(articles, 1):
        href = article.css("div.txt-con > h2.tit > a::attr(href)").get() or \
            article.css("figure.img-cover > a::attr(href)").get()
        named = _canonical(result, f"item {n}", href, base_url, url)
        if named is REFUSED:
            continue
        if named is None:
            result.problems.append(f"item {n}: no link to an article of this site: {(href or '')[:120]}")
            continue
        shown = " ".join(article.css("span.date ::text").getall()).strip()
        # The listing's "15:46 Sept. 25" has no year; the id's own date is the best guide to it (a
        # backfill's night or the crawl's clock can be months or years away from the item).
        day = id_date(named[1])
        when, form = parse_time(shown, datetime.combine(day, time(12), tzinfo=KST) if day else reference)
        if shown and when is None:
            result.problems.append(f"item {n} ({named[1]}): unreadable time {shown[:40]!r}")
        result.items.append(Sighting(named[0], named[1], "listings", when, form if when else "none", n))
    return result


def listing_url(base_url: str, page: int, path: str = LISTING_PATH) -> str:
    """Listings page by path: /news, /news/2, /news/3, ..."""
    return f"{base_url}{path}" if page == 1 else f"{base_url}{path}/{page}"


# --- the page's own time ----------------------------------------------------------------------------

PUBLISHED_META = re.compile(rb'<meta[^>]+property="article:published_time"[^>]+content="([^"]{10,40})"')


def page_published_time(body: bytes) -> datetime | None:
    """`article:published_time` of an article page: the time that decides the page's night."""
    match = PUBLISHED_META.search(body[:200_000])
    if not match:
        return None
    when, _ = parse_time(match.group(1).decode("ascii", "replace"))
    return when


def hint_day(sighting: Sighting) -> date | None:
    """The KST day a sighting points at: its time if readable, else its id's date."""
    if sighting.time_hint is not None:
        return sighting.time_hint.astimezone(KST).date()
    return id_date(sighting.article_id)


def slack_days() -> timedelta:
    return timedelta(days=1)
