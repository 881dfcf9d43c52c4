"""WARC files themselves (issue 17): rotation, crash safety (kill -9 mid-file), what a fetch records
as received (content encoding kept, chunking, 304), through real Scrapy with the project settings."""
from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import pytest

from conftest import REPO
from test_warc import records_of, warcio_check

DAY = date(2023, 5, 10)


def make_writer(root: Path, **kwargs):
    from pipelines.rawstore import LocalRawStore
    from pipelines.warc.writer import RotatingWarcWriter

    store = LocalRawStore(root / "raw")
    return store, RotatingWarcWriter(store, root / "spool", source="yonhap", day=DAY,
                                     info={"software": "test", "operator": "tests"}, **kwargs)


def resource_record(writer, n: int, payload: bytes):
    return writer.builder.create_warc_record(f"http://example.test/{n}", "resource", payload=BytesIO(payload),
                                             length=len(payload), warc_content_type="application/octet-stream")


def test_files_rotate_by_size_each_whole_indexed_and_under_the_documented_key(tmp_path):
    store, writer = make_writer(tmp_path, max_bytes=60_000)
    placed = [writer.write([resource_record(writer, n, os.urandom(25_000))])[0] for n in range(7)]
    writer.close()
    keys = store.list_keys("warc/")
    warcs = [k for k in keys if k.endswith(".warc.gz")]
    assert len(warcs) == 3  # 3 records of 25 KB fill a file past 60 KB: 3 + 3 + 1
    assert all(k.startswith(f"warc/yonhap/2023/05/10/{writer.run}-0000") for k in warcs)
    assert sorted(k.removesuffix(".warc.gz") + ".cdxj" for k in warcs) == sorted(set(keys) - set(warcs))
    for key in warcs:
        path = tmp_path / "raw" / key
        assert warcio_check(path).returncode == 0
        records = records_of(path)
        assert records[0]["type"] == "warcinfo"
        index = (tmp_path / "raw" / (key.removesuffix(".warc.gz") + ".cdxj")).read_text()
        assert index.count("example.test") == len(records) - 1
    for n, where in enumerate(placed):  # each location reads back as that record
        from pipelines.warc.reader import read_record

        assert read_record(store, where.key, where.offset, where.length).target_uri == f"http://example.test/{n}"
    assert not list((tmp_path / "spool").rglob("*.open"))


WRITE_FOREVER = textwrap.dedent("""
    import os, sys
    from datetime import date
    from io import BytesIO
    from pipelines.rawstore import LocalRawStore
    from pipelines.warc.writer import RotatingWarcWriter
    root = sys.argv[1]
    writer = RotatingWarcWriter(LocalRawStore(root + "/raw"), root + "/spool", source="yonhap",
                                day=date(2023, 5, 10), info={"software": "test"})
    n = 0
    while True:
        payload = os.urandom(3_000_000)
        record = writer.builder.create_warc_record("http://example.test/%d" % n, "resource",
                                                   payload=BytesIO(payload), length=len(payload))
        writer.write([record])
        print(n, flush=True)
        n += 1
""")


def test_a_writer_killed_mid_file_leaves_whole_records_and_the_next_run_closes_the_file(tmp_path):
    from pipelines.rawstore import LocalRawStore
    from pipelines.warc.writer import recover_spool

    child = subprocess.Popen([sys.executable, "-c", WRITE_FOREVER, str(tmp_path)], cwd=REPO, stdout=subprocess.PIPE,
                             text=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    written = -1
    try:
        while written < 5:
            written = int(child.stdout.readline())
        time.sleep(0.05)  # most likely in the middle of the next record
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    spooled = list((tmp_path / "spool").rglob("*.open"))
    assert len(spooled) == 1
    # make sure the last record is cut, whatever moment the kill came at
    with open(spooled[0], "ab") as handle:
        handle.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: resource\r\n" + os.urandom(5000))[:3000])

    store = LocalRawStore(tmp_path / "raw")
    done = recover_spool(store, tmp_path / "spool")
    assert len(done) == 1 and done[0]["dropped_bytes"] >= 3000
    path = tmp_path / "raw" / done[0]["key"]
    check = warcio_check(path)
    assert check.returncode == 0, check.stdout + check.stderr
    records = records_of(path)
    assert records[0]["type"] == "warcinfo"
    uris = [r["uri"] for r in records[1:]]
    assert uris[:written + 1] == [f"http://example.test/{n}" for n in range(written + 1)]  # every completed one
    assert all(len(r["payload"]) == 3_000_000 for r in records[1:])
    assert (tmp_path / "raw" / done[0]["key"].replace(".warc.gz", ".cdxj")).exists()
    assert not list((tmp_path / "spool").rglob("*.open"))
    assert recover_spool(store, tmp_path / "spool") == []  # nothing left to do


def test_recovery_leaves_a_file_a_live_writer_holds(tmp_path):
    from pipelines.warc.writer import recover_spool

    store, writer = make_writer(tmp_path)
    writer.write([resource_record(writer, 1, b"x" * 100)])
    assert recover_spool(store, tmp_path / "spool") == []
    writer.close()
    assert [k for k in store.list_keys("warc/") if k.endswith(".warc.gz")]


PAGE = b"<html><head><title>Encoded</title></head><body>" + b"wire copy " * 300 + b"</body></html>"
GZ = gzip.compress(PAGE, mtime=0)


class Origin(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/robots.txt":
            return self.answer(200, b"User-agent: *\nAllow: /\n", [("Content-Type", "text/plain")])
        if self.path == "/moved":
            return self.answer(301, b"moved", [("Content-Type", "text/plain"), ("Location", "/gz")])
        if self.path == "/gz":
            return self.answer(200, GZ, [("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
        if self.path == "/etag":
            if self.headers.get("If-None-Match") == '"v1"':
                return self.answer(304, b"", [("ETag", '"v1"')])
            return self.answer(200, PAGE, [("Content-Type", "text/html"), ("ETag", '"v1"')])
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (PAGE[:100], PAGE[100:]):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
            return None
        return self.answer(404, b"no", [("Content-Type", "text/plain")])

    def answer(self, status, body, headers):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


PROBE = textwrap.dedent("""
    import scrapy

    class Probe(scrapy.Spider):
        name = "probe"
        source = "probe"
        night = "2023-05-10"

        def __init__(self, base, **kwargs):
            super().__init__(**kwargs)
            self.base = base

        async def start(self):
            for path in ("/gz", "/chunked", "/etag"):
                yield scrapy.Request(self.base + path, callback=self.parse)
            yield scrapy.Request(self.base + "/etag", headers={"If-None-Match": '"v1"'}, dont_filter=True,
                                 meta={"handle_httpstatus_list": [304]}, callback=self.parse)

        def parse(self, response):
            self.logger.info("seen %s %s %d", response.url, response.status, len(response.body))
""")


@pytest.fixture
def origin():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Origin)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_scrapy_fetches_are_recorded_as_received_encoded_dechunked_and_304(origin, tmp_path):
    spider = tmp_path / "probe.py"
    spider.write_text(PROBE)
    home = tmp_path / "home"
    env = dict(os.environ, PYTHONPATH=str(REPO), SCRAPY_SETTINGS_MODULE="spiders.settings", WIREDESK_HOME=str(home),
               WIREDESK_ALLOW_LOOPBACK="1", WIREDESK_THROTTLE="0")
    env.pop("DATABASE_URL", None)
    # a file an earlier crawl was killed in the middle of (its writer gone, the last record cut)
    from pipelines.rawstore import LocalRawStore
    from pipelines.warc.writer import RotatingWarcWriter

    earlier = RotatingWarcWriter(LocalRawStore(home / "raw"), home / "warc-spool", source="probe", day=DAY)
    earlier.write([resource_record(earlier, 0, b"kept")])
    earlier.handle.write(gzip.compress(b"WARC/1.1\r\n" + os.urandom(4000))[:1000])
    earlier.handle.close()
    proc = subprocess.run([sys.executable, "-m", "scrapy", "runspider", str(spider), "-a", f"base={origin}"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "seen %s/gz 200 %d" % (origin, len(PAGE)) in proc.stderr  # the spider sees the decoded body
    files = sorted((home / "raw" / "warc" / "probe" / "2023" / "05" / "10").glob("*.warc.gz"))
    assert len(files) == 2 and not list((home / "warc-spool").rglob("*.open"))  # the crawl closed the earlier one
    for path in files:
        assert warcio_check(path).returncode == 0
    leftover = next(p for p in files if p.name.startswith(earlier.run))
    assert [r["uri"] for r in records_of(leftover)][1:] == ["http://example.test/0"]
    records = records_of(next(p for p in files if p != leftover))
    responses = [r for r in records if r["type"] == "response"]
    by_path = {}
    for r in responses:
        by_path.setdefault(r["uri"].removeprefix(origin), []).append(r)

    gz = by_path["/gz"][0]
    assert gz["payload"] == GZ  # before content decoding
    assert gz["http"].get_header("Content-Encoding") == "gzip"
    requests = [r for r in records if r["type"] == "request" and r["uri"].endswith("/gz")]
    assert "gzip" in requests[0]["http"].get_header("Accept-Encoding")
    assert requests[0]["http"].get_header("Host") == origin.removeprefix("http://")

    chunked = by_path["/chunked"][0]
    # Twisted de-chunks and drops the header: the record holds the entity body, consistent headers
    assert chunked["payload"] == PAGE and chunked["http"].get_header("Transfer-Encoding") is None

    statuses = sorted(r["http"].get_statuscode() for r in by_path["/etag"])
    assert statuses == ["200", "304"]  # the conditional answer is recorded as the 304 it was
    not_modified = next(r for r in by_path["/etag"] if r["http"].get_statuscode() == "304")
    assert not_modified["payload"] == b"" and not_modified["http"].statusline == "304 Not Modified"
    assert all(r["headers"].get_header("WARC-IP-Address") == "127.0.0.1" for r in responses)


def test_surface_reads_outside_scrapy_are_recorded_hop_by_hop_before_gzip_decoding(origin, tmp_path, monkeypatch):
    """PoliteFetcher (capture's urllib reads of feeds and sitemaps) with the WARC surface recorder."""
    from pipelines.discovery.fetch import PoliteFetcher
    from pipelines.rawstore import LocalRawStore
    from pipelines.warc.surfaces import SurfaceRecorder

    monkeypatch.setenv("WIREDESK_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("WIREDESK_WARC_SPOOL", str(tmp_path / "spool"))
    recorder = SurfaceRecorder(LocalRawStore(tmp_path / "raw"), "yonhap", DAY)
    fetcher = PoliteFetcher(origin, delay=0, recorder=recorder)
    try:
        moved = fetcher.get(origin + "/moved")
        chunked = fetcher.get(origin + "/chunked")
        missing = fetcher.get(origin + "/nothing")
    finally:
        recorder.close()
    assert moved.ok and moved.url == origin + "/gz" and moved.body == PAGE  # the caller gets the decoded body
    assert chunked.body == PAGE and missing.status == 404
    files = sorted((tmp_path / "raw" / "warc" / "yonhap" / "2023" / "05" / "10").glob("*.warc.gz"))
    assert len(files) == 1 and files[0].name.startswith("capture-surfaces-")
    assert files[0].with_name(files[0].name.removesuffix(".warc.gz") + ".cdxj").exists()
    assert not list((tmp_path / "spool").rglob("*.open"))
    check = warcio_check(files[0])
    assert check.returncode == 0, check.stdout + check.stderr
    records = records_of(files[0])
    assert records[0]["type"] == "warcinfo"
    responses = {r["uri"].removeprefix(origin): r for r in records if r["type"] == "response"}
    assert list(responses) == ["/robots.txt", "/moved", "/gz", "/chunked", "/nothing"]  # every hop, in order
    assert responses["/moved"]["http"].statusline == "301 Moved Permanently"
    assert responses["/moved"]["http"].get_header("Location") == "/gz"
    assert responses["/gz"]["payload"] == GZ and responses["/gz"]["http"].get_header("Content-Encoding") == "gzip"
    assert responses["/chunked"]["payload"] == PAGE
    assert responses["/chunked"]["http"].get_header("Transfer-Encoding") is None
    assert responses["/chunked"]["headers"].get_header("WARC-Wiredesk-Note")
    assert responses["/nothing"]["http"].get_statuscode() == "404" and responses["/nothing"]["payload"] == b"no"
    requests = {r["uri"].removeprefix(origin): r for r in records if r["type"] == "request"}
    for path, response in responses.items():
        assert response["headers"].get_header("WARC-IP-Address") == "127.0.0.1"
        assert response["headers"].get_header("WARC-Concurrent-To") == \
            requests[path]["headers"].get_header("WARC-Record-ID")
    assert requests["/gz"]["http"].get_header("Accept-Encoding") == "gzip"
    assert requests["/gz"]["http"].get_header("Host") == origin.removeprefix("http://")
