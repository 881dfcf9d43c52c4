"""The spider finds a whole night through any one surface, in any of the evidence's forms, each article once."""
from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, datetime

import pytest

from pipelines.crawl import discovery_manifest, read_manifest, run_spider
from pipelines.intervals import KST, night_window
from replay import SiteOptions

NIGHT = date(2023, 5, 10)
CROSSING_ORIGINAL = "AEN20230509009000325"  # 23:40 May 9: the page below the night in the listing


def night_ids(night: date = NIGHT) -> set[str]:
    from replay.stories import nights

    start, end = night_window(night)
    return {a.article_id for n in nights() for a in n.articles if start <= a.published < end}


def crawl(env, tmp_path, options: SiteOptions, night: date = NIGHT, **spider_args):
    env["site"].options = options
    start, end = night_window(night)
    manifest = tmp_path / f"manifest-{len(list(tmp_path.iterdir()))}.jsonl"
    run_spider("yonhap", start, end, manifest, spider_args=spider_args or None)
    pages, failures = read_manifest(manifest)
    reads = [json.loads(line) for line in discovery_manifest(manifest).read_text().splitlines()]
    return pages, failures, reads


def article_requests(site) -> Counter:
    return Counter(path for _, path, _ in site.requests if path.startswith("/view/"))


SINGLE_SURFACE_FORMS = {
    "listings, no time in the server html, short pages": SiteOptions(listing_dates="empty", page_size=6).only(
        "listings"),
    "listings, time as the script writes it": SiteOptions(listing_dates="js").only("listings"),
    "feeds, generator raw form": SiteOptions(feed_form="raw").only("feeds"),
    "feeds, rfc 822, guid, protocol-relative": SiteOptions(feed_form="rfc822", link_form="protocol_relative",
                                                           feed_link_query=False).only("feeds"),
    "sitemap urlset named by robots": SiteOptions().only("sitemap"),
    "sitemap index, no robots line, protocol-relative": SiteOptions(
        sitemap_form="index", robots_sitemap_line=False, link_form="protocol_relative").only("sitemap"),
}


@pytest.mark.parametrize("options", SINGLE_SURFACE_FORMS.values(), ids=SINGLE_SURFACE_FORMS.keys())
def test_one_surface_alone_finds_the_whole_night_once(pipeline_env, tmp_path, options):
    site = pipeline_env["site"]
    pages, failures, reads = crawl(pipeline_env, tmp_path, options)
    fetched = [p["article_id"] for p in pages]
    expected = night_ids()
    assert expected <= set(fetched), expected - set(fetched)
    assert len(fetched) == len(set(fetched))  # each once
    assert all(count == 1 for count in article_requests(site).values())
    assert all(re.fullmatch(re.escape(site.base_url) + r"/view/AEN\d{17}", p["url"]) for p in pages)  # canonical
    extra = set(fetched) - expected
    if options.surfaces == {"listings"} and options.listing_dates != "js":
        # no time anywhere: one page below the night is fetched to learn where the night ends
        assert extra == {CROSSING_ORIGINAL}
    else:
        assert extra == set()
    # the switched-off surfaces are recorded with their url and reason, never a silent zero
    off = {r["surface"] for r in reads if r["reason"]}
    assert off == {"listings", "feeds", "sitemap"} - options.surfaces
    assert all(r["reason"] == "http_404" for r in reads if r["reason"])
    assert {f["url"] for f in failures} == {r["url"] for r in reads if r["reason"]}


def test_all_surfaces_together_fetch_each_article_once_and_listings_come_last(pipeline_env, tmp_path):
    site = pipeline_env["site"]
    pages, failures, reads = crawl(pipeline_env, tmp_path, SiteOptions(link_form="protocol_relative"))
    assert failures == [] and sorted(p["article_id"] for p in pages) == sorted(night_ids())
    assert all(count == 1 for count in article_requests(site).values())
    paths = [path for _, path, _ in site.requests]
    assert paths.index("/news") > max(paths.index("/RSS/news.xml"), paths.index("/news-sitemap.xml"))
    by_surface = Counter(r["surface"] for r in reads)
    assert by_surface == {"feeds": 7, "robots": 1, "sitemap": 1, "listings": 3}
    # the listings' own candidates were all known from the feeds: nothing outside the night was fetched
    assert CROSSING_ORIGINAL not in {p["article_id"] for p in pages}
    assert all(re.match(r"^/(robots\.txt|news(/\d+)?|RSS/[a-z-]+\.xml|news-sitemap\.xml|view/AEN\d{17})$", p)
               for p in paths), paths


def test_feed_that_misses_part_of_the_night_is_completed_by_the_frontier(pipeline_env, tmp_path):
    """The feed as of 01:30 the next morning holds only its latest items; a frontier file adds the rest."""
    from replay.stories import nights

    articles = [a for n in nights() for a in n.articles if a.published.date() == NIGHT]
    options = SiteOptions(feed_items=3, now=datetime(2023, 5, 11, 1, 30, tzinfo=KST)).only("feeds")
    pages, _, _ = crawl(pipeline_env, tmp_path, options)
    assert {p["article_id"] for p in pages} < night_ids()  # the feed rolled over: part of the night is missing
    frontier = tmp_path / "frontier.jsonl"
    frontier.write_text("".join(json.dumps({"url": f"{pipeline_env['site'].base_url}/view/{a.article_id}",
                                            "article_id": a.article_id, "time_hint": a.published.isoformat()}) + "\n"
                                for a in articles))
    pages, _, _ = crawl(pipeline_env, tmp_path, options, frontier=str(frontier))
    assert sorted(p["article_id"] for p in pages) == sorted(night_ids())


def test_a_robots_disallowed_surface_is_reported_not_dropped(pipeline_env, tmp_path, monkeypatch):
    import replay.surfaces

    original = replay.surfaces.robots_txt
    monkeypatch.setattr(replay.surfaces, "robots_txt",
                        lambda base, line: original(base, line) .replace("Disallow: /search", "Disallow: /RSS/"))
    pages, failures, reads = crawl(pipeline_env, tmp_path, SiteOptions())
    assert sorted(p["article_id"] for p in pages) == sorted(night_ids())  # sitemap and listings still do
    feeds = [r for r in reads if r["surface"] == "feeds"]
    assert len(feeds) == 7 and all(r["reason"] == "robots_disallowed" for r in feeds)
    assert not [p for _, p, _ in pipeline_env["site"].requests if p.startswith("/RSS/")]
