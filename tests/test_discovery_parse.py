"""Discovery parsers: every date form, id and link form in the evidence; the listing walk; serial gaps."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from pipelines.discovery import surfaces as parse
from pipelines.discovery.coverage import problems, serial_gaps
from pipelines.discovery.walk import keep_paging, plan_listing
from pipelines.intervals import KST, night_window

BASE = "https://en.yna.co.kr"
AID = "AEN20250118002800315"


@pytest.mark.parametrize("text, expected, form", [
    ("20250118080005", datetime(2025, 1, 18, 8, 0, 5, tzinfo=KST), "kst14"),  # the generator's zone-less KST
    ("Sat, 18 Jan 2025 08:00:05 +0900", datetime(2025, 1, 17, 23, 0, 5, tzinfo=timezone.utc), "rfc822"),
    ("Fri, 17 Jan 2025 23:00:05 GMT", datetime(2025, 1, 18, 8, 0, 5, tzinfo=KST), "rfc822"),
    ("2025-01-18T08:00:05+09:00", datetime(2025, 1, 18, 8, 0, 5, tzinfo=KST), "iso8601"),
    ("2025-01-17T23:00:05Z", datetime(2025, 1, 18, 8, 0, 5, tzinfo=KST), "iso8601"),
    ("2025-01-18T08:00:05", datetime(2025, 1, 18, 8, 0, 5, tzinfo=KST), "iso8601"),  # no offset: the site's clock
    ("08:00 Jan. 18", datetime(2025, 1, 18, 8, 0, tzinfo=KST), "listing_en"),  # written by the site's script
    ("15:46 Sept. 25", datetime(2024, 9, 25, 15, 46, tzinfo=KST), "listing_en"),  # nearest year to the reference
])
def test_every_date_form_parses_to_the_same_instant(text, expected, form):
    when, got_form = parse.parse_time(text, reference=datetime(2025, 1, 18, tzinfo=KST))
    assert when == expected and got_form == form and when.tzinfo is not None


def test_a_yearless_listing_time_takes_its_year_from_the_item_id_else_not_from_the_future():
    # a backfill years later: the night (reference) is 2023-05-10, the item's id says 2023-11-28
    page = (f'<div class="smain-list-type01"><ul><li><article><div class="txt-con"><h2 class="tit">'
            f'<a href="/view/AEN20231128001200315">x</a></h2></div><span class="date">10:00 Nov. 28</span>'
            f'</article></li></ul></div>')
    result = parse.parse_listing(page, f"{BASE}/news", BASE, reference=datetime(2023, 5, 10, tzinfo=KST))
    assert [s.time_hint for s in result.items] == [datetime(2023, 11, 28, 10, 0, tzinfo=KST)]
    # no reference at all: seven months back beats five months ahead
    now = datetime.now(KST)
    when, _ = parse.parse_time((now - timedelta(days=210)).strftime("%H:%M %b. %d"))
    assert when is not None and when <= now and now - when < timedelta(days=215)


@pytest.mark.parametrize("text", ["soon", "2025-13-45T00:00:00", "20251345999999", "99:99 Foo. 1"])
def test_unreadable_dates_are_said_so(text):
    assert parse.parse_time(text) == (None, "unreadable")
    assert parse.parse_time("  ") == (None, "none")


@pytest.mark.parametrize("href", [
    f"https://en.yna.co.kr/view/{AID}?section=news&input=rss",
    f"//en.yna.co.kr/view/{AID}",
    f"http://en.yna.co.kr/view/{AID}#comments",
    f"/view/{AID}",
    f"https://en.yna.co.kr:443/view/{AID}/",
])
def test_links_are_canonicalized(href):
    assert parse.canonicalize(href, BASE, BASE + "/news") == (f"{BASE}/view/{AID}", AID)


@pytest.mark.parametrize("href", [f"https://www.yna.co.kr/view/{AID}", f"https://en.yna.co.kr/news/{AID}",
                                  "https://en.yna.co.kr/view/AKR20250118002800315", "javascript:void(0)", ""])
def test_other_links_are_no_articles(href):
    assert parse.canonicalize(href, BASE) is None


def test_another_scheme_on_this_host_is_refused_with_a_reason():
    with pytest.raises(parse.OffsiteLink, match="refused_scheme: ftp"):
        parse.canonicalize(f"ftp://en.yna.co.kr/view/{AID}", BASE)


def feed(items: str, built_tag: str = "lastBuilldDate") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
            f"<{built_tag}>Sat, 18 Jan 2025 08:10:00 +0900</{built_tag}>{items}</channel></rss>").encode()


def test_raw_generator_feed_with_id_and_14_digit_dates():
    body = feed(f"<item><id>{AID}</id><title>a</title><link>https://en.yna.co.kr/view/{AID}?section=news&amp;"
                f"input=rss</link><pubDate>20250118080005</pubDate></item>"
                f"<item><id>AEN20250118002900320</id><title>no link</title><pubDate>20250118081000</pubDate></item>"
                f"<item><guid isPermaLink='false'>AEN20250118003000320</guid><title>guid</title>"
                f"<pubDate>soon</pubDate></item>")
    result = parse.parse_feed(body, BASE + "/RSS/news.xml", BASE)
    assert [(s.article_id, s.url, s.time_form) for s in result.items] == [
        (AID, f"{BASE}/view/{AID}", "kst14"),
        ("AEN20250118002900320", f"{BASE}/view/AEN20250118002900320", "kst14"),
        ("AEN20250118003000320", f"{BASE}/view/AEN20250118003000320", "none")]
    assert result.items[0].time_hint == datetime(2025, 1, 18, 8, 0, 5, tzinfo=KST)
    assert result.problems == ["item 3 (AEN20250118003000320): unreadable date 'soon'"]
    assert result.forms() == {"kst14": 2, "none": 1}


def test_feed_problems_are_named_not_dropped():
    body = feed("<item><title>elsewhere</title><link>https://example.com/x</link><pubDate>20250118080005</pubDate>"
                "</item><item><title>nothing</title></item>")
    result = parse.parse_feed(body, BASE + "/RSS/nk.xml", BASE)
    assert result.items == [] and len(result.problems) == 2
    assert "not an article of this site: https://example.com/x" in result.problems[0]
    assert parse.parse_feed(feed(""), BASE + "/RSS/nk.xml", BASE).problems == ["no <item> in the feed"]
    with pytest.raises(parse.SurfaceError, match="unparseable_feed"):
        parse.parse_feed(b"<rss><channel><item>", BASE + "/RSS/nk.xml", BASE)


def test_sitemap_index_and_urlset():
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>https://en.yna.co.kr/news-sitemap1.xml</loc></sitemap>"
             b"<sitemap><loc>https://evil.example/s.xml</loc></sitemap></sitemapindex>")
    result = parse.parse_sitemap(index, BASE + "/news-sitemap.xml", BASE)
    assert result.kind == "sitemapindex" and result.child_urls == [BASE + "/news-sitemap1.xml"]
    assert result.problems == ["index names an offsite sitemap: https://evil.example/s.xml"]
    urlset = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
              f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
              f"<url><loc>//en.yna.co.kr/view/{AID}</loc><news:news><news:publication_date>2025-01-18T08:00:05+09:00"
              f"</news:publication_date></news:news></url>"
              f"<url><loc>https://en.yna.co.kr/view/AEN20250118002900320</loc><lastmod>20250118081000</lastmod></url>"
              f"</urlset>").encode()
    result = parse.parse_sitemap(urlset, BASE + "/news-sitemap1.xml", BASE)
    assert result.kind == "urlset"
    assert [(s.url, s.time_form) for s in result.items] == [(f"{BASE}/view/{AID}", "iso8601"),
                                                            (f"{BASE}/view/AEN20250118002900320", "kst14")]


def test_robots_sitemap_lines_of_this_host_only():
    robots = b"User-agent: *\nDisallow: /search\nSitemap: /news-sitemap.xml\nSitemap: https://other.example/s.xml\n"
    assert parse.sitemaps_from_robots(robots, BASE) == [BASE + "/news-sitemap.xml"]


def listing(ids_and_dates: list[tuple[str, str | None]]) -> str:
    lis = "".join(
        f'<li><article><figure class="img-cover"><a href="/view/{aid}"><img></a></figure><div class="txt-con">'
        f'<h2 class="tit"><a href="//en.yna.co.kr/view/{aid}">t</a></h2><span class="lead">l</span>'
        + (f'<span class="date">{shown}</span>' if shown is not None else "") + "</div></article></li>"
        for aid, shown in ids_and_dates)
    return f'<html><body><div class="smain-list-type01"><ul class="list">{lis}</ul></div></body></html>'


def test_listing_markup_with_and_without_times():
    html = listing([(AID, "08:00 Jan. 18"), ("AEN20250118002900320", ""), ("AEN20250117009000320", None)])
    result = parse.parse_listing(html, BASE + "/news", BASE, reference=datetime(2025, 1, 18, tzinfo=KST))
    assert [s.article_id for s in result.items] == [AID, "AEN20250118002900320", "AEN20250117009000320"]
    assert [s.time_form for s in result.items] == ["listing_en", "none", "none"]
    assert [s.position for s in result.items] == [1, 2, 3]
    assert parse.listing_url(BASE, 1) == BASE + "/news" and parse.listing_url(BASE, 3) == BASE + "/news/3"
    assert parse.parse_listing(f"<html><div class='other-list'><ul><li><article><a href='/view/{AID}'>x</a>"
                               "</article></li></ul></div></html>", BASE + "/news", BASE).items == []


def sighting(aid: str, position: int, when: datetime | None = None) -> parse.Sighting:
    return parse.Sighting(f"{BASE}/view/{aid}", aid, "listings", when, "listing_en" if when else "none", position)


def test_listing_walk_without_times_uses_id_dates_and_position():
    start, end = night_window(date(2023, 5, 10))
    order = ["AEN20230511000300320",  # next day: not fetched
             "AEN20230510009200315",  # published after midnight: fetched, found out of window by its page
             "AEN20230510007000320", "AEN20230509008800320",  # old id between night ids: in the night
             "AEN20230510002700320",  # oldest id of the night
             "AEN20230509009051325",  # below: the tail, fetched one by one (a revision after midnight)
             "AEN20230509009000325", "AEN20230508001000320",  # older still: tail stops at the slack
             "AEN20230509001000320"]
    items = [sighting(aid, i) for i, aid in enumerate(order)]
    plan = plan_listing(items, start, end)
    assert [s.article_id for s in plan.fetch] == order[1:5]
    assert [s.article_id for s in plan.tail] == order[5:7]
    # a time another surface gave overrides the guess
    known = {items[1].url: datetime(2023, 5, 11, 0, 20, tzinfo=KST), items[5].url: datetime(2023, 5, 9, 23, 0,
                                                                                             tzinfo=KST)}
    plan = plan_listing(items, start, end, known)
    assert [s.article_id for s in plan.fetch] == order[2:5] and plan.tail == [] and plan.skipped_known == 2
    assert keep_paging(items[:6], start) and not keep_paging(items[6:], start) and not keep_paging([], start)


def test_listing_walk_with_readable_times():
    start, end = night_window(date(2023, 5, 10))
    t = datetime(2023, 5, 10, 12, 0, tzinfo=KST)
    items = [sighting("AEN20230511000300320", 0, t + timedelta(days=1)), sighting("AEN20230509009051325", 1, t),
             sighting("AEN20230510002700320", 2, t - timedelta(hours=13))]
    plan = plan_listing(items, start, end)
    assert [s.article_id for s in plan.fetch] == ["AEN20230509009051325"] and plan.tail == []


def test_serial_gaps_text():
    ids = [f"AEN20230510{n:04d}00320" for n in range(1, 105) if n not in (41, 77, 90)]
    ids += ["AEN20230510004151320", "AEN20230509009900320"]  # a revision's serial counts; another day's does not
    gaps = serial_gaps(ids, date(2023, 5, 10), date(2023, 5, 10))
    assert gaps["text"] == "serials 1-104, 2 missing: 0077, 0090"
    assert gaps["seen"] == 102 and gaps["missing_serials"] == [77, 90]


def test_drift_and_gap_problems(monkeypatch):
    def coverage(feeds: int, missing_share: float = 0.1) -> dict:
        return {"surfaces": {"feeds": {"in_window_this_night": feeds,
                                       "empty_reason": "every read failed: x: http_404"},
                             "listings": {"in_window_this_night": 10}},
                "serials": {"highest": 100, "missing_share": missing_share, "text": "serials 1-100, ..."}}
    assert problems(coverage(0), []) == []  # nothing before: no drift to speak of
    assert problems(coverage(0), [coverage(0)]) == []
    (drift,) = problems(coverage(0), [coverage(12), coverage(0)])
    assert drift.startswith("discovery drift: surface feeds yielded no item in the window (it yielded 12, 0")
    assert "http_404" in drift
    monkeypatch.setenv("WIREDESK_MAX_SERIAL_GAP_SHARE", "0.3")
    (gap,) = problems(coverage(5, 0.31), [coverage(5)])
    assert gap.startswith("serial gaps: serials 1-100") and "more than 30%" in gap


def test_iso_feed_with_a_permalink_guid_and_no_link():
    body = feed(f"<item><guid>//en.yna.co.kr/view/{AID}</guid><title>a</title>"
                f"<pubDate>2025-01-18T08:00:05+09:00</pubDate></item>", built_tag="lastBuildDate")
    (item,) = parse.parse_feed(body, BASE + "/RSS/news.xml", BASE).items
    assert (item.url, item.article_id, item.time_form) == (f"{BASE}/view/{AID}", AID, "iso8601")
