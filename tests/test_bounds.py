"""Issue #18, bounded work and the command line: servers Scrapy must not open, nights no source can have,
configuration errors said in one line without a piece of the password."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

import psycopg2
import pytest

from pipelines.intervals import ImplausibleNight, check_plausible_night
from tests.conftest import free_port

REPO = Path(__file__).resolve().parent.parent


def run_module(module: str, *args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "WIREDESK_S3_BUCKET")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", module, *args], cwd=REPO, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


# --- row 15: no server opened by Scrapy's defaults -------------------------------------------------------

def test_scrapy_settings_in_the_project_say_remote_control_is_off():
    for name in ("REMOTE_CONTROL_ENABLED", "TELNETCONSOLE_ENABLED"):
        proc = subprocess.run([sys.executable, "-m", "scrapy", "settings", "--get", name], cwd=REPO,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == "False", (name, proc.stdout)


def test_a_crawl_opens_no_remote_control_or_telnet_server_even_when_asked(tmp_path):
    """The extensions are unloaded, so not even `-s REMOTE_CONTROL_ENABLED=True` opens the server
    (which would run any code it is sent, with DATABASE_URL and the S3 secret in its environment)."""
    env = {k: v for k, v in os.environ.items() if k not in ("WIREDESK_S3_BUCKET",)}
    env.update(WIREDESK_HOME=str(tmp_path / "home"), WIREDESK_ALLOW_LOOPBACK="1", WIREDESK_THROTTLE="0",
               SCRAPY_SETTINGS_MODULE="spiders.settings")
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "yonhap", "-a", "start=2023-05-10T00:00:00+09:00",
         "-a", "end=2023-05-11T00:00:00+09:00", "-a", f"base_url=http://127.0.0.1:{free_port()}",
         "-s", "REMOTE_CONTROL_ENABLED=True", "-s", "TELNETCONSOLE_ENABLED=True", "-s", "RETRY_TIMES=0",
         "-s", f"REMOTE_CONTROL_JOBS_DIR={tmp_path / 'jobs'}", "-s", f"WIREDESK_MANIFEST={tmp_path / 'm.jsonl'}"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert "Enabled extensions" in proc.stderr, proc.stderr[-2000:]
    assert "RemoteControl" not in proc.stderr and "Remote control" not in proc.stderr
    assert "TelnetConsole" not in proc.stderr and "Telnet console listening" not in proc.stderr
    assert not (tmp_path / "jobs").exists() or not any((tmp_path / "jobs").iterdir())


# --- row 11 (CLI): a night no source can have --------------------------------------------------------------

@pytest.mark.parametrize("night", ["2999-01-01", "9999-12-31", "0001-01-01", "1900-01-01"])
def test_nightly_refuses_an_implausible_night_in_one_line_before_recording(night, database_url, tmp_path):
    proc = run_module("pipelines.nightly", night, env={
        "DATABASE_URL": database_url, "WIREDESK_HOME": str(tmp_path / "home"),
        "WIREDESK_YONHAP_BASE_URL": f"http://127.0.0.1:{free_port()}", "WIREDESK_ALLOW_LOOPBACK": "1"})
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "outside the plausible range" in lines[0] and night in lines[0], proc.stderr
    with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT (SELECT count(*) FROM crawl_runs) + (SELECT count(*) FROM fetch_failures)")
        assert cur.fetchone()[0] == 0


def test_plausible_range_runs_from_the_first_night_to_tomorrow_in_kst(monkeypatch):
    now = datetime(2026, 12, 5, 16, 0, tzinfo=timezone.utc)  # already 2026-12-06 01:00 in KST
    assert check_plausible_night(date(2026, 12, 7), now) == date(2026, 12, 7)  # tomorrow, KST
    with pytest.raises(ImplausibleNight):
        check_plausible_night(date(2026, 12, 8), now)
    assert check_plausible_night(date(1998, 1, 1), now)
    with pytest.raises(ImplausibleNight):
        check_plausible_night(date(1997, 12, 31), now)
    monkeypatch.setenv("WIREDESK_EARLIEST_NIGHT", "2023-05-09")
    with pytest.raises(ImplausibleNight):
        check_plausible_night(date(2023, 5, 8), now)


# --- row 16: configuration errors in one line, without a piece of the password ----------------------------

PASSWORDS = ["Kp4w/SECRET", "Kp4w%SECRET", "Kp4w@SECRET", "Kp4w/S%EC@RET"]


def pieces(password: str, size: int = 4) -> set[str]:
    return {password[i:i + size] for i in range(len(password) - size + 1)}


def assert_one_clean_line(proc, password: str, code: int) -> None:
    text = proc.stdout + proc.stderr
    assert proc.returncode == code, text
    assert "Traceback" not in text
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert [p for p in pieces(password) if p in text] == [], text


CLI_CASES = ([(("pipelines.db", "migrate"), p) for p in PASSWORDS]
             + [(("pipelines.nightly", "2023-05-10"), p) for p in PASSWORDS]
             + [(command, "Kp4w/S%EC@RET") for command in (
                 ("pipelines.search", "election", "--from", "2023-05-09", "--to", "2023-05-10"),
                 ("pipelines.reprocess", "2023-05-09", "2023-05-10"),
                 ("pipelines.discovery", "discover", "--base-url", "http://127.0.0.1:9"))])


@pytest.mark.parametrize("command,password", CLI_CASES)
def test_clis_report_an_unencoded_password_in_one_line(command, password, tmp_path):
    url = f"postgresql://wiredesk:{password}@127.0.0.1:{free_port()}/wiredesk"
    proc = run_module(command[0], *command[1:], env={"DATABASE_URL": url, "WIREDESK_HOME": str(tmp_path)})
    if proc.returncode == 2 and "usage:" in proc.stderr:
        pytest.fail(f"the command line in this test is wrong: {proc.stderr}")
    assert_one_clean_line(proc, password, 2)
    assert "configuration error" in proc.stderr and "percent-encode" in proc.stderr


@pytest.mark.parametrize("command", [("pipelines.db", "migrate"), ("pipelines.search", "election", "--from", "2023-05-09", "--to", "2023-05-10")])
def test_clis_report_an_unreachable_database_in_one_line(command, tmp_path):
    password = "Kp4w/SECRET"
    url = f"postgresql://wiredesk:Kp4w%2FSECRET@127.0.0.1:{free_port()}/wiredesk"  # encoded: valid, but nobody listens
    proc = run_module(command[0], *command[1:], env={"DATABASE_URL": url, "WIREDESK_HOME": str(tmp_path)})
    assert_one_clean_line(proc, password, 1)
    assert [p for p in pieces("Kp4w%2FSECRET") if p in proc.stderr] == []


# --- row 3 (first half): sitemap indexes capped by count and depth -----------------------------------------

from pipelines.crawl import discovery_manifest, read_manifest, run_spider  # noqa: E402
from pipelines.discovery import frontier  # noqa: E402
from pipelines.discovery.fetch import PoliteFetcher  # noqa: E402
from pipelines.intervals import night_window  # noqa: E402
from replay import surfaces as replay_surfaces  # noqa: E402
from replay.server import ReplaySite  # noqa: E402

NIGHT = date(2023, 5, 10)
EMPTY_URLSET = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n').encode()


class SitemapSite(ReplaySite):
    """The replay site whose news sitemap is `sitemaps[path]` (an index or a urlset) where given."""

    def __init__(self, sitemaps, **kwargs):
        super().__init__(**kwargs)
        self.sitemaps = sitemaps  # path -> callable(site) -> bytes

    def route(self, path_with_query: str, broken_layout: bool = False):
        path = path_with_query.split("?", 1)[0]
        if path in self.sitemaps or (path.startswith("/sm/") and "/sm/*" in self.sitemaps):
            make = self.sitemaps.get(path) or self.sitemaps["/sm/*"]
            return 200, "application/xml; charset=utf-8", make(self, path)
        return super().route(path_with_query, broken_layout)

    def sitemap_paths(self) -> list[str]:
        return [p for _, p, _ in self.requests if p.startswith("/sm/") or p == "/news-sitemap.xml"]


def index_of(paths: list[str], netloc: str) -> bytes:
    return replay_surfaces.sitemap_index(paths, netloc, datetime(2023, 5, 10, tzinfo=timezone.utc)).encode()


@pytest.fixture
def crawl_env(tmp_path, monkeypatch):
    monkeypatch.delenv("WIREDESK_S3_BUCKET", raising=False)  # the local raw store: the caps are the subject
    monkeypatch.setenv("WIREDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WIREDESK_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("WIREDESK_THROTTLE", "0")
    return tmp_path


def crawl_site(site, tmp_path, **settings):
    start, end = night_window(NIGHT)
    manifest = tmp_path / f"manifest-{len(list(tmp_path.glob('manifest-*')))}.jsonl"
    run_spider("yonhap", start, end, manifest, base_url=site.base_url, settings={"RETRY_TIMES": 0, **settings})
    pages, failures = read_manifest(manifest)
    return pages, failures, frontier.read_discovery_manifest(discovery_manifest(manifest))


def test_the_spider_reads_at_most_the_configured_number_of_sitemaps(crawl_env, monkeypatch):
    monkeypatch.setenv("WIREDESK_MAX_SITEMAPS", "12")
    children = [f"/sm/{n}.xml" for n in range(20_000)]
    site = SitemapSite({"/news-sitemap.xml": lambda s, p: index_of(children, f"{s.host}:{s.port}"),
                        "/sm/*": lambda s, p: EMPTY_URLSET})
    with site.start():
        began = time.monotonic()
        pages, _, reads = crawl_site(site, crawl_env)
        elapsed = time.monotonic() - began
        read = len(site.sitemap_paths())
    assert read == 12, read  # the index and 11 of its 20,000 children
    assert pages, "the articles the feeds and listings name were still fetched"
    index_read = next(r for r in reads if r["url"].endswith("/news-sitemap.xml"))
    assert any(p.startswith("sitemap_cap: 19989 sitemaps not read") for p in index_read["problems"]), index_read
    assert elapsed < 60


def test_the_spider_follows_a_chain_of_indexes_only_to_the_configured_depth(crawl_env, monkeypatch):
    monkeypatch.setenv("WIREDESK_MAX_SITEMAP_DEPTH", "4")

    def link(site, path):  # /news-sitemap.xml -> /sm/0.xml -> /sm/1.xml -> ... 1,000 deep
        n = -1 if path == "/news-sitemap.xml" else int(path.rsplit("/", 1)[1].split(".")[0])
        return index_of([f"/sm/{n + 1}.xml"], f"{site.host}:{site.port}") if n < 1000 else EMPTY_URLSET

    site = SitemapSite({"/news-sitemap.xml": link, "/sm/*": link})
    with site.start():
        _, _, reads = crawl_site(site, crawl_env)
        paths = site.sitemap_paths()
    assert paths == ["/news-sitemap.xml", "/sm/0.xml", "/sm/1.xml", "/sm/2.xml", "/sm/3.xml"], paths
    last = next(r for r in reads if r["url"].endswith("/sm/3.xml"))
    assert any("sitemap_cap" in p and "DEPTH=4" in p for p in last["problems"]), last


def test_the_discover_reader_caps_depth_as_well(crawl_env, monkeypatch):
    monkeypatch.setenv("WIREDESK_MAX_SITEMAP_DEPTH", "2")

    def link(site, path):
        n = -1 if path == "/news-sitemap.xml" else int(path.rsplit("/", 1)[1].split(".")[0])
        return index_of([f"/sm/{n + 1}.xml"], f"{site.host}:{site.port}")

    site = SitemapSite({"/news-sitemap.xml": link, "/sm/*": link})
    with site.start():
        reads = frontier.read_surfaces(site.base_url, feeds=False, fetcher=PoliteFetcher(site.base_url, delay=0))
        paths = site.sitemap_paths()
    assert paths == ["/news-sitemap.xml", "/sm/0.xml", "/sm/1.xml"], paths
    assert any("sitemap_cap" in p for p in reads[-1]["problems"]), reads[-1]


# --- row 6: only the configured scheme, host and port --------------------------------------------------------

def test_sitemap_children_and_redirects_to_another_port_are_refused_and_recorded(crawl_env):
    other = ReplaySite().start()  # the same articles on the same hostname, another port: another server
    try:
        site = SitemapSite({"/news-sitemap.xml": lambda s, p: index_of(["/sm/0.xml"], f"{s.host}:{s.port}").replace(
            b"</sitemapindex>", f"<sitemap><loc>{other.base_url}/news-sitemap.xml</loc></sitemap></sitemapindex>".encode()),
            "/sm/*": lambda s, p: EMPTY_URLSET})
        with site.start():
            victim = sorted(a.article_id for a in site.articles_newest_first()
                            if night_window(NIGHT)[0] <= a.published < night_window(NIGHT)[1])[0]
            site.add_fault(f"^/view/{victim}$", "redirect_private", location=f"{other.base_url}/view/{victim}")
            pages, failures, _ = crawl_site(site, crawl_env)
        assert other.requests == [], other.requests  # nothing was fetched from the other port
        reasons = {f["url"]: f["reason"] for f in failures}
        assert reasons[f"{other.base_url}/news-sitemap.xml"].startswith("refused_origin"), reasons
        assert reasons[f"{site.base_url}/view/{victim}"].startswith("refused_redirect: refused_origin"), reasons
        assert victim not in {p["article_id"] for p in pages}
    finally:
        other.stop()


def test_the_polite_fetcher_refuses_a_redirect_to_another_port(crawl_env):
    other = ReplaySite().start()
    try:
        with ReplaySite().start() as site:
            site.add_fault("^/news$", "redirect_private", location=f"{other.base_url}/news")
            fetched = PoliteFetcher(site.base_url, delay=0).get(f"{site.base_url}/news")
        assert fetched.reason and fetched.reason.startswith("refused_origin"), fetched
        assert other.requests == []
    finally:
        other.stop()


# --- row 13: a total deadline per request, not per read --------------------------------------------------------

class DripServer:
    """Answers every connection with a valid response, one byte every `interval` seconds."""

    def __init__(self, interval: float = 10.0):
        import socket
        import threading

        self.interval = interval
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.stopping = threading.Event()
        self.connections = 0
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        import threading

        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self.drip, args=(conn,), daemon=True).start()

    def drip(self, conn):
        body = b"User-agent: *\nAllow: /\n"
        payload = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        with conn:
            for byte in payload:
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
                if self.stopping.wait(self.interval):
                    return

    def close(self):
        self.stopping.set()
        self.sock.close()


def test_probe_against_a_dripping_server_ends_by_its_deadlines(tmp_path):
    server = DripServer(interval=10.0)
    try:
        began = time.monotonic()
        proc = run_module("pipelines.discovery", "probe", "--base-url", f"http://127.0.0.1:{server.port}",
                          "--night", "2023-05-10",
                          env={"WIREDESK_ALLOW_LOOPBACK": "1", "WIREDESK_THROTTLE": "0",
                               "WIREDESK_FETCH_DEADLINE": "1", "WIREDESK_HOME": str(tmp_path)}, timeout=90)
        elapsed = time.monotonic() - began
    finally:
        server.close()
    # robots.txt, 7 feeds, the sitemap and 3 listings: 12 requests of at most 1 s each
    assert elapsed < 40, elapsed
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "robots.txt: timeout: no whole answer within 1 s" in proc.stdout, proc.stdout
    assert proc.stdout.count("UNREAD: timeout") == 11, proc.stdout
    assert server.connections == 12


# --- row 5: raw-store writes run concurrently, bounded -----------------------------------------------------------

def test_a_slow_store_does_not_serialize_the_crawl(crawl_env, s3_server, monkeypatch):
    from pipelines.slow_store import SlowS3Proxy
    from tests.conftest import point_raw_store_at_new_bucket

    env = point_raw_store_at_new_bucket(s3_server, monkeypatch)
    monkeypatch.setenv("WIREDESK_ARCHIVE_CONCURRENCY", "6")
    with SlowS3Proxy(s3_server, put_delay=1.0, slowdown_every=5) as proxy, ReplaySite().start() as site:
        monkeypatch.setenv("WIREDESK_S3_ENDPOINT", proxy.url)
        pages, failures, _ = crawl_site(site, crawl_env)
    assert failures == []
    assert len(pages) >= 10
    assert 4 <= proxy.max_in_flight <= 6, proxy.max_in_flight  # concurrent, and never more than configured
    assert proxy.slowdowns >= 2  # the 503 SlowDown answers were retried, not lost
    stored = env["client"].list_objects_v2(Bucket=env["WIREDESK_S3_BUCKET"], Prefix="raw/")["Contents"]  # not WARC
    assert sorted(o["Key"] for o in stored) == sorted(p["raw_key"] for p in pages)  # every page, once


# --- row 8: children die with their parent; no rerun beside an orphan -----------------------------------------

def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(p) for p in text]
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")  # a zombie is dead, waiting for its new parent to reap it


def wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def kill_parent_and_check_children(script: str, env: dict, expect_children: int, tmp_path) -> None:
    import signal

    parent = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, env={**os.environ, **env},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kids: list[int] = []
    try:
        assert wait_for(lambda: len(kids.__setitem__(slice(None), children_of(parent.pid)) or kids)
                        >= expect_children, 60), (kids, parent.poll())
        assert parent.stdout.readline().strip() == "ready"
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        assert wait_for(lambda: not any(alive(k) for k in kids), 10), [k for k in kids if alive(k)]
    finally:
        for pid in [parent.pid, *kids]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_the_scrapy_child_dies_with_a_killed_parent(crawl_env):
    with ReplaySite().start() as site:
        site.add_fault("^/robots.txt$", "slow", delay=60)  # the crawl hangs on its first request
        script = (
            "import sys, threading\n"
            "from datetime import date\n"
            "from pathlib import Path\n"
            "from pipelines.crawl import run_spider\n"
            "from pipelines.intervals import night_window\n"
            "print('ready', flush=True)\n"
            f"run_spider('yonhap', *night_window(date(2023, 5, 10)), Path({str(crawl_env / 'm.jsonl')!r}), "
            f"base_url={site.base_url!r})\n")
        kill_parent_and_check_children(script, {"WIREDESK_HOME": str(crawl_env / "home"), "WIREDESK_ALLOW_LOOPBACK": "1",
                                                "WIREDESK_THROTTLE": "0"}, 1, crawl_env)


def test_extraction_pool_workers_die_with_a_killed_parent(crawl_env):
    script = ("import time\n"
              "from pipelines import load\n"
              "pool = load.extraction_pool(2)\n"
              "list(pool.map(abs, range(4)))\n"
              "print('ready', flush=True)\n"
              "time.sleep(120)\n")
    kill_parent_and_check_children(script, {}, 2, crawl_env)


def test_a_crawl_refuses_to_run_beside_a_live_crawl_of_the_same_night(database_url, crawl_env, monkeypatch):
    from pipelines import crawl, lifelines

    monkeypatch.setenv("DATABASE_URL", database_url)
    start, end = night_window(NIGHT)
    holder = psycopg2.connect(database_url)  # what an orphaned scrapy child of an earlier run holds
    holder.autocommit = True
    try:
        assert lifelines.try_crawl_lock(holder, "yonhap", start)
        with pytest.raises(crawl.CrawlError, match="still runs"):
            crawl.crawl_night(run_id="test-orphan", source="yonhap", start=start, end=end,
                              base_url=f"http://127.0.0.1:{free_port()}")
        with psycopg2.connect(database_url) as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM crawl_runs")
            assert cur.fetchone()[0] == 0  # refused before anything was recorded
        # and the scrapy child itself refuses to start while the lock is held
        with pytest.raises(crawl.CrawlError):
            run_spider("yonhap", start, end, crawl_env / "m.jsonl", base_url=f"http://127.0.0.1:{free_port()}",
                       settings={"WIREDESK_CRAWL_LOCK": f"yonhap {start.isoformat()}"})
    finally:
        holder.close()
    assert lifelines.crawl_lock_free(psycopg2.connect(database_url), "yonhap", start)


def test_the_alert_webhook_has_a_total_deadline_too():
    from pipelines import alerts

    server = DripServer(interval=10.0)
    try:
        began = time.monotonic()
        with pytest.raises(OSError, match="no answer within 1 s"):
            alerts.post_webhook(f"http://127.0.0.1:{server.port}/hook", {"dag": "x"}, timeout=1)
        assert time.monotonic() - began < 5
    finally:
        server.close()


def test_the_spider_cuts_a_dripping_server_at_its_download_timeout(crawl_env):
    """Scrapy's DOWNLOAD_TIMEOUT bounds a whole download (headers and body), not each read."""
    server = DripServer(interval=10.0)
    try:
        began = time.monotonic()
        site = type("Site", (), {"base_url": f"http://127.0.0.1:{server.port}"})()
        _, failures, reads = crawl_site(site, crawl_env, DOWNLOAD_TIMEOUT=2)
        elapsed = time.monotonic() - began
    finally:
        server.close()
    assert elapsed < 45, elapsed
    assert reads and all(r["reason"] and "took longer than 2" in r["reason"] for r in reads), reads
    assert server.connections >= 2
