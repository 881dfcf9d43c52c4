"""WARC of every fetch (issue 17): a night run by hand on the replay site, then again."""
from __future__ import annotations

import subprocess
import sys
import urllib.request
from collections import defaultdict
from pathlib import Path

import psycopg2
import pytest

from test_hostile_input import night_ids
from test_night_by_hand import run_nightly

NIGHT = "2023-05-10"


def warcio_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", "-v", str(path)],
                          capture_output=True, text=True, timeout=120)


def records_of(path: Path) -> list[dict]:
    from warcio.archiveiterator import ArchiveIterator

    found = []
    with open(path, "rb") as handle:
        iterator = ArchiveIterator(handle)
        for record in iterator:
            payload = record.raw_stream.read()
            found.append({"type": record.rec_type, "uri": record.rec_headers.get_header("WARC-Target-URI"),
                          "headers": record.rec_headers, "http": record.http_headers, "payload": payload,
                          "offset": iterator.get_record_offset(), "length": iterator.get_record_length()})
    return found


def served(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as answer:  # the replay site on loopback
        return answer.read()


def runs_of(files: list[Path]) -> dict[str, list[Path]]:
    """WARC files grouped by the run (crawl process) that wrote them, in the order the runs started."""
    runs = defaultdict(list)
    for path in sorted(files):
        runs[path.name.rsplit("-", 1)[0]].append(path)
    return dict(sorted(runs.items()))


@pytest.fixture
def night_env(database_url, replay_site, tmp_path):
    return {"DATABASE_URL": database_url, "WIREDESK_HOME": str(tmp_path / "home"),
            "WIREDESK_YONHAP_BASE_URL": replay_site.base_url, "WIREDESK_ALLOW_LOOPBACK": "1",
            "WIREDESK_THROTTLE": "0", "WIREDESK_EXTRACT_WORKERS": "1"}


def test_a_night_run_twice_is_in_warc_as_received_with_revisits_the_second_time(night_env, database_url,
                                                                                  replay_site, tmp_path):
    for _ in range(2):
        done = run_nightly(NIGHT, env=night_env)
        assert done.returncode == 0, done.stdout + done.stderr
    store = Path(night_env["WIREDESK_HOME"]) / "raw"
    folder = store / "warc" / "yonhap" / "2023" / "05" / "10"
    files = sorted(folder.glob("*.warc.gz"))
    runs = runs_of(files)
    assert len(runs) == 2, [p.name for p in files]
    for path in files:
        check = warcio_check(path)
        assert check.returncode == 0, check.stdout + check.stderr
        assert path.with_name(path.name.removesuffix(".warc.gz") + ".cdxj").stat().st_size > 0
    assert not list((Path(night_env["WIREDESK_HOME"]) / "warc-spool").rglob("*.open"))

    first, second = ([r for path in paths for r in records_of(path)] for paths in runs.values())
    for records in (first, second):
        assert records[0]["type"] == "warcinfo"
        info = records[0]["payload"].decode()
        assert "software: wiredesk/" in info and "operator:" in info and "robots: obey" in info
    articles = {f"{replay_site.base_url}/view/{article_id}" for article_id in night_ids()}
    first_responses = {r["uri"]: r for r in first if r["type"] == "response"}
    assert articles <= set(first_responses)
    second_by_uri = {r["uri"]: r for r in second if r["type"] in ("response", "revisit")}
    assert articles <= set(second_by_uri)
    revisits = [r for r in second if r["type"] == "revisit"]
    assert {r["uri"] for r in revisits} >= articles  # the replay site serves the same bytes again
    by_id = {r["headers"].get_header("WARC-Record-ID"): r for r in first + second}
    for record in revisits:
        original = by_id[record["headers"].get_header("WARC-Refers-To")]
        assert original["type"] == "response"
        if record["uri"] in articles:  # known from raw_pages: the first run's record
            assert original is first_responses[record["uri"]]
        assert record["headers"].get_header("WARC-Refers-To-Target-URI") == record["uri"]
        assert record["headers"].get_header("WARC-Refers-To-Date") == original["headers"].get_header("WARC-Date")
        assert record["headers"].get_header("WARC-Payload-Digest") == \
            original["headers"].get_header("WARC-Payload-Digest")
        assert "identical-payload-digest" in record["headers"].get_header("WARC-Profile")
    for url in sorted(articles):
        record = first_responses[url]
        assert record["payload"] == served(url)  # the bytes the site serves for that url
        assert record["http"].get_statuscode() == "200"
        assert record["headers"].get_header("WARC-IP-Address") == "127.0.0.1"
        request = by_id[record["headers"].get_header("WARC-Concurrent-To")]
        assert request["type"] == "request" and request["uri"] == url
        assert request["headers"].get_header("WARC-Concurrent-To") == record["headers"].get_header("WARC-Record-ID")
    assert any(r["uri"].endswith("/robots.txt") for r in first if r["type"] == "response")

    # raw_pages says where each page's response record is, and it reads back as the archived page
    from pipelines.rawstore import LocalRawStore
    from pipelines.warc.reader import read_raw_page

    raw = LocalRawStore(store)
    with psycopg2.connect(database_url) as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT raw_key, url FROM raw_pages")
            rows = cur.fetchall()
        assert {url for _, url in rows} == articles
        for raw_key, url in rows:
            record = read_raw_page(conn, raw, raw_key)
            assert record.record_type == "response" and record.target_uri == url
            assert record.content == raw.get_page(raw_key)
    conn.close()


def test_a_page_archived_before_warc_gets_its_first_warc_location_and_keeps_it(database_url):
    from datetime import datetime, timezone

    from pipelines import crawl

    def page(**warc):
        return {"raw_key": "raw/yonhap/2023/05/10/A1/abc.html.gz", "source": "yonhap", "article_id": "A1",
                "url": "http://example.test/view/A1", "sha256": "abc", "http_status": 200,
                "content_type": "text/html", "size_bytes": 10, "fetched_at": "2023-05-10T01:00:00+00:00",
                "archived_new": True, **warc}

    start = datetime(2023, 5, 9, 15, tzinfo=timezone.utc)
    where = {"warc_key": "warc/yonhap/2023/05/10/r-00001.warc.gz", "warc_offset": 500, "warc_length": 900,
             "warc_record_id": "<urn:uuid:1>", "warc_date": "2023-05-10T02:00:00Z", "warc_payload_digest": "sha1:X"}
    later = dict(where, warc_key="warc/yonhap/2023/05/10/s-00001.warc.gz", warc_offset=7)
    with psycopg2.connect(database_url) as conn:
        run = crawl.start_crawl_run(conn, run_id="r", source="yonhap", start=start, end=start)
        crawl.record_manifest(conn, run, start, [page()], [])  # before WARC was written
        crawl.record_manifest(conn, run, start, [page(**where), page(**later)], [])  # twice in one manifest
        crawl.record_manifest(conn, run, start, [page(**later)], [])
        with conn.cursor() as cur:
            cur.execute("SELECT warc_key, warc_offset, warc_length, warc_payload_digest FROM raw_pages")
            assert cur.fetchall() == [(where["warc_key"], 500, 900, "sha1:X")]
    conn.close()
