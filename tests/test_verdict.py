"""The night's verdict (issue 18): no "ok" over missing pages, the night's own totals, bounded work.

Every test drives the real spider, raw store (S3 over HTTP), PostgreSQL and the replay site with
faults switched on, then reads the tables with SQL:

- every article but one answers 503: `python -m pipelines.nightly` exits 1 with a failure for each;
- articles redirecting to themselves (A -> A, A -> A?x -> A) or too often: a fetch_failures row under
  the canonical url, resolved when the url later succeeds;
- a rerun after an interruption gives the night's own totals, as a clean run does;
- a crawl that runs out of time keeps and catalogues what it archived, the next run goes on from it,
  and no run is left 'running';
- floods of fake ids are recorded and fail the check instead of being fetched; ids outside the id
  grammar or far from their time are refused; urls that keep failing retire.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta

import psycopg2
import pytest

from conftest import REPO
from helpers import count
from pipelines import crawl, db, load, nightly
from pipelines.checks import DataQualityError
from pipelines.discovery import frontier
from pipelines.intervals import KST, night_window

NIGHT = date(2023, 5, 10)


def night_ids(night=NIGHT) -> list[str]:
    from replay.stories import nights

    start, end = night_window(night)
    return sorted(a.article_id for n in nights() for a in n.articles if start <= a.published < end)


def open_fetch_failures(url: str) -> dict[str, tuple]:
    """url -> (reason, stage, resolved_at) of the fetch-stage rows."""
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT url, reason, http_status, resolved_at FROM fetch_failures WHERE stage = 'fetch'")
        rows = {row[0]: row[1:] for row in cur.fetchall()}
    conn.close()
    return rows


def run_status(url: str) -> list[tuple]:
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT run_id, status, error FROM crawl_runs ORDER BY crawl_run_id")
        rows = cur.fetchall()
    conn.close()
    return rows


def nightly_cli(night: date, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "pipelines.nightly", night.isoformat(), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)


# --- rows 1: every article but one answers 503 ------------------------------------------------------

def test_every_article_but_one_503_fails_the_night_with_a_failure_for_each(pipeline_env):
    url, site, ids = pipeline_env["database_url"], pipeline_env["site"], night_ids()
    for article_id in ids[1:]:
        site.add_fault(f"^/view/{article_id}$", "503", retry_after=0)
    proc = nightly_cli(NIGHT)
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    summary = json.loads(proc.stdout)
    assert summary["status"] == "failed" and summary["failed_step"] == "check"
    assert f"{len(ids) - 1} of {len(ids)} article pages named for the night were not stored" in summary["error"]
    base = site.base_url
    failures = open_fetch_failures(url)
    assert {u for u, (reason, status, resolved) in failures.items() if reason == "http_503" and status == 503
            and resolved is None} == {f"{base}/view/{a}" for a in ids[1:]}
    assert summary["check"]["fetch"]["named"] == len(ids) and summary["check"]["fetch"]["stored"] == 1
    assert [status for _, status, _ in run_status(url)] == ["failed"]


def test_a_few_failures_stay_within_the_share_and_the_share_is_configurable(pipeline_env, monkeypatch):
    site, ids = pipeline_env["site"], night_ids()
    for article_id in ids[:3]:  # 3 of 17: under a fifth
        site.add_fault(f"^/view/{article_id}$", "404")
    steps = nightly.run_night(NIGHT, run_id="few")
    assert steps["check"]["fetch"]["not_stored"] == 3 and steps["check"]["problems"] == []
    monkeypatch.setenv("WIREDESK_MAX_FETCH_FAILURE_SHARE", "0.1")  # a stricter operator: the same night fails
    with pytest.raises(DataQualityError, match=r"3 of 17 article pages named for the night were not stored"):
        nightly.run_night(NIGHT, run_id="few")


# --- rows 2 and 7: redirect loops, too many redirects, under the canonical url ------------------------

def test_redirect_loops_are_recorded_under_the_canonical_url_and_fail_the_night(pipeline_env):
    url, site, ids = pipeline_env["database_url"], pipeline_env["site"], night_ids()
    base = site.base_url
    looped = ids[::4]  # a quarter of the night (5 of 17)
    self_loops, two_hop, chained = looped[:2], looped[2:4], looped[4]
    for a in self_loops:  # A -> A
        site.add_fault(f"^/view/{a}$", "redirect", location=f"/view/{a}")
    for a in two_hop:  # A -> A?x -> A
        site.add_fault(f"^/view/{a}$", "redirect", location=f"/view/{a}?x=1")
        site.add_fault(f"^/view/{a}\\?x=1$", "redirect", location=f"/view/{a}")
    site.add_fault(f"^/view/{chained}$", "redirect", location=f"/view/{chained}?hop=1")
    for hop in range(1, 12):  # a chain longer than REDIRECT_MAX_TIMES, never looping
        site.add_fault(f"^/view/{chained}\\?hop={hop}$", "redirect", location=f"/view/{chained}?hop={hop + 1}")

    site.add_fault("^/RSS/news.xml$", "redirect", location="/RSS/news.xml")  # a feed too: A -> A

    with pytest.raises(DataQualityError, match=r"5 of 17 article pages named for the night were not stored"):
        nightly.run_night(NIGHT, run_id="loops")
    assert count(url, "SELECT count(*) FROM discovery_reads WHERE url = %s AND reason LIKE 'redirect_loop: %%'",
                 (f"{base}/RSS/news.xml",)) == 1
    failures = open_fetch_failures(url)
    assert set(failures) == {f"{base}/view/{a}" for a in looped} | {f"{base}/RSS/news.xml"}  # never a hop
    for a in self_loops + two_hop:
        assert failures[f"{base}/view/{a}"][0].startswith("redirect_loop: "), failures
    assert failures[f"{base}/view/{chained}"][0].startswith("too_many_redirects: "), failures

    site.clear_faults()  # the site is mended: the next run stores them and resolves every row
    steps = nightly.run_night(NIGHT, run_id="loops-mended")
    assert steps["check"]["problems"] == [] and steps["check"]["fetch"]["not_stored"] == 0
    assert all(resolved is not None for u, (_, _, resolved) in open_fetch_failures(url).items() if "/view/" in u)
    assert count(url, "SELECT count(DISTINCT url) FROM raw_pages WHERE url = ANY(%s)",
                 ([f"{base}/view/{a}" for a in looped],)) == len(looped)


def test_a_page_reached_through_a_redirect_is_stored_under_its_canonical_url(pipeline_env):
    url, site, ids = pipeline_env["database_url"], pipeline_env["site"], night_ids()
    site.add_fault(f"^/view/{ids[0]}$", "redirect", times=1, location=f"/view/{ids[0]}?from=feed")
    steps = nightly.run_night(NIGHT, run_id="hop")
    assert steps["check"]["fetch"]["not_stored"] == 0
    assert count(url, "SELECT count(*) FROM raw_pages WHERE url = %s", (f"{site.base_url}/view/{ids[0]}",)) == 1


# --- row 9: the night's own totals, after a clean run, a rerun, an interrupted rerun ----------------

COUNTED = ("pages_fetched", "revisions_new", "stories", "stories_new", "stories_revised", "stories_unchanged")


def night_row(url: str, run_id: str) -> tuple:
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("""SELECT revisions_new, stories_new, stories_revised, stories_unchanged FROM crawl_runs
                       WHERE run_id = %s""", (run_id,))
        row = cur.fetchone()
    conn.close()
    return row


def test_a_rerun_after_a_kill_during_load_reports_the_nights_own_totals(pipeline_env, monkeypatch):
    url = pipeline_env["database_url"]
    crawled = nightly.crawl_night(NIGHT, "interrupted")
    first_batch = load.plan_batches(crawled["crawl_run_id"], size=5)[0]
    load.load_batch(first_batch)  # then the process died: 5 revisions in, ungrouped, the run 'crawled'
    assert count(url, "SELECT count(*) FROM story_revisions") == 5

    resumed = nightly.run_night(NIGHT, run_id="interrupted")["check"]
    assert resumed["revisions_new"] == count(url, "SELECT count(*) FROM story_revisions") == len(night_ids())
    assert resumed["stories_new"] == count(url, "SELECT count(*) FROM stories") > 0
    assert (resumed["stories_revised"], resumed["stories_unchanged"]) == (0, 0)
    again = nightly.run_night(NIGHT, run_id="interrupted")["check"]  # a rerun of the whole run
    other = nightly.run_night(NIGHT, run_id="another")["check"]  # a manual re-trigger
    for counted in COUNTED:
        assert resumed[counted] == again[counted] == other[counted], counted
    assert night_row(url, "interrupted") == night_row(url, "another") == (
        resumed["revisions_new"], resumed["stories_new"], 0, 0)


def test_grouping_interrupted_then_rerun_counts_the_same(pipeline_env):
    url = pipeline_env["database_url"]
    crawled = nightly.crawl_night(NIGHT, "group-killed")
    nightly.load_run(crawled["crawl_run_id"])
    with db.transaction() as conn, conn.cursor() as cur:  # a group step that died: its transaction never came
        cur.execute("SELECT count(*) FROM story_revisions WHERE story_id IS NULL")
        assert cur.fetchone()[0] == len(night_ids())
    resumed = nightly.run_night(NIGHT, run_id="group-killed")["check"]
    assert resumed["stories_new"] == count(url, "SELECT count(*) FROM stories")
    assert resumed["revisions_new"] == len(night_ids())


# --- rows 3 (second half) and 10: a crawl out of time, runs never left running -------------------------

def test_a_crawl_that_times_out_keeps_what_it_archived_and_the_next_run_goes_on(pipeline_env, monkeypatch):
    url, site, ids = pipeline_env["database_url"], pipeline_env["site"], night_ids()
    hanging = ids[::3]
    for article_id in hanging:
        site.add_fault(f"^/view/{article_id}$", "slow", delay=120)
    monkeypatch.setenv("WIREDESK_CRAWL_TIMEOUT", "12")
    with pytest.raises(crawl.CrawlTimeout, match="crawl timed out after 12 s"):
        nightly.crawl_night(NIGHT, "out-of-time")
    archived = count(url, "SELECT count(*) FROM raw_pages")
    assert archived == len(ids) - len(hanging)  # catalogued, not discarded
    assert count(url, "SELECT count(*) FROM crawl_run_pages") == archived
    ((run_id, status, error),) = run_status(url)
    assert status == "failed" and error.startswith("crawl timed out after 12 s")

    site.clear_faults()
    monkeypatch.delenv("WIREDESK_CRAWL_TIMEOUT")
    before = len(site.requests)
    steps = nightly.run_night(NIGHT, run_id="after-timeout")
    asked = [path for _, path, _ in site.requests[before:] if path.startswith("/view/")]
    assert sorted(p.rsplit("/", 1)[-1] for p in asked) == sorted(hanging)  # on from there, nothing twice
    assert steps["check"]["problems"] == [] and steps["check"]["revisions_new"] == len(ids)
    assert [s for _, s, _ in run_status(url)] == ["failed", "ok"]


def test_a_database_error_at_record_time_marks_the_run_failed_with_its_reason(pipeline_env, monkeypatch):
    url = pipeline_env["database_url"]

    def lost(*args, **kwargs):
        raise psycopg2.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(crawl, "record_manifest", lost)
    with pytest.raises(psycopg2.OperationalError):
        nightly.crawl_night(NIGHT, "db-lost")
    ((_, status, error),) = run_status(url)
    assert status == "failed" and "server closed the connection" in error


def test_a_run_left_running_by_a_killed_process_is_marked_abandoned(pipeline_env, monkeypatch):
    url = pipeline_env["database_url"]
    start, end = night_window(NIGHT)
    db.migrate()
    with db.transaction() as conn, conn.cursor() as cur:
        crawl.start_crawl_run(conn, run_id="killed", source="yonhap", start=start, end=end)
        cur.execute("UPDATE crawl_runs SET started_at = now() - interval '3 hours'")
    nightly.run_night(NIGHT, run_id="next")
    assert run_status(url)[0][1:] == ("failed", "abandoned: its process ended without recording an outcome")


# --- row 4: floods, implausible ids, urls that keep failing ----------------------------------------

def fake_sightings(n: int, day: str = "20230510") -> list[list]:
    return [[f"https://en.yna.co.kr/view/AEN{day}{serial:04d}00315", f"AEN{day}{serial:04d}00315",
             "2023-05-10T12:00:00+09:00", "kst14", serial] for serial in range(5000, 5000 + n)]


def test_a_read_naming_a_flood_is_recorded_and_fails_the_check_instead_of_being_fetched(pipeline_env, monkeypatch):
    url, site = pipeline_env["database_url"], pipeline_env["site"]
    monkeypatch.setenv("WIREDESK_MAX_READ_ITEMS", "100")
    db.migrate()
    flood = frontier.flood_check({"surface": "feeds", "url": f"{site.base_url}/RSS/news.xml", "http_status": 200,
                                  "kind": "rss", "sightings": fake_sightings(150), "problems": [], "reason": None})
    with db.transaction() as conn:
        frontier.record_reads(conn, "yonhap", [flood], discover_run_id="flooded")
    assert count(url, "SELECT count(*) FROM discovery_frontier") == 0  # nothing of it kept
    assert count(url, "SELECT count(*) FROM discovery_reads WHERE reason LIKE 'flood: this read named 150%%'") == 1
    with pytest.raises(DataQualityError, match="discovery reads were floods"):
        nightly.run_night(NIGHT, run_id="after-flood")
    assert not [p for _, p, _ in site.requests if "AEN2023051050" in p]


def test_a_frontier_beyond_the_nights_cap_is_not_fetched_and_fails_the_check(pipeline_env, monkeypatch):
    url, site = pipeline_env["database_url"], pipeline_env["site"]
    db.migrate()
    reads = [{"surface": "sitemap", "url": f"{site.base_url}/news-sitemap-{n}.xml", "kind": "urlset",
              "sightings": chunk, "problems": []}
             for n, chunk in enumerate([fake_sightings(300)[i:i + 60] for i in range(0, 300, 60)])]
    with db.transaction() as conn:
        frontier.record_reads(conn, "yonhap", reads, discover_run_id="many-reads")
    monkeypatch.setenv("WIREDESK_MAX_NIGHT_ARTICLES", "200")
    with pytest.raises(DataQualityError) as failed:
        nightly.run_night(NIGHT, run_id="flooded-night")
    assert "flood: the night's frontier named 300 article urls, more than the cap of 200" in str(failed.value)
    assert not [p for _, p, _ in site.requests if "AEN2023051050" in p]  # none of the flood fetched
    # the night's own articles came from its live surfaces; the flood's urls are counted, rows bounded
    assert count(url, "SELECT count(*) FROM fetch_failures WHERE reason LIKE 'not_requested%%'") == 200


def test_ids_outside_the_grammar_or_far_from_their_time_stay_out_of_the_frontier(pipeline_env):
    url = pipeline_env["database_url"]
    db.migrate()
    sightings = [
        ["https://en.yna.co.kr/view/AEN20231399000100315", "AEN20231399000100315", None, "none", 1],  # no such date
        ["https://en.yna.co.kr/view/AEN20230510000200315", "AEN20230510000200315", "2023-09-01T12:00:00+09:00",
         "kst14", 2],  # named for September
        ["https://en.yna.co.kr/view/AEN20230510000300315", "AEN20230510000300315", "2023-05-10T23:59:00+09:00",
         "kst14", 3],  # plausible
    ]
    with db.transaction() as conn:
        frontier.record_reads(conn, "yonhap", [{"surface": "feeds", "url": "x", "sightings": sightings}],
                              discover_run_id="ids")
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT article_id FROM discovery_frontier")
        assert [row[0] for row in cur.fetchall()] == ["AEN20230510000300315"]
    conn.close()


def test_a_url_that_keeps_failing_retires_after_n_crawls(pipeline_env, monkeypatch):
    url, site, ids = pipeline_env["database_url"], pipeline_env["site"], night_ids()
    monkeypatch.setenv("WIREDESK_RETIRE_AFTER_CRAWLS", "2")
    site.add_fault(f"^/view/{ids[0]}$", "404")
    target = f"/view/{ids[0]}"
    for attempt in range(3):
        nightly.run_night(NIGHT, run_id=f"retire-{attempt}")  # 1 of 17: within the share
    asked = [path for _, path, _ in site.requests if path == target]
    assert len(asked) == 2  # the third crawl no longer asks for it
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT reason, failed_crawls, retired_at IS NOT NULL, resolved_at FROM fetch_failures "
                    "WHERE url = %s", (site.base_url + target,))
        assert cur.fetchone() == ("http_404", 2, True, None)  # still open: the night counts it as not stored
    conn.close()
