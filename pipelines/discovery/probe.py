"""`python -m pipelines.discovery probe`: read each discovery surface once and say what it found.

Meant for the first day against the real site (and whenever a night's coverage looks wrong): for the
RSS channels, the news sitemap (as robots.txt names it, or /news-sitemap.xml; an index is followed)
and the listings, it prints item counts, the date forms it parsed, how many items fall in the night
and anything it could not read. It obeys robots.txt, waits between requests, refuses non-public
addresses (loopback only with WIREDESK_ALLOW_LOOPBACK=1) and exits 1 when a surface yields nothing or
robots.txt forbids the article pages themselves (checked, not fetched).
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from pipelines import config
from pipelines.discovery import surfaces as parse
from pipelines.discovery.fetch import PoliteFetcher, user_agent
from pipelines.intervals import KST, night_window

LISTING_PROBES = ("/news", "/news/2", "/nk/index")
MAX_SITEMAPS = 6


def probe(base_url: str | None = None, night: date | None = None, out=print,
          fetcher: PoliteFetcher | None = None) -> int:
    base_url = (base_url or config.yonhap_base_url()).rstrip("/")
    night = night or (datetime.now(KST) - timedelta(days=1)).date()
    start, end = night_window(night)
    fetcher = fetcher or PoliteFetcher(base_url)
    out(f"probe of {base_url} for night {night} (KST); one read per url, obeying robots.txt")
    robots = fetcher.load_robots()
    named = parse.sitemaps_from_robots(fetcher.robots_text, base_url) if robots.ok else []
    out(f"robots.txt: {robots.status or robots.reason}; Sitemap lines: {', '.join(named) or 'none'}")
    totals: dict[str, Counter] = {s: Counter() for s in parse.SURFACES}
    named_articles: list[str] = []

    def report(surface: str, url: str, result: parse.SurfaceParse | None, reason: str | None) -> None:
        path = urlsplit(url).path or url
        if result is None:
            out(f"  {surface:<8} {path:<28} UNREAD: {reason}")
            totals[surface]["unread"] += 1
            return
        by_day = sum(1 for s in result.items if s.time_hint is None
                     and (parse.id_date(s.article_id) == night))
        timed = sum(1 for s in result.items if s.time_hint is not None and start <= s.time_hint < end)
        forms = ", ".join(f"{k}={v}" for k, v in sorted(result.forms().items())) or "-"
        extra = f" + {len(result.child_urls)} sitemaps" if result.child_urls else ""
        out(f"  {surface:<8} {path:<28} {len(result.items):>4} items{extra}; date forms: {forms}; in the night: "
            f"{timed} by time" + (f", {by_day} more by id date" if by_day else ""))
        for problem in result.problems[:5]:
            out(f"           could not read: {problem}")
        if len(result.problems) > 5:
            out(f"           ... and {len(result.problems) - 5} more")
        named_articles.extend(s.url for s in result.items[:1])
        totals[surface]["items"] += len(result.items) + len(result.child_urls)
        totals[surface]["in_night"] += timed + by_day

    def read(surface: str, url: str, parser, **kwargs) -> parse.SurfaceParse | None:
        fetched = fetcher.get(url)
        if not fetched.ok:
            report(surface, url, None, fetched.reason)
            return None
        try:
            result = parser(fetched.body, fetched.url, base_url, **kwargs)
        except parse.SurfaceError as exc:
            report(surface, url, None, str(exc)[:300])
            return None
        report(surface, url, result, None)
        return result

    out("feeds:")
    for channel in parse.FEED_CHANNELS:
        read("feeds", f"{base_url}/RSS/{channel}.xml", parse.parse_feed)
    out("sitemap:")
    queue, seen = list(named or [base_url + parse.SITEMAP_PATH]), set()
    while queue and len(seen) < MAX_SITEMAPS:
        url = queue.pop(0)
        if url not in seen:
            seen.add(url)
            result = read("sitemap", url, parse.parse_sitemap)
            queue.extend(result.child_urls if result else [])
    out("listings:")
    for path in LISTING_PROBES:
        read("listings", base_url + path, parse.parse_listing, reference=start)

    # the www host's robots.txt disallows /view/AEN* for its own crawler: say whether ours may fetch articles
    article_allowed = True
    if named_articles:
        article_allowed = fetcher.robots.can_fetch(user_agent(), named_articles[0])
        out(f"articles: {urlsplit(named_articles[0]).path} {'allowed' if article_allowed else 'DISALLOWED'} "
            "by robots.txt (not fetched)")
    empty = [s for s, t in totals.items() if t["items"] == 0]
    for surface, t in totals.items():
        verdict = "EMPTY" if surface in empty else "ok"
        out(f"{surface}: {verdict} ({t['items']} items, {t['in_night']} in the night, {t['unread']} urls unread)")
    if empty:
        out(f"surfaces that yielded nothing: {', '.join(empty)} (see README: 'Before the first night')")
    return 1 if empty or not article_allowed else 0
