"""AP News discovery parsing (pipelines/sources/apnews/discovery.py, ids.py): every plausible form of AP's
sitemaps, news sitemap and hub pages, read into the SurfaceParse/Sighting shape Yonhap's surfaces use, with
what could not be read reported; and the same parsers against the AP replay over HTTP in every form it
serves."""
from __future__ import annotations

import gzip
import re
import urllib.request
from datetime import datetime, timezone

import pytest

from pipelines.discovery.surfaces import Sighting, SurfaceError, SurfaceParse
from pipelines.sources.apnews import discovery, ids
from pipelines.sources.apnews.replay import APReplaySite, SiteOptions

BASE = "https://apnews.com"
ID1, ID2, ID3 = "3cc842471fb9df42315d658d88c8403a", "151f82b59473d29a448ef1cea9afe471", "0" * 31 + "f"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def urlset(*urls: str, ns: str = NS) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {ns}>{"".join(urls)}</urlset>'.encode()


def news_url(loc: str, published: str, title: str = "A headline") -> str:
    return (f"<url><loc>{loc}</loc><news:news><news:publication><news:name>AP News</news:name>"
            f"<news:language>en</news:language></news:publication><news:publication_date>{published}"
            f"</news:publication_date><news:title>{title}</news:title></news:news></url>")


# --- urls and ids ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("href, expected", [
    (f"https://apnews.com/article/mexico-economy-growth-{ID1}", (f"{BASE}/article/mexico-economy-growth-{ID1}", ID1)),
    (f"http://www.apnews.com/article/mexico-economy-growth-{ID1}?utm_source=x#top",
     (f"{BASE}/article/mexico-economy-growth-{ID1}", ID1)),
    (f"//apnews.com/article/mexico-economy-growth-{ID1}/", (f"{BASE}/article/mexico-economy-growth-{ID1}", ID1)),
    (f"/article/{ID1.upper()}", (f"{BASE}/article/{ID1}", ID1)),
    (f"/{ID1}", (f"{BASE}/article/{ID1}", ID1)),  # AP's own short links
    ("/hub/ap-top-news", None),
    (f"/video/a-look-ahead-{ID1}", None),
    (f"https://example.com/article/x-{ID1}", None),
    (f"https://apnews.com/article/x-{ID1[:31]}", None),
    ("https://apnews.com:bad/article/x", None),
    ("", None),
])
def test_canonicalize(href, expected):
    assert ids.canonicalize(href, BASE) == expected


def test_canonicalize_refuses_other_schemes_on_this_host():
    with pytest.raises(discovery.OffsiteLink):
        ids.canonicalize(f"ftp://apnews.com/article/x-{ID1}", BASE)


def test_canonical_url_of_a_replay_base():
    assert ids.canonicalize(f"/article/x-{ID1}", "http://127.0.0.1:8766") == (
        f"http://127.0.0.1:8766/article/x-{ID1}", ID1)


# --- sitemaps ----------------------------------------------------------------------------------------------

def test_news_sitemap_with_news_tags_in_every_time_form():
    body = urlset(
        news_url(f"{BASE}/article/a-{ID1}", "2024-09-03T04:03:19Z"),
        news_url(f"{BASE}/article/b-{ID2}", "2024-09-03T00:03:19-04:00"),
        news_url(f"/article/c-{ID3}", "2024-09-03T04:03:19"),
        news_url(f"{BASE}/article/d-{'1' * 32}", "2024-09-03"),
        news_url(f"{BASE}/article/e-{'2' * 32}", "Tue, 03 Sep 2024 04:03:19 GMT"),
        news_url(f"{BASE}/article/f-{'3' * 32}", "1725336199000"),
        news_url(f"{BASE}/article/g-{'4' * 32}", "yesterday at noon"),
    )
    result = discovery.parse_news_sitemap(body, f"{BASE}/news-sitemap-content.xml", BASE)
    assert isinstance(result, SurfaceParse) and all(isinstance(s, Sighting) for s in result.items)
    assert (result.surface, result.kind) == ("news_sitemap", "urlset")
    moment = datetime(2024, 9, 3, 4, 3, 19, tzinfo=timezone.utc)
    hints = {s.article_id: (s.time_hint, s.time_form) for s in result.items}
    assert hints[ID1] == hints[ID2][:1] + ("iso8601",) == (moment, "iso8601")
    assert hints[ID3] == (moment, "iso8601_utc_assumed")
    assert hints["1" * 32] == (datetime(2024, 9, 3, tzinfo=timezone.utc), "date")
    assert hints["2" * 32] == (moment, "rfc822") and hints["3" * 32] == (moment, "epoch_ms")
    assert hints["4" * 32] == (None, "none")
    assert any("unreadable date 'yesterday at noon'" in p for p in result.problems)
    assert result.forms() == {"iso8601": 2, "iso8601_utc_assumed": 1, "date": 1, "rfc822": 1, "epoch_ms": 1,
                              "none": 1}
    assert [s.position for s in result.items] == list(range(1, 8))
    assert result.items[2].url == f"{BASE}/article/c-{ID3}"  # a relative loc


def test_sitemap_with_lastmod_only_says_so():
    body = urlset(f"<url><loc>{BASE}/article/a-{ID1}</loc><lastmod>2024-09-03T13:11:33Z</lastmod></url>",
                  f"<url><loc>{BASE}/article/b-{ID2}</loc></url>", ns='xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"')
    result = discovery.parse_sitemap(body, f"{BASE}/sitemap/x.xml", BASE)
    assert [(s.article_id, s.time_form) for s in result.items] == [(ID1, "lastmod_iso8601"), (ID2, "none")]


def test_sitemap_without_namespace_and_with_other_urls():
    body = (b"<urlset><url><loc>https://apnews.com/hub/politics</loc></url>"
            b"<url><loc>https://apnews.com/video/clip-" + ID1.encode() + b"</loc></url>"
            b"<url><loc>https://example.org/article/x-" + ID1.encode() + b"</loc></url>"
            b"<url><loc>https://apnews.com/article/a-" + ID2.encode() + b"</loc></url>"
            b"<url><loc>https://apnews.com/article/another-slug-" + ID2.encode() + b"</loc></url>"
            b"<url><loc>ftp://apnews.com/article/a-" + ID3.encode() + b"</loc></url><url></url></urlset>")
    result = discovery.parse_sitemap(body, f"{BASE}/sitemap.xml", BASE)
    assert [s.article_id for s in result.items] == [ID2]
    assert result.ignored == {"hub": 1, "video": 1, "offsite": 1}
    assert result.refused and result.refused[0][1] == "refused_scheme: ftp"
    text = " | ".join(result.problems)
    assert "named again (another slug?)" in text and "3 urls are no articles" in text and "no <loc>" in text


def test_sitemap_index_newest_first_skipping_hubs_and_videos_as_fundus_does():
    body = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            b"<sitemap><loc>https://apnews.com/ap-sitemap-202407.xml</loc><lastmod>2024-07-31T10:00:00Z</lastmod></sitemap>"
            b"<sitemap><loc>https://apnews.com/ap-sitemap-202409.xml</loc><lastmod>2024-09-03T10:00:00Z</lastmod></sitemap>"
            b"<sitemap><loc>/ap-sitemap-202408.xml</loc><lastmod>2024-08-31</lastmod></sitemap>"
            b"<sitemap><loc>https://apnews.com/hub/sitemap.xml</loc></sitemap>"
            b"<sitemap><loc>https://apnews.com/video/sitemap-1.xml</loc></sitemap>"
            b"<sitemap><loc>https://evil.example/sitemap.xml</loc></sitemap></sitemapindex>")
    result = discovery.parse_sitemap(body, f"{BASE}/sitemap.xml", BASE)
    assert result.kind == "sitemapindex" and not result.items
    assert result.child_urls == [f"{BASE}/ap-sitemap-202409.xml", f"{BASE}/ap-sitemap-202408.xml",
                                 f"{BASE}/ap-sitemap-202407.xml"]
    fundus_filter = re.compile("apnews.com/hub/|apnews.com/video/")  # Fundus's sitemap_filter for AP
    assert result.skipped_children == [u for u in (f"{BASE}/hub/sitemap.xml", f"{BASE}/video/sitemap-1.xml")
                                       if fundus_filter.search(u)]
    assert any("offsite sitemap" in p for p in result.problems)
    assert result.child_times[f"{BASE}/ap-sitemap-202409.xml"] == datetime(2024, 9, 3, 10, tzinfo=timezone.utc)


def test_sitemap_index_without_lastmod_is_read_in_reverse():
    body = (b"<sitemapindex><sitemap><loc>https://apnews.com/a.xml</loc></sitemap>"
            b"<sitemap><loc>https://apnews.com/b.xml</loc></sitemap></sitemapindex>")
    assert discovery.parse_sitemap(body, f"{BASE}/sitemap.xml", BASE).child_urls == [f"{BASE}/b.xml", f"{BASE}/a.xml"]


def test_gzip_sitemaps_and_bombs(monkeypatch):
    plain = urlset(news_url(f"{BASE}/article/a-{ID1}", "2024-09-03T04:03:19Z"))
    assert [s.article_id for s in discovery.parse_sitemap(gzip.compress(plain), "u", BASE).items] == [ID1]
    monkeypatch.setattr(discovery, "MAX_SITEMAP_BYTES", 64 * 1024)  # the cap is the protocol's 50 MB
    bomb = gzip.compress(b"<urlset>" + b" " * (discovery.MAX_SITEMAP_BYTES + 10) + b"</urlset>")
    with pytest.raises(SurfaceError, match="unreadable_gzip: too_large"):
        discovery.parse_sitemap(bomb, "u", BASE)
    with pytest.raises(SurfaceError, match="unreadable_gzip"):
        discovery.parse_sitemap(gzip.compress(plain)[:40], "u", BASE)


def test_broken_and_hostile_xml():
    broken = urlset(news_url(f"{BASE}/article/a-{ID1}", "2024-09-03T04:03:19Z")) + b"<url><loc>unclosed"
    result = discovery.parse_sitemap(broken, "u", BASE)
    assert [s.article_id for s in result.items] == [ID1] and "recovery" in result.problems[0]
    entities = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
                b'<!ENTITY c "&b;&b;&b;&b;&b;&b;">]><urlset><url><loc>https://apnews.com/article/x-' + ID1.encode()
                + b"&c;</loc></url></urlset>")
    result = discovery.parse_sitemap(entities, "u", BASE)  # entities are never expanded
    assert all("aaaaaaaaaa" not in s.url for s in result.items)
    for body, reason in ((b"", "empty"), (b"<html><body>not a sitemap</body></html>", "unknown sitemap root"),
                         (b"\x00\x01garbage", "unparseable_sitemap")):
        with pytest.raises(SurfaceError, match=reason):
            discovery.parse_sitemap(body, "u", BASE)


def test_empty_urlset_is_reported():
    result = discovery.parse_sitemap(urlset(), "u", BASE)
    assert result.items == [] and result.problems == ["the sitemap names no url"]


# --- hubs --------------------------------------------------------------------------------------------------

def test_hub_cards_in_both_generations_and_other_forms():
    html = f"""<html><body><header><a href="/hub/us-news">U.S.</a><a href="/video/x-{ID3}">video</a></header>
    <div class="PageList-items-item"><div class="PagePromo">
      <a href="https://apnews.com/article/a-{ID1}?utm_source=hub"><img></a>
      <div class="PagePromo-title"><a href="https://apnews.com/article/a-{ID1}">One</a></div>
      <bsp-timestamp data-timestamp="1725369093000"></bsp-timestamp></div></div>
    <div class="FeedCard"><a data-key="card-headline" href="/article/b-{ID2}"><h2>Two</h2></a>
      <span class="Timestamp" data-source="2024-09-03T04:03:19Z">Sept. 3</span></div>
    <ul><li><a href="//apnews.com/article/c-{'1' * 32}">Three</a><time datetime="2024-09-02">Sept. 2</time></li>
        <li><a href="/article/d-{'2' * 32}">Four</a><time datetime="sometime soon">?</time></li></ul>
    <p><a href="/article/e-{'3' * 32}">Five, no card</a></p>
    <script type="application/ld+json">{{"@type": "ItemList", "itemListElement": [
      {{"@type": "ListItem", "position": 1, "url": "https://apnews.com/article/f-{'4' * 32}"}}]}}</script>
    </body></html>"""
    result = discovery.parse_hub(html.encode(), f"{BASE}/hub/ap-top-news", BASE)
    assert (result.surface, result.kind) == ("hubs", "hub")
    got = [(s.article_id, s.time_form, s.position) for s in result.items]
    assert got == [(ID1, "epoch_ms", 1), (ID2, "iso8601", 2), ("1" * 32, "date", 3), ("2" * 32, "none", 4),
                   ("3" * 32, "none", 5), ("4" * 32, "none", 6)]
    assert result.items[0].time_hint == datetime(2024, 9, 3, 13, 11, 33, tzinfo=timezone.utc)
    assert result.items[0].url == f"{BASE}/article/a-{ID1}"
    assert any("unreadable time" in p for p in result.problems)
    assert result.ignored["hub"] == 1 and result.ignored["video"] == 1


def test_hub_without_articles_and_unreadable_hub():
    result = discovery.parse_hub(b"<html><body><a href='/hub/x'>x</a></body></html>", f"{BASE}/hub/x", BASE)
    assert result.items == [] and result.problems == ["no link to an article on the hub page"]
    with pytest.raises(SurfaceError):
        discovery.parse_hub(b"   ", f"{BASE}/hub/x", BASE)


def test_one_sighting_per_article_across_surfaces():
    late = datetime(2024, 9, 3, 13, tzinfo=timezone.utc)
    early = datetime(2024, 9, 3, 4, tzinfo=timezone.utc)
    sitemap = SurfaceParse("sitemap", "u", items=[Sighting(f"{BASE}/article/old-slug-{ID1}", ID1, "sitemap", late,
                                                           "lastmod_iso8601", 1)])
    news = SurfaceParse("news_sitemap", "u", items=[Sighting(f"{BASE}/article/new-slug-{ID1}", ID1, "news_sitemap",
                                                             early, "iso8601", 1)])
    hub = SurfaceParse("hubs", "u", items=[Sighting(f"{BASE}/article/x-{ID2}", ID2, "hubs", None, "none", 1)])
    chosen = discovery.by_article([sitemap, hub, news])
    assert chosen[ID1].surface == "news_sitemap" and chosen[ID1].time_hint == early
    assert chosen[ID2].surface == "hubs" and len(chosen) == 2


def test_robots_names_the_sitemaps():
    robots = b"User-agent: *\nDisallow: /search\nSitemap: https://apnews.com/sitemap.xml\n" \
             b"Sitemap: https://apnews.com/news-sitemap-content.xml\nSitemap: https://other.example/s.xml\n"
    assert discovery.sitemaps_named(robots, BASE) == [f"{BASE}/sitemap.xml", f"{BASE}/news-sitemap-content.xml"]


# --- against the replay, over HTTP -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site():
    replay = APReplaySite().start()
    yield replay
    replay.stop()


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def _read_sitemaps(site, start: str) -> list[Sighting]:
    """Follow an index as a crawler would (children newest first) and gather every sighting."""
    found, queue = [], [site.base_url + start]
    while queue:
        url = queue.pop(0)
        result = discovery.parse_sitemap(_get(url), url, site.base_url)
        queue += result.child_urls
        found += result.items
    return found


OPTION_SETS = [
    {},
    {"sitemap_form": "urlset", "time_form": "offset", "link_form": "relative", "link_query": True},
    {"index_lastmod": False, "time_form": "naive", "link_form": "protocol_relative", "sitemap_gzip": True},
    {"news_tags": False, "time_form": "date", "generation": "react2023"},
]


@pytest.mark.parametrize("options", OPTION_SETS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "defaults")
def test_replay_surfaces_name_every_visible_article(site, options):
    site.options = SiteOptions(**options)
    site.now = datetime(2024, 5, 15, 20, 0, tzinfo=timezone.utc)
    try:
        visible = {a.article_id for a, _ in site.visible()}
        assert 0 < len(visible) < len(site.articles)  # the clock hides what is published later
        sitemap = _read_sitemaps(site, "/sitemap.xml")
        assert {s.article_id for s in sitemap} == visible and len(sitemap) == len(visible)
        assert all(s.url.startswith(site.base_url + "/article/") and "?" not in s.url for s in sitemap)
        news = _read_sitemaps(site, "/news-sitemap-content.xml")
        recent = {a.article_id for a, _ in site.visible() if a.published >= site.now.replace(day=13, hour=20)}
        assert {s.article_id for s in news} == recent
        expected_form = {"z": "iso8601", "offset": "iso8601", "naive": "iso8601_utc_assumed", "date": "date"}[
            site.options.time_form]
        prefix = "" if site.options.news_tags else "lastmod_"
        assert {s.time_form for s in news} == {prefix + expected_form}
        hubbed = set()
        for topic in ("ap-top-news", "us-news", "world-news", "politics", "business", "sports", "health"):
            url = f"{site.base_url}/hub/{topic}"
            result = discovery.parse_hub(_get(url), url, site.base_url)
            hubbed |= {s.article_id for s in result.items}
            assert all(s.time_hint is not None and s.time_hint <= site.now for s in result.items)
        assert hubbed == visible
        for sighting in sitemap:  # every named url answers (an old slug redirects to the current one)
            assert b"(AP)" in _get(sighting.url)
    finally:
        site.options, site.now = SiteOptions(), None
