"""`python -m pipelines.nightly YYYY-MM-DD` in a subprocess, as cron runs it: a raw store on a tiny
filesystem (the night fails saying why, and completes once there is room), passwords that are no valid
URL text with a dead server, and the extract CLI on a gzip bomb and /dev/zero (issue 10)."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from conftest import REPO, free_port
from helpers import count
from test_hostile_input import night_ids

NIGHT = "2023-05-10"


def run_nightly(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("WIREDESK_S3", "AWS_"))}
    child_env.update(env, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "pipelines.nightly", *args], cwd=REPO, env=child_env,
                          capture_output=True, text=True, timeout=600)


def mount_tmpfs(folder: Path, size: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {proc.stderr.strip()}")


@pytest.fixture
def tiny_raw_store(tmp_path):
    """WIREDESK_HOME whose raw/ folder is a 200 KB tmpfs: room for a few pages of a night, not all."""
    home = tmp_path / "home"
    raw = home / "raw"
    mount_tmpfs(raw, "200k")
    yield home
    subprocess.run(["umount", "-l", str(raw)], capture_output=True)


def test_a_full_raw_store_fails_the_night_saying_why_and_with_room_the_same_command_completes_it(
        database_url, replay_site, tiny_raw_store):
    env = {"DATABASE_URL": database_url, "WIREDESK_HOME": str(tiny_raw_store),
           "WIREDESK_YONHAP_BASE_URL": replay_site.base_url, "WIREDESK_ALLOW_LOOPBACK": "1",
           "WIREDESK_THROTTLE": "0", "WIREDESK_EXTRACT_WORKERS": "1"}
    raw = tiny_raw_store / "raw"
    # Fill it so that the night's pages cannot all fit (and some writes fail mid-file).
    (raw / "filler").write_bytes(os.urandom(150 * 1024))

    first = run_nightly(NIGHT, env=env)
    assert first.returncode == 1, first.stderr
    summary = json.loads(first.stdout)
    assert summary["status"] == "failed" and summary["failed_step"] == "crawl"
    assert f"local folder {raw}" in first.stderr and "No space left on device" in first.stderr
    failed = count(database_url, "SELECT count(*) FROM fetch_failures WHERE stage = 'archive' AND resolved_at IS NULL")
    archived = count(database_url, "SELECT count(*) FROM raw_pages")
    assert failed > 0 and failed + archived == len(night_ids())  # no page dropped silently
    assert count(database_url, "SELECT count(*) FROM crawl_runs WHERE status = 'failed'") == 1
    assert not list(raw.rglob(".tmp-*")), "a partial object was left behind"
    for path in raw.rglob("*.html.gz"):  # what was archived is whole
        assert path.stat().st_size > 0

    subprocess.run(["mount", "-o", "remount,size=20m", str(raw)], check=True)
    second = run_nightly(NIGHT, env=env)
    assert second.returncode == 0, second.stdout + second.stderr
    summary = json.loads(second.stdout)
    assert summary["status"] == "ok" and summary["check"]["problems"] == []
    assert count(database_url, "SELECT count(DISTINCT article_id) FROM story_revisions") == len(night_ids())
    assert count(database_url, "SELECT count(*) FROM fetch_failures WHERE resolved_at IS NULL") == 0
    assert not list(raw.rglob(".tmp-*"))


def test_a_read_only_night_folder_fails_the_crawl_and_records_the_pages(database_url, replay_site, tmp_path):
    """The store's root stays writable (the pre-crawl check passes); the night's folder turns read-only."""
    home = tmp_path / "home"
    night_folder = home / "raw" / "raw" / "yonhap" / "2023" / "05" / "10"
    mount_tmpfs(night_folder, "10m")
    try:
        subprocess.run(["mount", "-o", "remount,ro", str(night_folder)], check=True)
        env = {"DATABASE_URL": database_url, "WIREDESK_HOME": str(home), "WIREDESK_YONHAP_BASE_URL": replay_site.base_url,
               "WIREDESK_ALLOW_LOOPBACK": "1", "WIREDESK_THROTTLE": "0", "WIREDESK_EXTRACT_WORKERS": "1"}
        proc = run_nightly(NIGHT, "--run-id", "read-only", env=env)
        assert proc.returncode == 1
        assert "Read-only file system" in proc.stderr and "could not be archived" in proc.stderr
        assert count(database_url, "SELECT count(*) FROM fetch_failures WHERE stage = 'archive'") == len(night_ids())
    finally:
        subprocess.run(["umount", "-l", str(night_folder)], capture_output=True)


@pytest.mark.parametrize("password", ["p/ss%w@rd-9x", "se%cret/x@yz-q", "ab@cd/ef%gh", "%2Fnot-really-encoded@/"])
def test_no_password_text_in_any_output_with_a_dead_server(password, tmp_path):
    from pipelines import alerts

    for url in (f"postgresql://wiredesk:{password}@127.0.0.1:{free_port()}/wiredesk",
                f"postgresql://wiredesk:{password}@127.0.0.1:{free_port()}/wiredesk?connect_timeout=2"):
        proc = run_nightly(NIGHT, env={"DATABASE_URL": url, "WIREDESK_HOME": str(tmp_path / "home")})
        output = proc.stdout + proc.stderr
        assert proc.returncode in (1, 2) and json.loads(proc.stdout)["status"] in ("failed", "error"), output
        assert "Traceback" not in output
        pieces = {password} | {part for part in password.replace("%", "/").replace("@", "/").split("/") if len(part) >= 4}
        assert not [piece for piece in pieces if piece in output], output
        payload = alerts.alert_payload({"exception": RuntimeError(f"{json.loads(proc.stdout)['error']} via {url}"),
                                        "run_id": "r"})
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DATABASE_URL", url)
            payload_env = alerts.alert_payload({"exception": RuntimeError(f"it said {password!r}"), "run_id": "r"})
        for text in (json.dumps(payload), json.dumps(payload_env)):
            assert not [piece for piece in pieces if piece in text], text


def test_nightly_usage_errors_exit_2():
    proc = run_nightly("2023-13-40", env={})
    assert proc.returncode == 2 and "YYYY-MM-DD" in proc.stderr
    assert run_nightly(env={}).returncode == 2


# --- row 10: the extract CLI streams with a cap ----------------------------------------------------

def limited_memory():
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024, 1536 * 1024 * 1024))


@pytest.mark.parametrize("source", ["bomb", "/dev/zero"])
def test_extract_cli_refuses_a_gzip_bomb_and_an_endless_file_within_bounded_memory(source, tmp_path):
    from replay.faults import gzip_bomb

    if source == "bomb":
        path = tmp_path / "bomb.html.gz"
        path.write_bytes(gzip_bomb())  # about 1 MB, inflating to 1 GiB
    else:
        path = Path(source)
    proc = subprocess.run([sys.executable, "-m", "pipelines.extract", str(path)], cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=120,
                          preexec_fn=limited_memory)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and ": too_large: " in lines[0], proc.stderr


def test_an_item_pipeline_error_is_a_recorded_page_failure_not_a_silent_drop(replay_site, tmp_path, monkeypatch):
    import json as json_module

    from pipelines.crawl import read_manifest, run_spider
    from pipelines.intervals import night_window
    from datetime import date

    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent / "crawl_plugins"))
    monkeypatch.setenv("WIREDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WIREDESK_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("WIREDESK_THROTTLE", "0")
    for name in [n for n in os.environ if n.startswith(("WIREDESK_S3", "AWS_"))]:
        monkeypatch.delenv(name)
    start, end = night_window(date.fromisoformat(NIGHT))
    manifest = tmp_path / "manifest.jsonl"
    pipelines = {"spiders.pipelines.ArchiveRawPipeline": 100, "failing_pipeline.RaiseOnEveryOtherPage": 500,
                 "spiders.pipelines.ManifestPipeline": 900}
    run_spider("yonhap", start, end, manifest, replay_site.base_url,
               settings={"ITEM_PIPELINES": json_module.dumps(pipelines)})
    pages, failures = read_manifest(manifest)
    dropped = [f for f in failures if "item pipeline failed" in f["reason"]]
    assert dropped and all(f["stage"] == "archive" and "No space left" in f["reason"] for f in dropped)
    assert len(pages) + len(dropped) == len(night_ids())  # every fetched page accounted for
