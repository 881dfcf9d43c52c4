"""Capture passes on real components: the replay site with its clock, PostgreSQL, the S3 server, Scrapy."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest

from tests.conftest import point_pipeline_at
from tests.helpers import count, table_checksums

DAY = date(2023, 5, 9)


@pytest.fixture
def edited_site():
    from replay.edits import day_with_edits
    from replay.generate import generate_night
    from replay.server import ReplaySite

    night = day_with_edits(generate_night(DAY, 10, seed=3), seed=1, edit_rate=1.0)
    site = ReplaySite(nights=[night]).start()
    yield site, night
    site.stop()


@pytest.fixture
def capture_env(database_url, s3_env, edited_site, tmp_path, monkeypatch):
    site, night = edited_site
    point_pipeline_at(monkeypatch, database_url, s3_env, site, tmp_path / "home")
    return site, night, database_url


def run_pass(site, when: datetime) -> dict:
    from pipelines.capture import passes

    site.set_clock(when)
    return passes.run_pass(when).as_dict()


def first_edited(night):
    return min((a for a in night.articles if a.versions), key=lambda a: a.published)


def test_in_place_edit_between_passes_gives_two_revisions_of_one_story(capture_env):
    site, night, url = capture_env
    article = first_edited(night)
    edit_at = article.versions[1].modified if len(article.versions) > 1 else article.modified
    before = article.published + timedelta(minutes=1)
    first = run_pass(site, before)
    assert first["new_articles"] >= 1 and first["failures"] == 0, first
    assert not first["problems"], first
    revs = f"SELECT count(*) FROM story_revisions WHERE article_id = '{article.article_id}'"
    assert count(url, revs) == 1
    # a pass at the same instant changes nothing
    checksums = table_checksums(url)
    again = run_pass(site, before)
    assert again["new_articles"] == 0 and again["revisits"] == 0
    assert table_checksums(url) == checksums

    after = max(edit_at, before) + timedelta(hours=1, minutes=1)
    second = run_pass(site, after)
    assert second["changed"] >= 1, second
    assert count(url, revs) == 2
    # every page capture archived can also be read back from its WARC response record
    assert count(url, "SELECT count(*) FROM raw_pages WHERE warc_key IS NULL") == 0
    assert count(url, "SELECT count(*) FROM raw_pages") >= 2
    assert count(url, f"SELECT count(DISTINCT story_id) FROM story_revisions WHERE article_id = '{article.article_id}'"
                 " AND story_id IS NOT NULL") == 1
    rows = count(url, f"""SELECT count(*) FROM story_timeline WHERE article_id = '{article.article_id}'
                          AND first_captured_at IN ('{before.isoformat()}', '{after.isoformat()}')""")
    assert rows == 2
    # the night's coverage (run summary, nights view) counts the in-place state and the revisits
    from pipelines import db
    from pipelines.capture import coverage
    from pipelines.nights_view import NIGHT_COLUMNS, _capture_cell

    with db.transaction() as conn, conn.cursor() as cur:
        cov = coverage.night_coverage(cur, article.published.date())
    assert cov["in_place_states"] >= 1 and cov["revisits"] >= 1 and cov["max_requests_per_article"] >= 2
    assert cov["articles_captured"] == cov["articles_sighted"] and cov["median_delay_min"] == 0.0
    assert "capture" in [name for name, _ in NIGHT_COLUMNS]
    assert f"{cov['in_place_states']} in-place states" in _capture_cell({"summary": {"capture": cov}}, None)


def test_unchanged_page_gives_no_revision_and_a_304_is_recorded_as_unchanged(capture_env):
    site, night, url = capture_env
    plain = [a for a in night.articles if not a.versions] or night.articles
    article = min(plain, key=lambda a: a.published)
    t0 = article.published + timedelta(minutes=1)
    run_pass(site, t0)
    before = count(url, "SELECT count(*) FROM story_revisions")
    site.requests.clear()
    later = run_pass(site, t0 + timedelta(hours=1))
    assert later["revisits"] >= 1 and later["changed"] == 0, later
    # the replay answers conditional requests: every unchanged revisit cost a 304
    assert later["not_modified"] == later["revisits"] - later["failures"], later
    views = [s for m, p, s in site.requests if p.startswith("/view/")]
    assert views and set(views) <= {200, 304} and 304 in views
    assert count(url, f"SELECT not_modified FROM capture_articles WHERE article_id = '{article.article_id}'") == 1
    assert count(url, f"""SELECT count(*) FROM story_revisions WHERE article_id = '{article.article_id}'
                          AND last_captured_at = '{(t0 + timedelta(hours=1)).isoformat()}'""") == 1


def test_cli_prints_one_line_summary_and_refuses_bad_usage(capture_env, capsys, monkeypatch):
    from pipelines.capture.__main__ import main

    site, night, url = capture_env
    when = datetime.combine(DAY, time(9, 0), tzinfo=night.articles[0].published.tzinfo)
    site.set_clock(when)
    assert main(["--now", when.isoformat()]) == 0
    line = capsys.readouterr().out.strip()
    summary = json.loads(line)
    assert {"surfaces_read", "new_articles", "revisits", "changed", "unchanged", "not_modified",
            "failures"} <= set(summary)
    assert summary["surfaces_read"] >= 8 and summary["new_articles"] > 0
    # a surface that fails: the pass still captures what the others named, and says so with exit 1
    site.add_fault(r"^/RSS/news\.xml", "404")
    assert main(["--now", (when + timedelta(minutes=20)).isoformat()]) == 1
    failed = json.loads(capsys.readouterr().out.strip())
    assert any("/RSS/news.xml" in p and "http_404" in p for p in failed["problems"]), failed
    site.clear_faults()
    assert main(["--now", "yesterday"]) == 2
    monkeypatch.setenv("WIREDESK_REVISIT_SCHEDULE", "1h<2h,1h<1h")
    assert main(["--now", when.isoformat()]) == 2


def test_a_replayed_morning_keeps_the_states_that_lived_an_hour(database_url, s3_env, tmp_path, monkeypatch):
    """The Done-when day, smaller (make bench-capture runs the whole day with the nightly): passes every
    20 minutes of the site's clock keep >= 95% of the states that lived an hour, LD revisions join their
    story, no page is asked for more than 40 times and capture comes soon after publication."""
    from pipelines.capture.bench import edited_day, replay_day
    from pipelines.intervals import KST
    from replay.server import ReplaySite

    night = edited_day(DAY, 16, seed=2)
    first = min(a.published for a in night.articles)
    start = first.replace(minute=first.minute // 20 * 20, second=0, microsecond=0)  # the pass before it
    end = first + timedelta(hours=4, minutes=30)
    with ReplaySite(nights=[night]).start() as site:
        point_pipeline_at(monkeypatch, database_url, s3_env, site, tmp_path / "home")
        figures = replay_day(site, night, start, end)
    assert not figures["failed_passes"], [(p["now"], p["failed"], p["problems"]) for p in figures["failed_passes"]]
    assert figures["states_lived_1h"] >= 4
    assert figures["states_kept"] >= 0.95 * figures["states_lived_1h"], figures
    assert figures["lds_joined"] == figures["lds"], figures
    assert 1 <= figures["requests_max"] <= 40
    assert figures["not_modified"] > 0
    assert figures["delay_median_min"] <= 20, figures


def test_revisit_schedule_decays_resets_on_change_and_keeps_the_budget():
    from datetime import timezone

    from pipelines.capture.schedule import DEFAULT_SCHEDULE, ScheduleError, parse

    plan = parse(DEFAULT_SCHEDULE)
    assert plan.end == timedelta(days=7) and plan.budget == 30
    t0 = datetime(2023, 5, 9, 6, 0, tzinfo=timezone.utc)

    def walk(changes_at: list[timedelta]) -> list[timedelta]:
        fetched, last_changed, requests, seen = t0, t0, 1, [timedelta(0)]
        while (due := plan.next_due(first_sighted=t0, last_changed=last_changed, fetched_at=fetched,
                                    requests=requests)) is not None:
            fetched, requests = due, requests + 1
            if any(seen[-1] < c <= due - t0 for c in changes_at):
                last_changed = due
            seen.append(due - t0)
        return seen

    quiet = walk([])
    gaps = [b - a for a, b in zip(quiet, quiet[1:])]
    assert gaps[:12] == [timedelta(hours=1)] * 12  # hourly while quiet less than 12 h
    assert gaps[12] == timedelta(hours=2) and max(gaps) >= timedelta(hours=24)  # then slower, then daily
    assert len(quiet) <= 30 and quiet[-1] <= timedelta(days=7) and quiet[-1] > timedelta(days=5)
    busy = walk([timedelta(minutes=45), timedelta(hours=4), timedelta(hours=26)])
    assert len(busy) <= 30
    # a change found at 26 h brings hourly revisits back
    after = [t for t in busy if t >= timedelta(hours=26)]
    assert after[1] - after[0] == timedelta(hours=1)
    for bad in ("", "1h", "0m<1h", "1h<2h,1h<1h", "1x<2h"):
        with pytest.raises(ScheduleError):
            parse(bad)


def test_replay_clock_serves_each_state_at_its_time_with_validators():
    import urllib.error
    import urllib.request

    from replay.edits import day_with_edits
    from replay.generate import generate_night
    from replay.server import ReplaySite

    night = day_with_edits(generate_night(DAY, 6, seed=3), seed=1, edit_rate=1.0)
    article = first_edited(night)
    states = article.states()

    def get(headers=None):
        request = urllib.request.Request(f"{site.base_url}/view/{article.article_id}", headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, b""

    with ReplaySite(nights=[night]).start() as site:
        site.set_clock(article.published - timedelta(minutes=1))
        assert get()[0] == 404  # not yet published
        site.set_clock(article.published + timedelta(seconds=30))
        status, headers, first = get()
        assert status == 200 and states[0].paragraphs[-1].encode() in first
        assert states[-1].paragraphs[-1].encode() not in first
        assert get({"If-None-Match": headers["ETag"]})[0] == 304
        assert get({"If-Modified-Since": headers["Last-Modified"]})[0] == 304
        site.set_clock(states[1].modified)
        status, _, second = get({"If-None-Match": headers["ETag"]})
        assert status == 200 and states[1].paragraphs[-1].encode() in second
        site.set_clock(None)  # no clock: the latest state, as before
        assert states[-1].paragraphs[-1].encode() in get()[2]


def test_states_capture_stored_count_for_their_articles_night(capture_env):
    """The nightly is the unit of account: revisions a capture pass stored before it ran are the night's
    revisions, and their stories are the night's new stories, not 'unchanged'."""
    from pipelines import nightly
    from pipelines.intervals import KST

    site, night, url = capture_env
    article = first_edited(night)
    before = article.published + timedelta(minutes=1)
    run_pass(site, before)
    run_pass(site, before + timedelta(hours=5))
    assert count(url, "SELECT count(*) FROM story_revisions") >= 2
    site.set_clock(datetime.combine(DAY + timedelta(days=1), time(1, 30), tzinfo=KST))
    code, summary = nightly.run_night_summary(DAY, "after-capture")
    assert code == 0, summary
    check = summary["check"]
    revisions = count(url, "SELECT count(*) FROM story_revisions")
    stories = count(url, "SELECT count(DISTINCT story_id) FROM story_revisions WHERE story_id IS NOT NULL")
    assert check["revisions_new"] == revisions, check
    assert (check["stories_new"], check["stories_unchanged"]) == (stories, 0), check


def test_a_pass_writes_its_surface_reads_to_warc_as_received(capture_env, tmp_path, monkeypatch):
    """Capture reads feeds and sitemaps with urllib, outside Scrapy: those reads are in WARC too."""
    import gzip
    import urllib.request

    from pipelines.rawstore import open_store
    from pipelines.warc import cdxj_key
    from pipelines.warc.surfaces import open_recorder
    from test_warc import records_of, warcio_check

    site, night, url = capture_env
    when = datetime.combine(DAY, time(9, 0), tzinfo=night.articles[0].published.tzinfo)
    site.requests.clear()
    summary = run_pass(site, when)
    assert summary["surfaces_read"] >= 8 and not summary["problems"], summary
    read = {site.base_url + path for _m, path, _s in site.requests if path.startswith("/RSS/") or "sitemap" in path}
    assert any("/RSS/" in u for u in read) and any("sitemap" in u for u in read), read

    store = open_store()
    keys = [k for k in store.list_keys("warc/yonhap/") if "capture-surfaces-" in k and k.endswith(".warc.gz")]
    assert len(keys) == 1 and f"/{DAY:%Y/%m/%d}/" in keys[0], keys
    assert store.exists(cdxj_key(keys[0]))  # indexed and published when the reads ended
    path = tmp_path / "surfaces.warc.gz"
    path.write_bytes(store.get_object(keys[0]))
    check = warcio_check(path)
    assert check.returncode == 0, check.stdout + check.stderr
    records = records_of(path)
    assert records[0]["type"] == "warcinfo"
    responses = {r["uri"]: r for r in records if r["type"] == "response"}
    requests = {r["uri"]: r for r in records if r["type"] == "request"}
    assert read | {site.base_url + "/robots.txt"} <= set(responses), read - set(responses)
    assert set(requests) == set(responses)
    for uri, record in responses.items():
        headers = record["headers"]
        assert headers.get_header("WARC-Payload-Digest") and headers.get_header("WARC-IP-Address") == "127.0.0.1"
        assert headers.get_header("WARC-Concurrent-To") == requests[uri]["headers"].get_header("WARC-Record-ID")
        assert requests[uri]["http"].get_header("User-Agent")

    feed = min(u for u in read if "/RSS/" in u)
    with urllib.request.urlopen(feed, timeout=10) as answer:  # no Accept-Encoding: the bytes as served
        served = answer.read()
    record = responses[feed]
    assert record["http"].get_statuscode() == "200"
    if record["http"].get_header("Content-Encoding"):  # kept encoded, as received
        assert gzip.decompress(record["payload"]) == served
    else:
        assert record["payload"] == served

    monkeypatch.setenv("WIREDESK_WARC", "0")
    assert open_recorder("yonhap", DAY) is None
