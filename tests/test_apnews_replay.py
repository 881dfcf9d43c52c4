"""The AP replay (pipelines/sources/apnews/replay) over HTTP: in-place edits served by its clock, slugs and short
links, validators and 304s, surfaces as of the clock, and written stories that the existing (generic, text)
grouping joins across urls exactly as their ground truth says."""
from __future__ import annotations

import collections
import os
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest

from pipelines.grouping import Revision
from pipelines.grouping.assign import assign
from pipelines.grouping.index import MemoryIndex
from pipelines.sources.apnews import discovery, extract
from pipelines.sources.apnews.replay import APReplaySite, SiteOptions
from pipelines.sources.apnews.replay.render import article_path

UTC = timezone.utc
REPO = Path(__file__).resolve().parents[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


RAW = urllib.request.build_opener(NoRedirect)


def fetch(url: str, headers: dict | None = None, method: str = "GET") -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with RAW.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def site():
    replay = APReplaySite().start()
    yield replay
    replay.stop()


@pytest.fixture(autouse=True)
def reset(site):
    yield
    site.now, site.options = None, SiteOptions()


def test_in_place_edits_follow_the_clock(site):
    """One id, one story: each state is served from its time on, with its own text and dateModified; before
    publication the page is 404 and on no surface."""
    river = site.article("river")
    first, second, third = river.states
    site.now = first.at - timedelta(seconds=1)
    assert fetch(site.url_of(river, first))[0] == 404
    for path in ("/sitemap/articles-2024-05.xml", "/news-sitemap-content.xml", "/hub/us-news"):
        assert river.article_id.encode() not in fetch(site.base_url + path)[2]
    records = []
    for state in river.states:
        site.now = state.at + timedelta(minutes=5)
        url = site.url_of(river)
        status, _, body = fetch(url)
        assert status == 200
        record = extract(body, url=url)
        assert record["body_paragraphs"] == river.body(state) and record["headline"] == state.headline
        assert (record["published_at"], record["updated_at"]) == (first.at.isoformat(), state.at.isoformat())
        records.append(record)
    assert {r["article_id"] for r in records} == {river.article_id}
    assert records[-1]["attn"] == third.note and records[0]["attn"] is None
    assert len({tuple(r["body_paragraphs"]) for r in records}) == 3


@pytest.mark.parametrize("generation", ["brightspot2024", "react2023"])
def test_every_state_of_every_article_extracts_to_its_ground_truth(site, generation):
    site.options = SiteOptions(generation=generation)
    for article in site.articles:
        for state in article.states:
            site.now = state.at
            url = site.url_of(article)
            record = extract(fetch(url)[2], url=url)
            assert record["article_id"] == article.article_id
            assert record["body_paragraphs"] == article.body(state)
            assert record["attn"] == article.attn(state)
            assert record["captions"] == list(state.captions)
            assert (record["byline"], record["dateline"]) == (article.byline, article.dateline)
            assert record["url"] == "https://apnews.com" + article_path(article, state)


def test_old_slug_and_short_links(site):
    river = site.article("river")
    old_path = article_path(river, river.states[0])
    new_path = article_path(river, river.states[-1])
    assert old_path != new_path
    status, headers, _ = fetch(site.base_url + old_path)
    assert (status, headers["Location"]) == (301, site.base_url + new_path)
    for short in (f"/article/{river.article_id}", f"/{river.article_id}"):
        status, headers, _ = fetch(site.base_url + short)
        assert (status, headers["Location"]) == (301, site.base_url + new_path)
    site.options = SiteOptions(old_slug="serve")
    status, _, body = fetch(site.base_url + old_path)
    assert status == 200 and extract(body)["url"] == "https://apnews.com" + new_path
    assert fetch(site.base_url + "/article/nothing-" + "0" * 32)[0] == 404
    assert fetch(site.base_url + "/hub/no-such-topic")[0] == 404


def test_validators_and_conditional_requests(site):
    vaccine = site.article("vaccine")
    site.now = vaccine.states[0].at + timedelta(minutes=1)
    url = site.url_of(vaccine)
    status, headers, body = fetch(url)
    assert status == 200 and body
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert modified == format_datetime(vaccine.states[0].at, usegmt=True)
    assert fetch(url, {"If-None-Match": etag})[0] == 304
    assert fetch(url, {"If-None-Match": f'W/"zzz", {etag}'})[0] == 304
    status, headers_304, body_304 = fetch(url, {"If-Modified-Since": modified})
    assert (status, body_304, headers_304["ETag"]) == (304, b"", etag)
    earlier = format_datetime(vaccine.states[0].at - timedelta(hours=1), usegmt=True)
    assert fetch(url, {"If-Modified-Since": earlier})[0] == 200
    assert fetch(url, {"If-None-Match": '"other"', "If-Modified-Since": modified})[0] == 200  # ETag decides
    site.now = vaccine.states[1].at  # the in-place edit: new text, new validators
    status, headers, _ = fetch(url, {"If-None-Match": etag, "If-Modified-Since": modified})
    assert status == 200 and headers["ETag"] != etag
    assert headers["Last-Modified"] == format_datetime(vaccine.states[1].at, usegmt=True)
    assert fetch(url, {"If-Modified-Since": modified})[0] == 200
    status, headers, body = fetch(url, method="HEAD")
    assert status == 200 and body == b"" and headers["ETag"]


@pytest.mark.parametrize("validators, sends", [("etag", {"ETag"}), ("last_modified", {"Last-Modified"}),
                                               ("none", set())])
def test_validator_switch(site, validators, sends):
    site.options = SiteOptions(validators=validators)
    url = site.url_of(site.article("chips"))
    _, headers, _ = fetch(url)
    assert {"ETag", "Last-Modified"} & set(headers) == sends
    etag = fetch(url, method="HEAD")[1].get("ETag", '"x"')
    expected = 304 if "ETag" in sends else 200
    assert fetch(url, {"If-None-Match": etag})[0] == expected
    expected = 304 if "Last-Modified" in sends else 200
    assert fetch(url, {"If-Modified-Since": format_datetime(datetime(2030, 1, 1, tzinfo=UTC), usegmt=True)})[0] == \
        expected


def test_surfaces_as_of_the_clock_and_their_validators(site):
    news_url = site.base_url + "/news-sitemap-content.xml"
    site.now = datetime(2024, 5, 14, 12, 0, tzinfo=UTC)
    status, headers, body = fetch(news_url)
    named = {s.article_id for s in discovery.parse_news_sitemap(body, news_url, site.base_url).items}
    assert named == {site.article("river").article_id, site.article("quake").article_id}
    assert fetch(news_url, {"If-None-Match": headers["ETag"]})[0] == 304
    site.now = datetime(2024, 5, 14, 14, 30, tzinfo=UTC)  # the chipmaker story is out
    status, _, body = fetch(news_url, {"If-None-Match": headers["ETag"]})
    assert status == 200 and site.article("chips").article_id.encode() in body
    site.now = datetime(2024, 5, 17, 12, 0, tzinfo=UTC)  # two days on: the news sitemap keeps 48 hours
    body = fetch(news_url)[2]
    assert site.article("river").article_id.encode() not in body and site.article("rates").article_id.encode() in body
    robots = fetch(site.base_url + "/robots.txt")[2]
    assert discovery.sitemaps_named(robots, site.base_url) == [site.base_url + "/sitemap.xml", news_url]
    site.options = SiteOptions(surfaces=frozenset({"sitemap"}), robots_sitemaps=False)
    assert fetch(news_url)[0] == 404 and fetch(site.base_url + "/hub/us-news")[0] == 404
    assert discovery.sitemaps_named(fetch(site.base_url + "/robots.txt")[2], site.base_url) == []


def test_clock_must_be_aware(site):
    with pytest.raises(ValueError):
        site.now = datetime(2024, 5, 14, 12, 0)
    with pytest.raises(ValueError):
        SiteOptions(generation="angular2030")


def test_written_stories_group_across_urls_by_their_text(site):
    """Every state of every written article, extracted from the replay, grouped by the project's grouping
    (pipelines.grouping.assign, in memory: generic rules, no AP case): in-place states join their article,
    the re-topped stories join across urls, the look-alike market stories stay apart."""
    revisions, truth = [], {}
    for article in site.articles:
        for state in article.states:
            site.now = state.at
            url = site.url_of(article)
            record = extract(fetch(url)[2], url=url)
            key = f"{article.key}@{state.at.isoformat()}"
            revisions.append(Revision(key=key, article_id=record["article_id"], url=record["url"],
                                      headline=record["headline"], published_at=record["published_at"],
                                      updated_at=record["updated_at"], body_paragraphs=record["body_paragraphs"],
                                      section=record["section"], dateline=record["dateline"]))
            truth[key] = article.story_key
    stories = assign(MemoryIndex(), revisions).stories
    found = collections.defaultdict(set)
    for key, story in stories.items():
        found[story].add(key)
    expected = collections.defaultdict(set)
    for key, story_key in truth.items():
        expected[story_key].add(key)
    assert sorted(map(sorted, found.values())) == sorted(map(sorted, expected.values()))
    assert len({site.article(k).article_id for k in ("quake", "quake-retop", "fire", "fire-retop")}) == 4


def test_python_m_serve_with_a_clock():
    process = subprocess.Popen([sys.executable, "-m", "pipelines.sources.apnews.replay", "serve", "--port", "0",
                                "--now", "2024-05-14T12:00:00+00:00", "--generation", "react2023"],
                               stdout=subprocess.PIPE, text=True, cwd=REPO,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        base = process.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:")
        body = fetch(base + "/news-sitemap-content.xml")[2]
        assert len(discovery.parse_news_sitemap(body, base, base).items) == 2
    finally:
        process.terminate()
        process.wait(timeout=10)
