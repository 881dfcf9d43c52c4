"""The probe (python -m pipelines.discovery probe) and the yonhap_capture DAG (settings, a pass under Airflow)."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from pipelines import airflow_runs, config
from pipelines.discovery.probe import probe
from replay import ReplaySite, SiteOptions


@pytest.fixture
def loopback(monkeypatch):
    monkeypatch.setenv("WIREDESK_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("WIREDESK_THROTTLE", "0")


def run_probe(site, night=date(2023, 5, 10)) -> tuple[int, list[str]]:
    lines = []
    return probe(site.base_url, night, out=lines.append), lines


def test_probe_reports_every_surface_and_form(loopback):
    with ReplaySite(options=SiteOptions(feed_form="rfc822", listing_dates="js")) as site:
        code, lines = run_probe(site)
        paths = [p for _, p, _ in site.requests]
    text = "\n".join(lines)
    assert code == 0, text
    assert "  feeds    /RSS/news.xml                  48 items; date forms: rfc822=48; in the night: 17 by time" in lines
    assert "  sitemap  /news-sitemap.xml              34 items; date forms: iso8601=34; in the night: 17 by time" in lines
    assert any(line.startswith("  listings /news ") and "listing_en=20" in line for line in lines)
    assert lines[-3:] == ["listings: ok (47 items, 21 in the night, 0 urls unread)",
                          "feeds: ok (96 items, 34 in the night, 0 urls unread)",
                          "sitemap: ok (34 items, 17 in the night, 0 urls unread)"]
    assert "articles: /view/AEN20230511009500315 allowed by robots.txt (not fetched)" in lines
    assert paths[0] == "/robots.txt" and len(paths) == len(set(paths))  # one read per url
    assert not [p for p in paths if p.startswith("/view/")]  # no article fetched


def test_probe_fails_on_an_empty_surface_and_says_why(loopback):
    broken = b"<rss><channel><item><title>x</title><link>https://elsewhere.example/a</link></item></channel></rss>"
    with ReplaySite(options=SiteOptions().only("listings", "sitemap")) as site:
        code, lines = run_probe(site)
    assert code == 1
    assert "  feeds    /RSS/news.xml                UNREAD: http_404" in lines
    assert "feeds: EMPTY (0 items, 0 in the night, 7 urls unread)" in lines
    assert lines[-1].startswith("surfaces that yielded nothing: feeds")
    from pipelines.discovery import surfaces

    result = surfaces.parse_feed(broken, "https://en.yna.co.kr/RSS/news.xml", "https://en.yna.co.kr")
    assert result.items == [] and "not an article of this site" in result.problems[0]


def test_probe_fails_when_robots_forbids_the_articles(loopback, monkeypatch):
    import replay.surfaces

    original = replay.surfaces.robots_txt
    monkeypatch.setattr(replay.surfaces, "robots_txt", lambda base, line: original(base, line).replace("Disallow: /search", "Disallow: /view/AEN"))
    with ReplaySite() as site:
        code, lines = run_probe(site)
    assert code == 1 and "articles: /view/AEN20230511009500315 DISALLOWED by robots.txt (not fetched)" in lines


def test_probe_refuses_loopback_without_the_allowance(monkeypatch):
    monkeypatch.delenv("WIREDESK_ALLOW_LOOPBACK", raising=False)
    monkeypatch.setenv("WIREDESK_THROTTLE", "0")
    with ReplaySite() as site:
        code, lines = run_probe(site)
        assert site.requests == []
    assert code == 1 and "refused_address: 127.0.0.1 resolves to non-public 127.0.0.1" in "\n".join(lines)


def test_probe_command_line(loopback):
    with ReplaySite() as site:
        proc = subprocess.run([sys.executable, "-m", "pipelines.discovery", "probe", "--base-url", site.base_url,
                               "--night", "2023-05-11"], capture_output=True, text=True, timeout=120,
                              cwd=config.PROJECT_ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"probe of {site.base_url} for night 2023-05-11 (KST)")


def test_capture_dag_settings(tmp_path):
    env = airflow_runs.airflow_env(tmp_path / "airflow")
    code = """
import json, runpy
from airflow.sdk.definitions.dag import DAG
ns = runpy.run_path('dags/yonhap_capture.py')
(dag,) = [v for v in ns.values() if isinstance(v, DAG)] or [ns['yonhap_capture']()]
print(json.dumps({'timetable': type(dag.timetable).__name__, 'tz': str(dag.timetable.timezone),
  'catchup': dag.catchup, 'max_active_runs': dag.max_active_runs, 'tags': sorted(dag.tags), 'doc': bool(dag.doc_md),
  'retries': [t.retries for t in dag.tasks], 'tasks': sorted(t.task_id for t in dag.tasks)}))
"""
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          cwd=config.PROJECT_ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    assert info == {"timetable": "CronDataIntervalTimetable", "tz": "Asia/Seoul", "catchup": False,
                    "max_active_runs": 1, "tags": ["capture", "discovery", "wiredesk", "yonhap"], "doc": True,
                    "retries": [2], "tasks": ["capture"]}


@pytest.mark.slow
def test_capture_dag_runs_a_pass_in_airflow(pipeline_env, tmp_path):
    from helpers import count

    env = airflow_runs.airflow_env(tmp_path / "airflow")
    airflow_runs.ensure_metadata_db(env)
    proc = airflow_runs.dags_test("yonhap_capture", "2023-05-11T23:40:00+09:00", env)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-5000:]
    url = pipeline_env["database_url"]
    site = pipeline_env["site"]
    # every article of the site is in a feed or the sitemap, and the pass fetched and stored each
    assert count(url, "SELECT count(DISTINCT article_id) FROM discovery_frontier") == 48
    assert count(url, "SELECT count(*) FROM discovery_reads WHERE discover_run_id IS NOT NULL AND reason IS NULL") == 9
    assert count(url, "SELECT count(*) FROM capture_articles WHERE first_captured_at IS NOT NULL") == 48
    assert count(url, "SELECT count(DISTINCT article_id) FROM story_revisions WHERE story_id IS NOT NULL") == 48
    # the pass ran as of its data interval's end: a manual run at 23:40 covers [23:20, 23:40)
    assert count(url, "SELECT count(*) FROM capture_passes WHERE pass_at = '2023-05-11T23:40:00+09:00'") == 1
    assert count(url, "SELECT count(*) FROM capture_passes") == 1
    assert len([p for _, p, _ in site.requests if p.startswith("/view/")]) == 48
