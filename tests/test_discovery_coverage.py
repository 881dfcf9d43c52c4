"""The frontier across discovery runs with feeds that roll over; a night's coverage; the drift and gap checks."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta

import psycopg2
import pytest

from pipelines import checks, nightly
from pipelines.discovery import dag_tasks, frontier
from pipelines.intervals import KST
from replay import ReplaySite, SiteOptions, generate_night


@pytest.fixture
def site_for(pipeline_env, monkeypatch):
    """A replay site serving given nights (and options), pointed at by the pipeline's settings."""
    started = []

    def make(nights, options: SiteOptions) -> ReplaySite:
        site = ReplaySite(nights, options=options).start()
        started.append(site)
        monkeypatch.setenv("WIREDESK_YONHAP_BASE_URL", site.base_url)
        return site

    yield make
    for site in started:
        site.stop()


def frontier_urls(database_url: str, surface: str = "feeds") -> set[str]:
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT url FROM discovery_frontier WHERE surface = %s", (surface,))
        return {row[0] for row in cur.fetchall()}


def test_frontier_gathers_a_night_from_feeds_that_roll_over(pipeline_env, site_for):
    day = date(2023, 6, 1)
    night = generate_night(day, 120, seed=3)
    options = SiteOptions(feed_items=10).only("feeds")
    site = site_for([night], options)
    every_url = {f"{site.base_url}/view/{a.article_id}" for a in night.articles}
    for hour in range(1, 25):  # the discover DAG, hourly here (every 20 minutes in production)
        now = datetime.combine(day, time(0), tzinfo=KST) + timedelta(hours=hour)
        site.options = dataclasses.replace(options, now=now)
        result = dag_tasks.discover_for_run(now - timedelta(hours=1), now, f"discover-{hour:02d}")
        assert f"{site.base_url}/news-sitemap.xml: http_404" in result["empty_or_failed"]  # named, not silent
    assert frontier_urls(pipeline_env["database_url"]) == every_url
    # one read, as a nightly crawl at 01:30 would make it, sees only the feeds' latest items
    last_read = {row[0] for r in frontier.read_surfaces(site.base_url, sitemap=False) for row in r["sightings"]}
    assert len(last_read) <= 7 * 10 < len(every_url)
    # a repeated run changes nothing: the same frontier, that run's reads replaced, not added
    with psycopg2.connect(pipeline_env["database_url"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*), min(first_seen_at) FROM discovery_frontier")
        before = cur.fetchone()
        cur.execute("SELECT count(*) FROM discovery_reads")
        reads_before = cur.fetchone()[0]
    dag_tasks.discover_for_run(now - timedelta(hours=1), now, "discover-24")
    with psycopg2.connect(pipeline_env["database_url"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*), min(first_seen_at) FROM discovery_frontier")
        assert cur.fetchone() == before
        cur.execute("SELECT count(*) FROM discovery_reads")
        assert cur.fetchone()[0] == reads_before

    # the nightly crawl at 01:30 the next day: feeds alone hold a fraction, the frontier brings the rest
    site.options = dataclasses.replace(options, now=datetime.combine(day + timedelta(days=1), time(1, 30),
                                                                     tzinfo=KST))
    steps = nightly.run_night(day, run_id="frontier-night")
    assert steps["crawl"]["pages_fetched"] == 120
    coverage = steps["check"]["coverage"]
    assert coverage["in_window"] == coverage["fetched"] == 120 and coverage["failed"] == 0
    assert coverage["surfaces"]["feeds"]["in_window"] == coverage["surfaces"]["feeds"]["in_window_this_night"] == 120
    assert coverage["surfaces"]["feeds"]["time_forms"] == {"kst14": 120}
    assert coverage["serials"]["missing"] == 0
    assert coverage["surfaces"]["sitemap"]["empty_reason"].startswith("every read failed or named nothing")
    assert "http_404" in coverage["surfaces"]["sitemap"]["empty_reason"]
    fetches = [p for _, p, _ in site.requests if p.startswith("/view/")]
    assert len(fetches) == len(set(fetches)) == 120


def test_coverage_of_a_night_with_known_serial_gaps(pipeline_env, site_for, monkeypatch):
    day = date(2023, 6, 2)
    full = generate_night(day, 60, seed=5)
    gone = {"0005", "0009", "0017"}
    night = dataclasses.replace(full, articles=[a for a in full.articles if a.article_id[11:15] not in gone])
    highest = max(int(a.article_id[11:15]) for a in night.articles)
    assert highest > 17
    site_for([night], SiteOptions(listing_dates="js"))
    steps = nightly.run_night(day, run_id="gaps-night")
    coverage = steps["check"]["coverage"]
    n = len(night.articles)
    assert coverage["serials"]["text"] == f"serials 1-{highest}, 3 missing: 0005, 0009, 0017"
    assert coverage["in_window"] == coverage["fetched"] == n and coverage["fetched_out_of_window"] == 0
    for surface in ("listings", "feeds", "sitemap"):
        assert coverage["surfaces"][surface]["in_window"] == n, surface
    assert coverage["overlap"] == {"listings+feeds+sitemap": n}
    assert coverage["surfaces"]["listings"]["time_forms"] == {"listing_en": coverage["surfaces"]["listings"]["seen"]}
    # the summary (and so the asset event) carries it
    with psycopg2.connect(pipeline_env["database_url"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT summary->'coverage'->'serials'->>'text' FROM crawl_runs")
        assert cur.fetchone()[0] == coverage["serials"]["text"]
    monkeypatch.setenv("WIREDESK_MAX_SERIAL_GAP_SHARE", "0.02")
    with pytest.raises(checks.DataQualityError, match=r"serial gaps: serials 1-\d+, 3 missing: 0005, 0009, 0017"):
        checks.check_crawl_run(steps["crawl"]["crawl_run_id"])


def test_discovery_drift_fails_the_night_with_the_reason(pipeline_env):
    site = pipeline_env["site"]
    first = nightly.run_night(date(2023, 5, 9), run_id="drift-1")
    assert first["check"]["coverage"]["surfaces"]["feeds"]["in_window"] > 0
    site.options = SiteOptions().only("listings", "sitemap")  # the feeds move away
    with pytest.raises(checks.DataQualityError) as failure:
        nightly.run_night(date(2023, 5, 10), run_id="drift-2")
    message = str(failure.value)
    assert "discovery drift: surface feeds yielded no item in the window (it yielded" in message
    assert f"{site.base_url}/RSS/news.xml: http_404" in message
    with psycopg2.connect(pipeline_env["database_url"]) as conn, conn.cursor() as cur:
        cur.execute("""SELECT status, summary->'coverage'->'surfaces'->'listings'->>'in_window'
                       FROM crawl_runs WHERE run_id = 'drift-2'""")
        status, listed = cur.fetchone()
    assert status == "failed" and int(listed) == 17  # the night itself was still found, by the other surfaces
