"""The nights view's data and pages (pipelines.nights, pipelines.nights_view) on real PostgreSQL, read as the
analyst role; the Airflow side (login, the plugin in the UI) is tested in test_airflow_local/test_airflow_api_e2e."""
from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
from psycopg2.extras import Json

from pipelines import nights, nights_view, roles

KST = timezone(timedelta(hours=9))


def as_role(url: str, role: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, f"{role}:{password}@{host}", parts.path, parts.query, ""))


def add_run(cur, night: date, run_id: str, status: str, fetched: int, summary: dict) -> int:
    start = datetime.combine(night, datetime.min.time(), tzinfo=KST)
    cur.execute("""INSERT INTO crawl_runs (run_id, source, interval_start, interval_end, status, pages_fetched,
                                           pages_failed, pages_failed_extract, revisions_new, stories_new, summary)
                   VALUES (%s, 'yonhap', %s, %s, %s, %s, 1, 2, %s, %s, %s) RETURNING crawl_run_id""",
                (run_id, start, start + timedelta(days=1), status, fetched, fetched - 3, fetched // 2, Json(summary)))
    return cur.fetchone()[0]


@pytest.fixture
def analyst_url(database_url):
    suffix = uuid.uuid4().hex[:10]
    names = {"analyst": f"wd_nv_analyst_{suffix}", "pipeline": f"wd_nv_pipeline_{suffix}"}
    passwords = {"analyst": f"a-{uuid.uuid4().hex}", "pipeline": f"p-{uuid.uuid4().hex}"}
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        add_run(cur, date(2023, 5, 9), "scheduled__2023-05-09", "ok", 40,
                {"stories": 30, "problems": [], "coverage": {"listed": 40, "fetched": 38, "share": 0.95}})
        failed = add_run(cur, date(2023, 5, 10), "scheduled__2023-05-10", "failed", 10,
                         {"stories": 0, "problems": ["the night yielded zero stories"],
                          "grouping_warnings": ["story s1 has 80 revisions"]})
        add_run(cur, date(2023, 5, 10), "manual__rerun", "failed", 10, {"problems": ["older run"]})
        cur.execute("""INSERT INTO fetch_failures (source, interval_start, url, stage, reason, last_crawl_run_id)
                       VALUES ('yonhap', %s, 'https://en.yna.co.kr/view/<x>', 'extract',
                               'no_body: <script>alert(1)</script>', %s)""",
                    (datetime(2023, 5, 10, tzinfo=KST), failed))
    roles.create_roles(names["analyst"], names["pipeline"], passwords, database_url)
    yield as_role(database_url, names["analyst"], passwords["analyst"])
    roles.drop_roles(list(names.values()), database_url)


def test_latest_run_per_night_read_as_the_analyst(analyst_url, monkeypatch):
    monkeypatch.setenv(nights.ANALYST_URL_ENV, analyst_url)
    url, who = nights.reader_url()
    assert url == analyst_url and "analyst" in who
    rows = nights.latest_nights(90, url)
    assert [(r["night"], r["run_id"]) for r in rows] == [(date(2023, 5, 10), "manual__rerun"),
                                                        (date(2023, 5, 9), "scheduled__2023-05-09")]
    assert rows[0]["runs_of_night"] == 2
    detail = nights.night_of_run("scheduled__2023-05-10", url)
    assert detail["failures_by_reason"] == {"extract:no_body": 1} and detail["failures"][0]["stage"] == "extract"
    with pytest.raises(psycopg2.Error):  # read-only, whatever the grants
        conn = psycopg2.connect(url)
        conn.cursor().execute("DELETE FROM crawl_runs")


def test_pages_show_failures_coverage_warnings_and_escape_input(analyst_url):
    rows = nights.latest_nights(90, analyst_url)
    airflow = {"manual__rerun": {"state": "failed", "failed_tasks": [{"task_id": "check", "try_number": 1}]}}
    page = nights_view.render_nights(rows, airflow, "analyst role (read-only)")
    chart = json.loads(re.search(r"const rows = (\[.*?\]);", page).group(1))
    assert [(c["night"], c["failed"]) for c in chart] == [("2023-05-09", False), ("2023-05-10", True)]
    assert "uPlot.iife.min.js" in page and "new uPlot(" in page
    assert "/dags/yonhap_nightly/runs/manual__rerun/tasks/check" in page and "older run" in page
    assert re.search(r"coverage: [^<]*share 95.0%", page) and "listed 40" in page
    detail = nights.night_of_run("scheduled__2023-05-10", analyst_url)
    others = nights.runs_of_night(detail["night"], analyst_url)
    run_page = nights_view.render_run("yonhap_nightly", "scheduled__2023-05-10", detail, others, {}, "x")
    assert "wiredesk night 2023-05-10 (KST)" in run_page and "story s1 has 80 revisions" in run_page
    assert "<script>alert(1)" not in run_page and "&lt;script&gt;alert(1)" in run_page
    assert "manual__rerun" in run_page  # the other run of the night
    other_dag = nights_view.render_run("yonhap_export", "scheduled__x", None, [], {}, "x")
    assert "only runs of <code>yonhap_nightly</code> crawl a night" in other_dag


def test_coverage_reads_as_one_line_per_night():
    cov = {"night": "2023-05-10", "in_window": 17, "fetched": 16, "failed": 1, "named_not_fetched": 0,
           "fetched_out_of_window": 2, "overlap": {"feeds+sitemap": 12, "listings+feeds+sitemap": 5},
           "surfaces": {"feeds": {"seen": 48, "in_window": 17, "reads": 7},
                        "listings": {"seen": 0, "in_window": 0, "reads": 3,
                                     "unread": [{"url": "/news", "reason": "http 503"}],
                                     "empty_reason": "every read failed or named nothing: /news: http 503"}},
           "serials": {"seen": 14, "highest": 92, "missing": 78, "missing_share": 0.848,
                       "text": "serials 1-92, 78 missing: " + ", ".join(f"{n:04d}" for n in range(1, 79))}}
    line = nights_view._coverage({"coverage": cov, "discovery_drift": ["listings yielded nothing"]})
    assert line == ("coverage: 17 in the night: 16 fetched, 1 failed; feeds 17 of 48 seen, listings 0 of 0 seen, "
                    "1 reads failed (EMPTY: every read failed or named nothing: /news: http 503); overlap "
                    "feeds+sitemap 12, listings+feeds+sitemap 5; serials 1-92, 78 missing (85%); 2 fetched outside "
                    "the night; discovery_drift: listings yielded nothing")


# --- issue 18: absurd nights, links into the UI, short coverage, bad paths -----------------------------------

def test_an_absurd_night_is_listed_apart_and_never_hides_the_others(analyst_url, database_url):
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        add_run(cur, date(2999, 1, 1), "manual__2999-01-01", "failed", 0, {"problems": ["zero stories"]})
        add_run(cur, date(1985, 1, 1), "manual__1985-01-01", "failed", 0, {})
    rows = nights.latest_nights(90, analyst_url)
    assert [r["night"] for r in rows] == [date(2023, 5, 10), date(2023, 5, 9)]
    apart = nights.implausible_nights(analyst_url)
    assert [r["night"] for r in apart] == [date(2999, 1, 1), date(1985, 1, 1)]
    page = nights_view.render_nights(rows, {}, "x", apart)
    window, outside = page.split("<h2>Runs of nights outside 1990-01-01 ..", 1)
    assert "2023-05-10" in window and "2023-05-09" in window and "2999-01-01" not in window
    assert "manual__2999-01-01" in outside and "manual__1985-01-01" in outside
    # a night of tomorrow (KST) is plausible (a hand run after midnight); the day after is not
    today = date(2023, 5, 9)
    assert [r["night"] for r in nights.latest_nights(90, analyst_url, today=today)] == [date(2023, 5, 10),
                                                                                        date(2023, 5, 9)]
    assert [r["night"] for r in nights.latest_nights(90, analyst_url, today=date(2023, 5, 8))] == [date(2023, 5, 9)]


def test_links_into_the_ui_name_mapped_task_instances_and_navigate_the_parent(analyst_url):
    rows = nights.latest_nights(90, analyst_url)
    failed = [{"task_id": "check", "map_index": -1}, {"task_id": "load_batch", "map_index": 2}]
    page = nights_view.render_nights(rows, {"manual__rerun": {"state": "failed", "failed_tasks": failed}}, "x")
    links = re.findall(r'<a class="bad" data-airflow target="_top" href="([^"]+)">([^<]+)</a>', page)
    assert links == [("/dags/yonhap_nightly/runs/manual__rerun/tasks/check", "check log"),
                     ("/dags/yonhap_nightly/runs/manual__rerun/tasks/load_batch/mapped/2", "load_batch [2] log")]
    assert re.search(r'<a data-airflow target="_top" href="/dags/yonhap_nightly/runs/manual__rerun">', page)
    assert nights_view.AIRFLOW_NAV_JS in page and "history.pushState" in page and "PopStateEvent" in page
    detail = nights.night_of_run("manual__rerun", analyst_url)
    tab = nights_view.render_run("yonhap_nightly", "manual__rerun", detail, [], {"manual__rerun": {
        "state": "failed", "failed_tasks": failed}}, "x")
    assert "/tasks/load_batch/mapped/2" in tab and nights_view.AIRFLOW_NAV_JS in tab
    assert nights_view.task_path("d", "r/x", {"task_id": "t", "map_index": 0}) == "/dags/d/runs/r%2Fx/tasks/t/mapped/0"


def test_a_night_whose_discovery_failed_shows_a_short_line_and_the_run_tab_the_details(analyst_url, database_url):
    surfaces = {}
    for surface in ("listings", "feeds", "sitemap", "frontier"):
        unread = [{"url": f"http://site.example/{surface}/{n}", "reason": "http_503"} for n in range(10)]
        surfaces[surface] = {"reads": 10, "seen": 0, "in_window": 0, "in_window_this_night": 0, "fetched": 0,
                             "failed": 0, "time_forms": {}, "unread": unread,
                             "empty_reason": "every read failed or named nothing: "
                                             + "; ".join(f"{u['url']}: http_503" for u in unread)}
    coverage = {"night": "2023-05-11", "in_window": 0, "fetched": 0, "failed": 0, "named_not_fetched": 0,
                "named_not_fetched_urls": [], "fetched_out_of_window": 0, "surfaces": surfaces, "overlap": {},
                "serials": {"seen": 0, "highest": 0, "missing": 0, "missing_share": 0.0, "text": "no serials"}}
    problems = ["the night yielded zero stories"] + [
        f"discovery drift: surface {s} yielded no item in the window (it yielded 5, 6 on the previous nights): "
        f"{e['empty_reason']}" for s, e in surfaces.items()]
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        add_run(cur, date(2023, 5, 11), "scheduled__2023-05-11", "failed", 3,
                {"coverage": coverage, "problems": problems})
    rows = nights.latest_nights(90, analyst_url)
    page = nights_view.render_nights(rows, {}, "x")
    row = next(tr for tr in page.split("<tr>") if "scheduled__2023-05-11" in tr)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    cover, flagged = cells[12], cells[13]
    assert cover == ("coverage: 0 in the night: 0 fetched, 0 failed; feeds 0 of 0 seen, 10 reads failed (EMPTY), "
                     "sitemap 0 of 0 seen, 10 reads failed (EMPTY), frontier 0 of 0 seen, 10 reads failed (EMPTY), "
                     "listings 0 of 0 seen, 10 reads failed (EMPTY)")  # jsonb's key order
    assert "site.example" not in row and len(row) < 2500
    assert flagged.split("<br>") == ["the night yielded zero stories"] + [
        f"discovery drift: surface {s} yielded no item in the window (it yielded 5, 6 on the previous nights)"
        for s in surfaces]
    detail = nights.night_of_run("scheduled__2023-05-11", analyst_url)
    tab = nights_view.render_run("yonhap_nightly", "scheduled__2023-05-11", detail, [], {}, "x")
    assert "http://site.example/feeds/9: http_503" in tab and "(EMPTY: every read failed" in tab


@pytest.mark.parametrize("value, bad", [("scheduled__2023-05-10T16:30:00+00:00", False), ("manual__x y", False),
                                        ("\x00", True), ("a\x1fb", True), ("\ufffd", True), ("\ud800", True),
                                        ("x" * 251, True)])
def test_bad_bytes_in_plugin_paths_are_refused_before_any_query(value, bad):
    assert (nights_view.bad_path_value(value) is not None) is bad
