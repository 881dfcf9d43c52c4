"""The replay site: ground truth of the written nights, endpoints, page layout, faults, generated nights."""
from __future__ import annotations

import http.client
import re
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zlib
from collections import Counter
from datetime import date, datetime, timedelta

import lxml.html
import pytest

from replay import ReplaySite, SiteOptions, all_articles, generate_night, nights
from replay.model import ARTICLE_ID_RE, KST
from replay.surfaces import CHANNELS, js_date
from replay.render import shown_time

ID_RE = re.compile(r"^AEN\d{17}$")


@pytest.fixture(scope="module")
def site():
    with ReplaySite() as s:
        yield s


@pytest.fixture(autouse=True)
def _clean(request):
    yield
    if "site" in request.fixturenames:
        s = request.getfixturevalue("site")
        s.clear_faults()
        s._version.clear()
        s.options = SiteOptions()


def get(site, path, timeout=10):
    with urllib.request.urlopen(site.base_url + path, timeout=timeout) as resp:
        return resp.status, dict(resp.headers), resp.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# --- ground truth of the written nights ---------------------------------------------------------------

def by_id():
    return {a.article_id: a for a in all_articles()}


def test_three_written_nights_with_well_formed_articles():
    ns = nights()
    assert [n.date for n in ns] == [date(2023, 5, 9), date(2023, 5, 10), date(2023, 5, 11)]
    for n in ns:
        assert 12 <= len(n.articles) <= 25
        for a in n.articles:
            assert ID_RE.match(a.article_id)
            assert a.published.date() == n.date and a.published.utcoffset() == timedelta(hours=9)
            assert a.modified >= a.published
            assert a.title == (f"({a.label}) {a.headline}" if a.label else a.headline)
            assert a.paragraphs[0].startswith(a.dateline) and "(Yonhap) -- " in a.dateline
            assert (len(a.paragraphs) == 1) if a.label == "URGENT" else (4 <= len(a.paragraphs) <= 15)
            assert a.attn is None or (a.attn.startswith("(ATTN: ") and a.attn.endswith(")"))
    ids = [a.article_id for a in all_articles()]
    assert len(ids) == len(set(ids))


def test_revision_chains_and_tricky_cases_are_present():
    arts = by_id()
    chip = [arts[f"AEN202305090038{v}320"] for v in ("00", "51", "52")]
    assert [a.label for a in chip] == ["", "LEAD", "2nd LD"] and len({a.story_key for a in chip}) == 1
    assert chip[1].attn == "(ATTN: UPDATES with more remarks from press conference from 9th para; ADDS photo)"
    assert set(chip[0].paragraphs[1:]) < set(chip[1].paragraphs) and len(chip[2].paragraphs) > len(chip[1].paragraphs)
    # crossing midnight: original 23:40 May 9, LEAD 00:25 May 10 under the May 9 id
    orig, lead = arts["AEN20230509009000325"], arts["AEN20230509009051325"]
    assert (orig.published.hour, orig.published.minute) == (23, 40)
    assert lead.published.date() == date(2023, 5, 10) and lead.story_key == orig.story_key
    # URGENT in the lineage, and URGENT under its own serial
    assert arts["AEN20230510002100325"].label == "URGENT"
    assert arts["AEN20230510002151325"].story_key == "nk-missile-0510"
    flash, full = arts["AEN20230510002700320"], arts["AEN20230510002900320"]
    assert flash.label == "URGENT" and flash.serial != full.serial and flash.story_key == full.story_key
    # headline recast
    ship0, ship1 = arts["AEN20230511002600320"], arts["AEN20230511002651320"]
    assert ship1.attn == "(ATTN: RECASTS headline, lead; ADDS more info)"
    assert not set(ship0.headline.lower().split()) & set(ship1.headline.lower().split()) - {"to", "in", "on", "as", "for"}
    # label disagrees with version digits
    odd = arts["AEN20230511003552315"]
    assert odd.label == "3rd LD" and odd.version_digits == "52"
    # in-place edit
    edited = arts["AEN20230510004400315"]
    old, new = edited.states()
    assert old.modified < new.modified and old.paragraphs != new.paragraphs and old.title != new.title


def test_look_alike_stories_are_different_stories():
    arts = all_articles()
    lists = [a for a in arts if a.headline.startswith("KOSPI 200 Closing Price List-")]
    assert len(lists) == 6 and len({a.story_key for a in lists}) == 6
    covid = [a for a in arts if a.headline == "S. Korea's daily COVID-19 cases stay in 10,000s"]
    assert len({a.published.date() for a in covid}) == 2 and len({a.story_key for a in covid}) == 2
    (summary,) = [a for a in arts if a.headline == "Yonhap News Summary"]
    others = [a for a in arts if a is not summary and a.paragraphs[0] in summary.paragraphs]
    assert len(others) >= 3 and all(o.story_key != summary.story_key for o in others)
    keys = {a.story_key for a in arts}
    assert {"current-account-march", "finmin-ca-outlook", "nk-slams-air-drills", "nk-kim-air-unit"} <= keys


# --- endpoints ---------------------------------------------------------------------------------------

def test_robots(site):
    status, headers, body = get(site, "/robots.txt")
    text = body.decode()
    assert status == 200 and "User-agent: *" in text
    assert "Disallow: /search" in text and "Disallow: /private/" in text
    assert f"Sitemap: {site.base_url}/news-sitemap.xml" in text.splitlines()


def listing_items(body: bytes) -> list[tuple[str, str, str | None]]:
    """(href, title, span.date text or None) of each item, in the English site's list markup."""
    doc = lxml.html.fromstring(body)
    items = []
    for article in doc.cssselect("div.smain-list-type01 > ul > li > article"):
        (link,) = article.cssselect("div.txt-con > h2.tit > a")
        assert article.cssselect("figure.img-cover > a")[0].get("href") == link.get("href")
        assert article.cssselect("span.lead")[0].text_content()
        date = article.cssselect("span.date")
        items.append((link.get("href"), link.text_content(), date[0].text_content() if date else None))
    return items


def test_listing_pages_by_path_cover_every_article_once_newest_first(site):
    seen, page = [], 1
    while True:
        status, _, body = get(site, "/news" if page == 1 else f"/news/{page}")
        assert status == 200
        items = listing_items(body)
        if not items:
            break
        seen.extend(items)
        page += 1
        assert page < 50
    truth = sorted(all_articles(), key=lambda a: (a.published, a.article_id), reverse=True)
    assert [h for h, _, _ in seen] == [f"/view/{a.article_id}" for a in truth]
    assert [t for _, t, _ in seen] == [a.title for a in truth]
    assert all(d == "" for _, _, d in seen)  # the server html: the site's script writes the time later
    assert body.count(b'class="smain-list-type01"') == 1  # one list per page; pages are reached by path
    # robots-disallowed links are on offer, for the crawler to ignore
    assert b'href="/search?query=' in body and b'href="/private/' in body


def test_listing_date_forms_and_section_lists(site):
    site.options = SiteOptions(listing_dates="js")
    items = listing_items(get(site, "/news")[2])
    newest = sorted(all_articles(), key=lambda a: (a.published, a.article_id), reverse=True)
    assert [d for _, _, d in items] == [js_date(a.published) for a in newest[:20]]
    assert items[0][2] == "22:15 May 11" and js_date(datetime(2023, 9, 25, 15, 46, tzinfo=KST)) == "15:46 Sept. 25"
    site.options = SiteOptions(listing_dates="absent")
    assert all(d is None for _, _, d in listing_items(get(site, "/news/2")[2]))
    nk = [a for a in newest if a.section == "North Korea"]
    assert [h for h, _, _ in listing_items(get(site, "/nk/index")[2])] == [f"/view/{a.article_id}" for a in nk]
    politics = [a for a in newest if a.section == "Politics"]
    assert [h for h, _, _ in listing_items(get(site, "/national/politics")[2])] == \
        [f"/view/{a.article_id}" for a in politics]
    site.options = SiteOptions().only("feeds")
    with pytest.raises(urllib.error.HTTPError) as err:
        get(site, "/news")
    assert err.value.code == 404


def test_article_pages_match_ground_truth(site):
    sizes = []
    for a in all_articles():
        status, headers, body = get(site, f"/view/{a.article_id}")
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        sizes.append(len(body))
        doc = lxml.html.fromstring(body)
        meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.cssselect("meta")}
        assert doc.cssselect("link[rel=canonical]")[0].get("href") == f"https://en.yna.co.kr/view/{a.article_id}"
        assert meta["og:title"] == f"{a.title} | Yonhap News Agency"
        assert meta["yna:content_id"] == a.article_id and meta["article:section"] == a.section
        assert meta["article:published_time"] == a.published.isoformat().replace("+09:00", "") + "+09:00"
        assert meta["article:modified_time"].endswith("+09:00")
        assert doc.cssselect("header.title-article01 h1.tit")[0].text_content() == a.title
        assert shown_time(a.published) in doc.cssselect("div.info-con span.txt")[0].text_content()
        (story,) = doc.cssselect("article.story-news")
        ps = [p.text_content().strip() for p in story.xpath("./p")]
        if a.attn or a.byline:
            assert ps[0] == (a.attn or "") + (f"By {a.byline}" if a.byline else "")
            ps = ps[1:]
        assert ps[:-1] == [p.replace("\n", "") for p in a.paragraphs]
        assert ps[-1] == (f"{a.email}(END)" if a.email else "(END)")
        assert [c.text_content() for c in story.cssselect("div.comp-box.photo-group figure figcaption p.txt-desc")] \
            == a.captions
        assert [i.get("alt") for i in story.cssselect("div.comp-box.photo-group img")] == a.captions
        assert [(x.text_content(), x.get("href")) for x in story.cssselect("div.related-group a")] == a.related
        for marker in (b"Send Feedback", b"How can we improve?", b"Thanks for your feedback!", b"Go to Contents",
                       b"Copyright (c) Yonhap News Agency", b"Latest News", b'class="keyword-zone01"'):
            assert marker in body
    assert 50_000 <= sum(sizes) / len(sizes) <= 100_000 and max(sizes) < 150_000


def test_unknown_pages_are_404(site):
    for path in ("/view/AEN20230509999900320", "/nowhere"):
        with pytest.raises(urllib.error.HTTPError) as err:
            get(site, path)
        assert err.value.code == 404


def test_rss_channels_in_the_generators_raw_form(site):
    newest = sorted(all_articles(), key=lambda a: (a.published, a.article_id), reverse=True)
    _, headers, body = get(site, "/RSS/news.xml")
    channel = ET.fromstring(body).find("channel")
    items = channel.findall("item")
    assert [i.findtext("id") for i in items] == [a.article_id for a in newest]
    assert [i.findtext("link") for i in items] == \
        [f"{site.base_url}/view/{a.article_id}?section=news&input=rss" for a in newest]
    assert [i.findtext("pubDate") for i in items] == [a.published.strftime("%Y%m%d%H%M%S") for a in newest]
    assert all(i.find("guid") is None for i in items) and channel.findtext("lastBuilldDate")
    assert items[0].findtext("title") == newest[0].title
    for name, sections in CHANNELS.items():
        _, _, body = get(site, f"/RSS/{name}.xml")
        ids = [i.findtext("id") for i in ET.fromstring(body).findall("./channel/item")]
        assert ids == [a.article_id for a in newest if sections is None or a.section in sections] and ids, name


def test_rss_variants_and_the_latest_items_as_of_now(site):
    site.options = SiteOptions(feed_form="rfc822", link_form="protocol_relative", feed_link_query=False)
    items = ET.fromstring(get(site, "/RSS/news.xml")[2]).findall("./channel/item")
    assert all(i.findtext("pubDate").endswith("+0900") and ID_RE.match(i.findtext("guid")) for i in items)
    assert items[0].findtext("link") == f"//127.0.0.1:{site.port}/view/{items[0].findtext('guid')}"
    site.options = SiteOptions(feed_form="iso8601")
    items = ET.fromstring(get(site, "/RSS/news.xml")[2]).findall("./channel/item")
    assert all(i.findtext("pubDate").endswith("+09:00") for i in items)
    # a feed holds the latest `feed_items` published by `now`: it rolls over during the day
    now = datetime(2023, 5, 10, 12, 0, tzinfo=KST)
    site.options = SiteOptions(feed_items=5, now=now)
    items = ET.fromstring(get(site, "/RSS/news.xml")[2]).findall("./channel/item")
    expected = sorted((a for a in all_articles() if a.published <= now), key=lambda a: (a.published, a.article_id),
                      reverse=True)[:5]
    assert [i.findtext("id") for i in items] == [a.article_id for a in expected]


def test_news_sitemap_as_urlset_and_as_index(site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}
    _, _, body = get(site, "/news-sitemap.xml")
    urls = ET.fromstring(body).findall("s:url", ns)
    newest = max(a.published for a in all_articles())
    expected = {a.article_id for a in all_articles() if a.published >= newest + timedelta(minutes=1) - timedelta(hours=48)}
    assert {u.findtext("s:loc", namespaces=ns).rsplit("/", 1)[1] for u in urls} == expected
    assert {a.article_id for a in nights()[1].articles} <= expected  # a whole night
    assert all(u.findtext("s:loc", namespaces=ns).startswith(site.base_url + "/view/") for u in urls)
    assert all(u.findtext("news:news/news:publication_date", namespaces=ns).endswith("+09:00") for u in urls)
    assert all(u.findtext("news:news/news:title", namespaces=ns) for u in urls)
    site.options = SiteOptions(sitemap_form="index")
    index = ET.fromstring(get(site, "/news-sitemap.xml")[2])
    children = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert index.tag.endswith("sitemapindex") and len(children) == 2
    named = set()
    for child in children:
        named |= {u.findtext("s:loc", namespaces=ns).rsplit("/", 1)[1]
                  for u in ET.fromstring(get(site, child.replace(site.base_url, ""))[2]).findall("s:url", ns)}
    assert named == expected


def test_home_links_news_and_articles(site):
    _, _, body = get(site, "/")
    hrefs = lxml.html.fromstring(body).xpath("//a/@href")
    assert "/news" in hrefs and any(ID_RE.match(h.rsplit("/", 1)[-1]) for h in hrefs if h.startswith("/view/"))


def test_set_version_switches_in_place_edit(site):
    aid = "AEN20230510004400315"
    old, new = by_id()[aid].states()
    _, _, latest = get(site, f"/view/{aid}")
    assert new.modified.isoformat().encode() in latest and new.paragraphs[-1].encode() in latest
    site.set_version(aid, 0)
    _, _, first = get(site, f"/view/{aid}")
    assert old.modified.isoformat().encode() in first and new.paragraphs[-1].encode() not in first
    assert old.title.encode() in first
    site.set_version(aid, None)
    assert get(site, f"/view/{aid}")[2] == latest


# --- faults ------------------------------------------------------------------------------------------

AID = "AEN20230509004600320"


def test_503_and_429_with_retry_after_then_ok(site):
    site.add_fault(AID, "503", times=2, retry_after=3)
    site.add_fault("/news/2$", "429", times=1)
    for _ in range(2):
        with pytest.raises(urllib.error.HTTPError) as err:
            get(site, f"/view/{AID}")
        assert err.value.code == 503 and err.value.headers["Retry-After"] == "3"
    assert get(site, f"/view/{AID}")[0] == 200
    with pytest.raises(urllib.error.HTTPError) as err:
        get(site, "/news/2")
    assert err.value.code == 429 and err.value.headers["Retry-After"] == "1"
    assert get(site, "/news/2")[0] == 200
    assert [s for _, p, s in site.requests if p == f"/view/{AID}"][-3:] == [503, 503, 200]


def test_404_and_redirect_faults(site):
    site.add_fault(AID, "404", times=1)
    with pytest.raises(urllib.error.HTTPError) as err:
        get(site, f"/view/{AID}")
    assert err.value.code == 404
    opener = urllib.request.build_opener(_NoRedirect)
    for kind, location in (("redirect_offhost", "http://169.254.169.254/latest/meta-data/"),
                           ("redirect_private", "http://10.0.0.1/view/x")):
        site.clear_faults()
        site.add_fault(AID, kind)
        with pytest.raises(urllib.error.HTTPError) as err:
            opener.open(site.base_url + f"/view/{AID}", timeout=5)
        assert err.value.code == 302 and err.value.headers["Location"] == location


def test_reset_and_truncate_raise(site):
    site.add_fault(AID, "reset", times=1)
    with pytest.raises((ConnectionError, http.client.HTTPException, urllib.error.URLError)):
        get(site, f"/view/{AID}")
    assert site.requests[-1] == ("GET", f"/view/{AID}", 0)
    site.add_fault(AID, "truncate", times=1)
    with pytest.raises(http.client.IncompleteRead):
        get(site, f"/view/{AID}")
    assert get(site, f"/view/{AID}")[0] == 200


def test_slow_fault_does_not_block_other_requests(site):
    site.add_fault(AID, "slow", delay=2)
    results = {}
    slow = threading.Thread(target=lambda: results.setdefault("slow", get(site, f"/view/{AID}")[0]))
    began = time.monotonic()
    slow.start()
    time.sleep(0.1)
    assert get(site, "/robots.txt")[0] == 200
    assert time.monotonic() - began < 1
    slow.join(5)
    assert results["slow"] == 200 and time.monotonic() - began >= 2


def test_oversize_and_gzip_bomb(site):
    site.add_fault(AID, "oversize", size_mb=2)
    status, headers, body = get(site, f"/view/{AID}")
    assert len(body) == 2 * 1024 * 1024 == int(headers["Content-Length"]) and body.rstrip().endswith(b"</html>")
    site.clear_faults()
    site.add_fault(AID, "gzip_bomb")
    status, headers, body = get(site, f"/view/{AID}")
    assert headers["Content-Encoding"] == "gzip" and len(body) < 2 * 1024 * 1024
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    inflated = len(inflater.decompress(body, 64 * 1024 * 1024))
    assert inflated == 64 * 1024 * 1024 and inflater.unconsumed_tail  # and far more to come (~1 GiB)


def test_broken_layout_and_clear_faults(site):
    site.add_fault(r"/view/", "broken_layout")
    status, _, body = get(site, f"/view/{AID}")
    doc = lxml.html.fromstring(body)
    assert status == 200 and not doc.cssselect("header.title-article01") and not doc.cssselect("article")
    assert by_id()[AID].paragraphs[1].encode() in body
    site.clear_faults()
    assert lxml.html.fromstring(get(site, f"/view/{AID}")[2]).cssselect("article.story-news")


def test_stop_is_prompt_with_a_slow_request_in_flight():
    s = ReplaySite().start()
    s.add_fault(".", "slow", delay=30)
    t = threading.Thread(target=lambda: _ignore_errors(get, s, "/robots.txt", 40), daemon=True)
    t.start()
    time.sleep(0.2)
    began = time.monotonic()
    s.stop()
    assert time.monotonic() - began < 2


def _ignore_errors(fn, *args):
    try:
        fn(*args)
    except Exception:
        pass


# --- generated nights --------------------------------------------------------------------------------

def test_generated_night_builds_fast_and_serves_like_written_ones():
    began = time.monotonic()
    night = generate_night(date(2023, 6, 1), 1000, seed=1)
    assert time.monotonic() - began < 5
    assert len(night.articles) == 1000 and len({a.article_id for a in night.articles}) == 1000
    assert all(a.published.date() == night.date and 4 <= len(a.paragraphs) <= 15 for a in night.articles)
    chains = Counter(ARTICLE_ID_RE.match(a.article_id).group(2) for a in night.articles)
    assert max(chains.values()) <= 4 and any(n > 1 for n in chains.values())
    assert generate_night(date(2023, 6, 1), 1000, seed=1).articles == night.articles  # deterministic
    with ReplaySite(nights=[night]) as s:
        sizes = [len(get(s, f"/view/{a.article_id}")[2]) for a in night.articles[::20]]
        assert 50_000 <= sum(sizes) / len(sizes) <= 100_000
        assert len(listing_items(get(s, "/news/50")[2])) == 20 and listing_items(get(s, "/news/51")[2]) == []
