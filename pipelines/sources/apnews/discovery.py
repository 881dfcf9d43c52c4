"""Where AP News names its articles, read as Fundus reads them, tolerant of every plausible form.

The evidence is Fundus's publisher entry (flairNLP/fundus, src/fundus/publishers/us/__init__.py, since July
2023): `https://apnews.com/sitemap.xml` read as a sitemap (recursively; child sitemaps whose url contains
"apnews.com/hub/" or "apnews.com/video/" skipped; read in reverse, so the index lists oldest first) and
`https://apnews.com/news-sitemap-content.xml` as a news map. Fundus matches <sitemap>/<loc> and <url>/<loc>
by local name (any namespace), recovers from broken XML, and un-gzips gzip bodies. Before July 2023 the
same two were /sitemap/sitemaps/sitemap_index.xml and /sitemap/google-news-sitemap/sitemap_index.xml (an
index). Hub pages (/hub/<topic>) list promos of articles. The evidence shows no item of any of these, so:

- a sitemap may be an index or a url set, plain or gzip, with or without the sitemaps namespace;
- an item's time is news:publication_date, else lastmod (form "lastmod_<form>": a modified time, which AP
  moves with in-place edits, not a publication time), in any form times.parse_time reads;
- links may be absolute, protocol-relative or relative, on apnews.com or www.apnews.com, with query
  strings or fragments, with or without a slug: all become BASE/article/<slug>-<id> (ids.canonicalize);
- hub cards give a time in bsp-timestamp data-timestamp, data-posted-date-timestamp, time[datetime] or a
  React Timestamp's data-source, or none.

Every parser returns a SurfaceParse (pipelines.discovery.surfaces) whose `problems` say what could not be
read and `kind` what the body was. Nothing here fetches.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from pipelines.discovery.surfaces import (
    SAFE_XML,
    OffsiteLink,
    Sighting,
    SurfaceError,
    SurfaceParse,
    sitemaps_from_robots,
)
from pipelines.rawstore import gunzip_capped
from pipelines.sources.apnews import ids
from pipelines.sources.apnews.ids import HUB_PATHS, NEWS_SITEMAP_PATH, SITEMAP_PATH  # noqa: F401  (the surfaces)
from pipelines.sources.apnews.times import UTC, parse_time

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
# Fundus's sitemap_filter for AP: child sitemaps of hubs and videos name no articles.
SKIP_CHILD = re.compile(r"/hub/|/video/|[/_-](?:hubs?|videos?)[-_.]", re.IGNORECASE)
RECOVER_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                              recover=True)
_TIME_ATTRS = ("data-timestamp", "data-posted-date-timestamp", "data-updated-date-timestamp", "datetime",
               "data-source", "data-date")
_CARD = {"PagePromo", "FeedCard", "CardHeadline", "Card", "PageList-items-item"}


@dataclass
class APSurfaceParse(SurfaceParse):
    """A SurfaceParse with what an index says of its children and what was left aside."""

    child_times: dict = field(default_factory=dict)  # child sitemap url -> its lastmod
    skipped_children: list = field(default_factory=list)  # hub and video sitemaps (not articles)
    ignored: Counter = field(default_factory=Counter)  # links that are no articles, by first path part


# --- bodies ------------------------------------------------------------------------------------------

def sitemap_bytes(body: bytes) -> bytes:
    """A sitemap's XML: gzip (.xml.gz, or a body served without Content-Encoding) inflated, capped."""
    if body[:2] == b"\x1f\x8b":
        try:
            return gunzip_capped([body], MAX_SITEMAP_BYTES)
        except (ValueError, OSError) as exc:
            raise SurfaceError(f"unreadable_gzip: {exc}") from None
    if len(body) > MAX_SITEMAP_BYTES:
        raise SurfaceError(f"too_large: {len(body)} bytes")
    return body


def xml_tree(body: bytes) -> tuple[etree._Element, bool]:
    """(root, recovered). Strict and entity-free first; XML that is broken but not hostile is recovered
    as Fundus does (recovery never expands entities either); nothing readable raises SurfaceError."""
    data = sitemap_bytes(body).strip()
    if not data:
        raise SurfaceError("empty: the sitemap has no content")
    try:
        return etree.fromstring(data, parser=SAFE_XML), False
    except etree.XMLSyntaxError as strict_error:
        try:
            root = etree.fromstring(data, parser=RECOVER_XML)
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            raise SurfaceError(f"unparseable_sitemap: {strict_error}") from None
        return root, True


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child(element, *names: str):
    return next((c for c in element if _local(c.tag) in names), None)


def _child_text(element, *names: str) -> str | None:
    child = _child(element, *names)
    text = (child.text or "").strip() if child is not None else ""
    return text or None


def _article(result: APSurfaceParse, where: str, href: str | None, base_url: str, page_url: str):
    """canonicalize(href); None for a link to no article (counted by kind); a refused scheme recorded."""
    try:
        named = ids.canonicalize(href, base_url, page_url) if href else None
    except OffsiteLink as exc:
        result.problems.append(f"{where}: {exc}: {href[:120]}")
        result.refused.append((href, str(exc)))
        return None
    if named is None and href:
        try:
            parts = urlsplit(urljoin(page_url, href.strip()))
            if ids.same_site(parts.hostname, base_url):
                kind = parts.path.strip("/").split("/", 1)[0] or "/"
            else:
                kind = "offsite"
        except ValueError:
            kind = "malformed"
        result.ignored[kind] += 1
    return named


def _time(text: str | None) -> tuple[datetime | None, str]:
    """A hint as the Sighting holds it: an aware time; a bare day becomes its UTC midnight (the form says
    "date", so no one mistakes it for an exact time)."""
    when, form = parse_time(text)
    if isinstance(when, date) and not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day, tzinfo=UTC)
    return when, form


# --- sitemaps -------------------------------------------------------------------------------------------

def parse_sitemap(body: bytes, url: str, base_url: str, surface: str = "sitemap") -> APSurfaceParse:
    """A sitemap index (children listed, newest first) or a url set (articles, one sighting per id)."""
    root, recovered = xml_tree(body)
    kind = _local(root.tag)
    result = APSurfaceParse(surface, url, kind=kind)
    if recovered:
        result.problems.append("malformed XML: read with recovery, items after the damage may be missing")
    if kind == "sitemapindex":
        _read_index(root, url, base_url, result)
    elif kind == "urlset":
        _read_urlset(root, url, base_url, result)
    else:
        raise SurfaceError(f"unknown sitemap root <{kind or root.tag}>")
    if result.ignored:
        shown = ", ".join(f"{k}: {n}" for k, n in result.ignored.most_common(5))
        result.problems.append(f"{sum(result.ignored.values())} urls are no articles ({shown})")
    return result


def parse_news_sitemap(body: bytes, url: str, base_url: str) -> APSurfaceParse:
    return parse_sitemap(body, url, base_url, surface="news_sitemap")


def _read_index(root, url: str, base_url: str, result: APSurfaceParse) -> None:
    entries = []
    for n, element in enumerate((e for e in root if _local(e.tag) == "sitemap"), 1):
        loc = _child_text(element, "loc")
        if not loc:
            result.problems.append(f"sitemap {n}: no <loc>")
            continue
        child = urljoin(url, loc)
        if not ids.same_site(urlsplit(child).hostname, base_url) or urlsplit(child).scheme not in ("http", "https"):
            result.problems.append(f"index names an offsite sitemap: {child[:120]}")
            continue
        if SKIP_CHILD.search(child):
            result.skipped_children.append(child)
            continue
        when, _ = _time(_child_text(element, "lastmod"))
        entries.append((n, child, when))
    if entries and all(when is not None for _, _, when in entries):
        entries.sort(key=lambda e: (e[2], e[0]), reverse=True)
    else:  # no lastmod to go by: AP's index lists oldest first (Fundus reads it reversed)
        entries.reverse()
    for _, child, when in entries:
        if child not in result.child_urls:
            result.child_urls.append(child)
            if when is not None:
                result.child_times[child] = when
    if result.skipped_children:
        result.problems.append(f"{len(result.skipped_children)} hub/video sitemaps skipped (no articles)")
    if not result.child_urls:
        result.problems.append("sitemap index names no article sitemap of this site")


def _read_urlset(root, url: str, base_url: str, result: APSurfaceParse) -> None:
    seen: set[str] = set()
    urls = [e for e in root if _local(e.tag) == "url"]
    for n, element in enumerate(urls, 1):
        loc = _child_text(element, "loc")
        named = _article(result, f"url {n}", loc, base_url, url)
        if named is None:
            if not loc:
                result.problems.append(f"url {n}: no <loc>")
            continue
        if named[1] in seen:
            result.problems.append(f"url {n}: {named[1]} named again (another slug?): {loc[:120]}")
            continue
        seen.add(named[1])
        news = _child(element, "news")
        published = _child_text(news, "publication_date") if news is not None else None
        text = published or _child_text(element, "lastmod")
        when, form = _time(text)
        if text and when is None:
            result.problems.append(f"url {n} ({named[1]}): unreadable date {text[:40]!r}")
        if when is not None and not published:
            form = f"lastmod_{form}"
        result.items.append(Sighting(named[0], named[1], result.surface, when, form if when else "none", n))
    if not urls:
        result.problems.append("the sitemap names no url")


# --- hubs -----------------------------------------------------------------------------------------------

def parse_hub(body: bytes | str, url: str, base_url: str) -> APSurfaceParse:
    """A hub page (/hub/<topic>): every link to an article, once per id, in page order, with the time its
    card shows; ld+json ItemList urls too (a hub's structured list)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    result = APSurfaceParse("hubs", url, kind="hub")
    try:
        tree = lxml_html.document_fromstring(text) if text.strip() else None
    except (etree.ParserError, ValueError):
        tree = None
    if tree is None:
        raise SurfaceError("unparseable_hub: no HTML")
    found: dict[str, Sighting] = {}
    for n, anchor in enumerate(tree.iter("a"), 1):
        named = _article(result, f"link {n}", anchor.get("href"), base_url, url)
        if named is None or (named[1] in found and found[named[1]].time_hint is not None):
            continue
        when, form = _card_time(anchor)
        if form == "unreadable":
            result.problems.append(f"link {n} ({named[1]}): unreadable time on its card")
        position = found[named[1]].position if named[1] in found else len(found) + 1
        if named[1] not in found or when is not None:  # a second link to it may sit on the card with the time
            found[named[1]] = Sighting(named[0], named[1], "hubs", when, form if when else "none", position)
    for href in _item_list_urls(tree):
        named = _article(result, "ld+json ItemList", href, base_url, url)
        if named is not None and named[1] not in found:
            found[named[1]] = Sighting(named[0], named[1], "hubs", None, "none", len(found) + 1)
    result.items = list(found.values())
    if not result.items:
        result.problems.append("no link to an article on the hub page")
    return result


def _card_time(anchor) -> tuple[datetime | None, str]:
    """The time shown on the card around a link: the nearest enclosing card (a promo or card by class name,
    an <article>, an <li>) whose contents hold a time attribute that reads; up to three cards outward."""
    unreadable = False
    cards = 0
    for ancestor in anchor.iterancestors():
        classes = set((ancestor.get("class") or "").split())
        if not (ancestor.tag in ("article", "li") or classes & _CARD):
            continue
        for element in ancestor.iter():
            for attr in _TIME_ATTRS if isinstance(element.tag, str) else ():
                value = element.get(attr)
                if value is None or (attr == "data-source" and not re.match(r"\d{4}-\d{2}-\d{2}", value)):
                    continue
                when, form = _time(value)
                if when is not None:
                    return when, form
                unreadable = True
        cards += 1
        if cards == 3:
            break
    return None, "unreadable" if unreadable else "none"


def _item_list_urls(tree) -> list[str]:
    urls = []
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or len(script.text or "") > 2_000_000:
            continue
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(urls) < 1000:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if item.get("@type") == "ListItem" and isinstance(item.get("url"), str):
                    urls.append(item["url"])
                stack.extend(v for v in item.values() if isinstance(v, (list, dict)))
    return urls


# --- robots, and many surfaces as one list --------------------------------------------------------------

def sitemaps_named(robots_body: bytes, base_url: str) -> list[str]:
    """robots.txt's Sitemap: lines on this site (the news sitemap is usually among them)."""
    return sitemaps_from_robots(robots_body, base_url)


def by_article(parses: list[SurfaceParse]) -> dict[str, Sighting]:
    """One sighting per article id over many surface reads: a publication time (news sitemap, hubs) wins
    over a lastmod; among equals the first read wins. AP names one article under several slugs; the id
    is what is fetched once."""
    chosen: dict[str, Sighting] = {}
    for parse in parses:
        for sighting in parse.items:
            current = chosen.get(sighting.article_id)
            if current is None or (_rank(sighting) > _rank(current)):
                chosen[sighting.article_id] = sighting
    return chosen


def _rank(sighting: Sighting) -> int:
    if sighting.time_hint is None:
        return 0
    return 1 if sighting.time_form.startswith("lastmod_") else 2
