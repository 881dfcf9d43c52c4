"""`python -m pipelines.extract PAGE [--url URL]` in a subprocess: JSON on stdout, or
exit code 2 and one line on stderr."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden" / "yonhap"
SHARED = Path(os.environ.get("WIREDESK_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared" / "wiredata")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "pipelines.extract", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_prints_record(tmp_path):
    page = GOLDEN / "lead_attn_byline.html"
    result = run_cli(str(page), "--url", "http://127.0.0.1:8765/view/AEN20230502004151320")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))


def test_cli_reads_gzip(tmp_path):
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress((GOLDEN / "second_ld_edited.html").read_bytes()))
    result = run_cli(str(page))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["revision_label"] == "2nd LD"


def test_cli_real_page():
    page = SHARED / "yonhap" / "pages" / "AEN20230419003851320.html.gz"
    if not page.is_file():
        pytest.skip(f"shared test data absent: {page}")
    result = run_cli(str(page), "--url", "https://en.yna.co.kr/view/AEN20230419003851320")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert (record["revision_label"], record["byline"]) == ("LEAD", "Kang Yoon-seung")


@pytest.mark.parametrize("content, code", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not_html"),
    (b"<html><head><meta property='yna:content_id' content='AEN20230419003851320'></head><body></body></html>",
     "unknown_layout"),
])
def test_cli_unparseable_page(tmp_path, content, code):
    page = tmp_path / "bad.html"
    page.write_bytes(content)
    result = run_cli(str(page))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f": {code}:" in lines[0], result.stderr


def test_cli_missing_file(tmp_path):
    result = run_cli(str(tmp_path / "nope.html"))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
