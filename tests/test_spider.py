"""The yonhap spider against the local replay site, faults included, archiving to S3 over HTTP."""
from __future__ import annotations

import re
from datetime import date

import pytest

from pipelines.crawl import read_manifest, run_spider
from pipelines.intervals import night_window
from pipelines.rawstore import open_store

NIGHT = date(2023, 5, 10)


def night_articles(night: date) -> set[str]:
    from replay.stories import nights

    start, end = night_window(night)
    return {a.article_id for n in nights() for a in n.articles if start <= a.published < end}


def crawl(tmp_path, night=NIGHT, **settings):
    start, end = night_window(night)
    manifest = tmp_path / f"manifest-{len(list(tmp_path.iterdir()))}.jsonl"
    run_spider("yonhap", start, end, manifest, settings=settings)
    return read_manifest(manifest)


@pytest.fixture
def env(pipeline_env):
    return pipeline_env


def test_discovers_and_archives_exactly_the_night(env, tmp_path):
    pages, failures = crawl(tmp_path)
    assert failures == []
    expected = night_articles(NIGHT)
    assert len(expected) >= 10
    assert {p["article_id"] for p in pages} == expected
    assert len(pages) == len(expected)  # each fetched once although listings, RSS and sitemap all name it
    store = open_store()
    for page in pages:
        assert page["raw_key"].startswith(f"raw/yonhap/2023/05/10/{page['article_id']}/")
        assert store.exists(page["raw_key"])
        assert "body" not in page  # the manifest carries references, never pages
    assert all(p["archived_new"] for p in pages)


def test_obeys_robots_and_fetches_nothing_else(env, tmp_path):
    crawl(tmp_path)
    paths = [path for _, path, _ in env["site"].requests]
    assert "/robots.txt" in paths
    assert not [p for p in paths if p.startswith("/search") or p.startswith("/private/")]
    assert all(re.match(r"^/(robots\.txt|news(/\d+)?|RSS/[a-z-]+\.xml|news-sitemap\.xml|view/AEN\d{17})$", p)
               for p in paths), paths


def test_second_crawl_archives_nothing_new(env, tmp_path):
    crawl(tmp_path)
    pages, _ = crawl(tmp_path)
    assert pages and not any(p["archived_new"] for p in pages)


def test_503_and_429_with_retry_after_are_retried(env, tmp_path):
    victim_a, victim_b = sorted(night_articles(NIGHT))[:2]
    env["site"].add_fault(victim_a, "503", times=2, retry_after=1)
    env["site"].add_fault(victim_b, "429", times=1, retry_after=1)
    pages, failures = crawl(tmp_path)
    assert failures == []
    assert {victim_a, victim_b} <= {p["article_id"] for p in pages}
    hits = [status for _, path, status in env["site"].requests if path.endswith(victim_a)]
    assert hits == [503, 503, 200]


def test_final_failures_are_recorded_and_the_rest_goes_on(env, tmp_path):
    ids = sorted(night_articles(NIGHT))
    site = env["site"]
    site.add_fault(ids[0], "404")
    site.add_fault(ids[1], "503", retry_after=0)  # never heals
    site.add_fault(ids[2], "redirect_offhost")
    site.add_fault(ids[3], "reset")
    pages, failures = crawl(tmp_path)
    by_id = {f["url"].rsplit("/", 1)[-1]: f for f in failures}
    assert by_id[ids[0]]["reason"] == "http_404" and by_id[ids[0]]["attempts"] == 1
    assert by_id[ids[1]]["reason"] == "http_503" and by_id[ids[1]]["attempts"] == 4  # 1 + RETRY_TIMES
    assert "refused_address" in by_id[ids[2]]["reason"]
    assert by_id[ids[3]]["attempts"] == 4
    assert {p["article_id"] for p in pages} == set(ids[4:])


def test_slow_response_is_waited_for_and_timeout_is_a_failure(env, tmp_path):
    ids = sorted(night_articles(NIGHT))
    env["site"].add_fault(ids[0], "slow", delay=1.5, times=1)
    env["site"].add_fault(ids[1], "slow", delay=5)
    pages, failures = crawl(tmp_path, DOWNLOAD_TIMEOUT=3, RETRY_TIMES=1)
    fetched = {p["article_id"] for p in pages}
    assert ids[0] in fetched and ids[1] not in fetched
    (failure,) = failures
    assert failure["url"].endswith(ids[1]) and "Timeout" in failure["reason"]


def test_oversized_and_bomb_responses_are_dropped_with_reason(env, tmp_path):
    ids = sorted(night_articles(NIGHT))
    env["site"].add_fault(ids[0], "oversize", size_mb=12)
    env["site"].add_fault(ids[1], "gzip_bomb")
    pages, failures = crawl(tmp_path)
    reasons = {f["url"].rsplit("/", 1)[-1]: f["reason"] for f in failures}
    assert set(reasons) == {ids[0], ids[1]}
    assert all(reason.startswith("too_large") for reason in reasons.values()), reasons
    assert len(pages) == len(ids) - 2
