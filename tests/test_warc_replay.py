"""The replay site's three nights in WARC, read back by pywb (its own venv, on 127.0.0.1) and shown by
headless Chromium; a revisit resolves to the original payload; the range exported to WARC and WACZ
replays too. The raw store is S3 (moto over HTTP) here: WARC files are put, listed and read by range."""
from __future__ import annotations

import json
import urllib.parse
import os
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from datetime import date
from pathlib import Path

import psycopg2
import pytest

from conftest import REPO
from test_hostile_input import night_ids as ids_of_night
from test_warc import records_of, served, warcio_check

NIGHTS = ["2023-05-09", "2023-05-10", "2023-05-11"]
PYWB_VENV = REPO / ".wiredesk" / "pywb-venv"


def night_ids(night: str) -> list[str]:
    return ids_of_night(date.fromisoformat(night))


def nightly(night: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "pipelines.nightly", night], cwd=REPO, capture_output=True,
                          text=True, timeout=600, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


@pytest.fixture(scope="module")
def archived(module_pipeline_env):
    """Three nights crawled, 2023-05-10 twice (revisits); 2023-05-09's pages then made to look archived
    before WARC was written (their raw_pages WARC columns cleared), as pages of older nights are."""
    for night in NIGHTS + ["2023-05-10"]:
        nightly(night)
    with psycopg2.connect(module_pipeline_env["database_url"]) as conn, conn.cursor() as cur:
        cur.execute("""UPDATE raw_pages SET warc_key = NULL, warc_offset = NULL, warc_length = NULL,
                              warc_record_id = NULL, warc_date = NULL, warc_payload_digest = NULL
                       WHERE raw_key LIKE 'raw/yonhap/2023/05/09/%'""")
        assert cur.rowcount == len(night_ids("2023-05-09"))
    conn.close()
    return module_pipeline_env


@pytest.fixture(scope="module")
def pywb_bin():
    from pipelines.warc.pywb import PywbUnavailable, ensure_venv

    try:
        return ensure_venv(PYWB_VENV)
    except PywbUnavailable as exc:
        pytest.skip(f"pywb cannot be installed here: {exc}")


@pytest.fixture
def chromium():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.skip("headless Chromium (/usr/bin/chromium) is not installed")
    return path


@pytest.fixture
def wayback(pywb_bin, tmp_path):
    from pipelines.warc.pywb import start_wayback

    started = []

    def start(root: Path) -> str:
        proc, base = start_wayback(pywb_bin, root)
        started.append(proc)
        return base

    yield start
    for proc in started:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read()


def cdx(base: str, collection: str, url: str) -> list[dict]:
    text = fetch(f"{base}/{collection}/cdx?url={urllib.parse.quote(url, safe='')}&output=json").decode()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def headline_in_browser(chromium: str, profile: Path, url: str) -> str:
    from cdp import Chromium

    with Chromium(chromium, profile) as browser:
        page = browser.new_page()
        page.navigate(url)
        # pywb's framed replay: the archived page is in the iframe under its banner (same origin)
        return page.wait_for("""(() => { const frame = document.querySelector('iframe');
            const doc = frame && frame.contentDocument; const h1 = doc && doc.querySelector('h1.tit');
            return h1 && h1.innerText; })()""", timeout=60)


def test_pywb_replays_the_night_and_a_revisit_resolves_to_the_original(archived, pywb_bin, wayback, chromium,
                                                                       tmp_path):
    from pipelines.rawstore import open_store
    from pipelines.warc.pywb import collect_night

    store = open_store()
    root = tmp_path / "pywb"
    name, keys = collect_night(store, pywb_bin, root, "yonhap", date(2023, 5, 10))
    assert len({k.rsplit("-", 1)[0] for k in keys}) == 2  # both runs' files
    base = wayback(root)
    site = archived["site"]
    article = sorted(night_ids("2023-05-10"))[0]
    url = f"{site.base_url}/view/{article}"
    original_bytes = served(url)

    captures = cdx(base, name, url)
    kinds = sorted(c.get("mime") for c in captures)
    assert kinds == ["text/html", "warc/revisit"], captures
    revisit = next(c for c in captures if c["mime"] == "warc/revisit")
    # the revisit record holds no body: pywb finds the original's payload by digest
    assert fetch(f"{base}/{name}/{revisit['timestamp']}id_/{url}") == original_bytes

    from replay.stories import nights

    title = next(a.title for n in nights() for a in n.articles if a.article_id == article)
    shown = headline_in_browser(chromium, tmp_path / "profile", f"{base}/{name}/{revisit['timestamp']}/{url}")
    assert shown.strip() == title


def test_three_nights_exported_to_warc_and_wacz_read_back_in_pywb(archived, pywb_bin, wayback, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipelines.warc", "export", "--from", NIGHTS[0], "--to", NIGHTS[-1],
                           str(out), "--wacz"], cwd=REPO, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    pages = {night: night_ids(night) for night in NIGHTS}
    assert result["rebuilt"] == len(pages["2023-05-09"])
    assert result["copied"] == len(pages["2023-05-10"]) + len(pages["2023-05-11"])
    warc = Path(result["warc"])
    assert warcio_check(warc).returncode == 0
    records = records_of(warc)
    assert records[0]["type"] == "warcinfo" and b"rebuilt from content-addressed objects" in records[0]["payload"]
    site = archived["site"]
    responses = {r["uri"]: r for r in records if r["type"] == "response"}
    assert len(responses) == len(records) - 1
    for night, ids in pages.items():
        for article in ids:
            record = responses[f"{site.base_url}/view/{article}"]
            rebuilt = record["headers"].get_header("WARC-Wiredesk-Rebuilt")
            assert (rebuilt is not None) == (night == "2023-05-09")
            assert record["payload"] == served(record["uri"])
    with zipfile.ZipFile(result["wacz"]) as package:
        names = package.namelist()
        assert "datapackage.json" in names and any(n.startswith("archive/") and n.endswith(".warc.gz") for n in names)
        listed = [json.loads(line) for line in package.read("pages/pages.jsonl").decode().splitlines()[1:]]
    assert {p["url"] for p in listed} == {f"{site.base_url}/view/{a}" for ids in pages.values() for a in ids}

    for label, source in (("warc", warc), ("wacz", Path(result["wacz"]))):
        from pipelines.warc.pywb import make_collection

        root = tmp_path / f"pywb-{label}"
        make_collection(pywb_bin, root, label, [source])
        base = wayback(root)
        for night, ids in pages.items():
            url = f"{site.base_url}/view/{sorted(ids)[0]}"
            assert fetch(f"{base}/{label}/2023id_/{url}") == served(url), (label, night)
