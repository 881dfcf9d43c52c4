"""yonhap_nightly through a real, running Airflow: `airflow standalone` (api-server, scheduler,
dag-processor, triggerer; pipelines.airflow_local) on a scratch PostgreSQL metadata database,
with wiredesk's data in another scratch database, raw pages on the test S3 server and the replay
site as Yonhap. Everything goes through the REST API: token, unpause, trigger, wait, task log,
asset event; then wiredesk's crawl_runs.summary; then stop, with no process left behind.

Started once for the module (about 1.5-2.5 min on two cores); the tests read what that run left.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg2
import pytest

from conftest import free_port
from pipelines import airflow_local, db
from pipelines.airflow_rest import api, wait_for

def _has_async_postgres_driver() -> bool:
    from importlib.util import find_spec

    return find_spec("asyncpg") is not None


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(airflow_local.airflow_executable() is None, reason="no `airflow` executable installed"),
    # Airflow 3 opens its PostgreSQL metadata database through an async driver too (asyncpg by default)
    pytest.mark.skipif(not _has_async_postgres_driver(), reason="asyncpg not installed (pip install asyncpg)"),
]
REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
DAG_ID = "yonhap_nightly"
# A trigger by hand, at 09:00 KST: it crawls the last whole interval, the KST night 2023-05-10, and its
# run id must say so (Airflow alone would name it after 2023-05-11T00:00Z).
LOGICAL_DATE = "2023-05-11T09:00:00+09:00"
RUN_TIMEOUT = 420  # generous: the machine may be shared; a healthy run takes 1-2 min
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    """A Chromium on PATH (Debian: `apt-get install chromium`)."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def scratch_db(pg_server_url):
    """Plain scratch databases (no wiredesk schema), dropped at the end of the module."""
    admin = psycopg2.connect(pg_server_url)
    admin.autocommit = True
    made = []

    def make(prefix: str) -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return db.with_database(pg_server_url, name)

    yield make
    with admin.cursor() as cur:
        for name in made:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(scope="module")
def airflow_run(tmp_path_factory, pg_server_url, scratch_db, s3_server):
    """Start Airflow, trigger the night through the REST API, wait for the run; stop it all at the end."""
    import boto3

    from replay.server import ReplaySite

    tmp = tmp_path_factory.mktemp("airflow-e2e")
    started = time.monotonic()
    site = ReplaySite().start()
    bucket = f"wiredesk-e2e-{uuid.uuid4().hex[:8]}"
    s3 = {"WIREDESK_S3_BUCKET": bucket, "WIREDESK_S3_ENDPOINT": s3_server, "AWS_ACCESS_KEY_ID": "testing-key",
          "AWS_SECRET_ACCESS_KEY": "testing-secret-0123456789", "AWS_DEFAULT_REGION": "us-east-1"}
    boto3.client("s3", endpoint_url=s3_server, aws_access_key_id=s3["AWS_ACCESS_KEY_ID"],
                 aws_secret_access_key=s3["AWS_SECRET_ACCESS_KEY"], region_name="us-east-1").create_bucket(Bucket=bucket)
    wiredesk_url = scratch_db("wiredesk_e2e")
    db.migrate(wiredesk_url)
    metadata_url = scratch_db("airflow_e2e").replace("postgresql://", "postgresql+psycopg2://", 1)
    port = free_port()
    env = dict(os.environ, **s3,
               WIREDESK_HOME=str(tmp / "home"), DATABASE_URL=wiredesk_url,
               WIREDESK_YONHAP_BASE_URL=site.base_url, WIREDESK_ALLOW_LOOPBACK="1", WIREDESK_THROTTLE="0",
               WIREDESK_EXTRACT_WORKERS="2",
               AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=metadata_url,
               AIRFLOW__CORE__PARALLELISM="4",
               AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC="1",
               # (no AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE here: `make airflow` must turn the timetable off
               # itself, so unpausing adds no scheduled run for "yesterday"; see test_make_airflow_...)
               AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL="5",
               AIRFLOW__LOGGING__LOGGING_LEVEL="INFO")
    for name in ("WIREDESK_ALERT_WEBHOOK", "WIREDESK_ALERT_EMAIL", "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE"):
        env.pop(name, None)
    home = tmp / "home" / "airflow"
    info = {"site": site, "env": env, "home": home, "port": port, "base": f"http://127.0.0.1:{port}",
            "wiredesk_url": wiredesk_url, "timings": {}}
    try:
        proc = subprocess.run([sys.executable, "-m", "pipelines.airflow_local", "start", "--port", str(port),
                               "--timeout", "300"], cwd=REPO, env=env, capture_output=True, text=True, timeout=330)
        info["state"] = airflow_local.read_state(home)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        # says that nothing runs unless asked, and how to ask for the schedule
        assert "nothing is crawled unless you ask" in proc.stdout and "make airflow SCHEDULE=1" in proc.stdout
        info["timings"]["healthy"] = round(time.monotonic() - started, 1)
        username, password = re.search(r"username (\S+), password (\S+)", proc.stdout).groups()
        status, body = api(info["base"], "/auth/token", method="POST",
                           body={"username": username, "password": password})
        assert status in (200, 201), body
        token = info["token"] = body["access_token"]

        base = info["base"]
        wait_for("the DAG to be parsed", lambda: api(base, f"/api/v2/dags/{DAG_ID}", token)[0] == 200, 240)
        status, body = api(base, f"/api/v2/dags/{DAG_ID}", token, "PATCH", {"is_paused": False})
        assert status == 200 and body["is_paused"] is False, body
        status, body = api(base, f"/api/v2/dags/{DAG_ID}/dagRuns", token, "POST",
                           {"logical_date": LOGICAL_DATE,
                            "note": "triggered by tests/test_airflow_api_e2e.py"})
        assert status in (200, 201), body
        run_id = info["run_id"] = body["dag_run_id"]
        triggered = time.monotonic()

        def finished():
            status, body = api(base, f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}", token)
            state = body["state"] if status == 200 else None
            return state if state in ("success", "failed") else None

        info["state_reached"] = wait_for("the run to finish", finished, RUN_TIMEOUT, interval=2)
        info["timings"]["run"] = round(time.monotonic() - triggered, 1)
        yield info
    finally:
        stop_airflow(info)
        site.stop()


def stop_airflow(info: dict) -> list:
    """Stop standalone (pipelines.airflow_local stop); kill whatever survived; return the survivors."""
    if info.get("stopped") is not None:
        return info["stopped"]
    subprocess.run([sys.executable, "-m", "pipelines.airflow_local", "stop", "--timeout", "30"], cwd=REPO,
                   env=info["env"], capture_output=True, text=True, timeout=90)
    state = info.get("state")
    left = airflow_local.group_processes(state["pgid"], state["sid"]) if state else []
    for proc in left:
        try:
            os.kill(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    info["stopped"] = left
    return left


def test_run_succeeds(airflow_run):
    assert airflow_run["state_reached"] == "success", task_states(airflow_run)
    assert airflow_run["timings"]["run"] < RUN_TIMEOUT


def test_make_airflow_runs_only_what_is_triggered(airflow_run):
    """`make airflow` (airflow_local start without --schedule) turns the scheduler's own timetable off:
    yonhap_nightly was unpaused above, and no scheduled run (a crawl of "yesterday") appeared beside the
    triggered one (issue 18, row 18)."""
    state = airflow_run["state"]
    schedulers = [p for p in airflow_local.group_processes(state["pgid"], state["sid"]) if "scheduler" in p.cmd]
    assert schedulers
    for proc in schedulers:
        assert b"AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE=False" in Path(f"/proc/{proc.pid}/environ").read_bytes()
    status, body = api(airflow_run["base"], f"/api/v2/dags/{DAG_ID}/dagRuns?run_type=scheduled",
                       airflow_run["token"])
    assert status == 200 and body["total_entries"] == 0, body


def task_states(run) -> dict:
    body = api(run["base"], f"/api/v2/dags/{DAG_ID}/dagRuns/{run['run_id']}/taskInstances", run["token"])[1]
    return {ti["task_id"]: ti["state"] for ti in body["task_instances"]}


def test_every_task_succeeded_and_logs_its_counts(airflow_run):
    assert task_states(airflow_run) == {"crawl": "success", "plan_batches": "success", "load_batch": "success",
                                        "finish_load": "success", "group": "success", "check": "success"}
    base, token, run_id = airflow_run["base"], airflow_run["token"], airflow_run["run_id"]
    expected = {"crawl": "crawl of yonhap", "finish_load": "loaded crawl run", "group": "grouped:", "check": "run summary:"}
    for task_id, phrase in expected.items():
        status, body = api(base, f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/{task_id}/logs/1", token)
        assert status == 200, body
        text = json.dumps(body["content"]) if isinstance(body, dict) else str(body)
        assert phrase in text, f"{task_id} log lacks {phrase!r}: {text[-2000:]}"


def test_a_run_triggered_by_hand_is_named_by_its_night(airflow_run):
    assert re.fullmatch(r"manual__2023-05-10T16:30:00\+00:00_\w+", airflow_run["run_id"]), airflow_run["run_id"]


def test_dag_details_show_the_kst_timezone(airflow_run):
    status, body = api(airflow_run["base"], f"/api/v2/dags/{DAG_ID}/details", airflow_run["token"])
    assert status == 200 and body["timezone"] == "Asia/Seoul", body.get("timezone") if status == 200 else body


def wiredesk_summary(run) -> dict:
    with psycopg2.connect(run["wiredesk_url"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT run_id, status, summary FROM crawl_runs")
        rows = cur.fetchall()
    assert len(rows) == 1, rows
    run_id, status, summary = rows[0]
    assert run_id == run["run_id"] and status == "ok"
    return summary


def test_summary_in_wiredesk_and_on_the_asset_event(airflow_run):
    summary = wiredesk_summary(airflow_run)
    assert summary["stories"] > 0 and summary["stories_new"] == summary["stories"]
    assert summary["pages_fetched"] > 0 and summary["problems"] == []
    base, token, run_id = airflow_run["base"], airflow_run["token"], airflow_run["run_id"]
    query = urllib.parse.urlencode({"source_dag_id": DAG_ID, "source_run_id": run_id})
    status, body = api(base, f"/api/v2/assets/events?{query}", token)
    assert status == 200, body
    (event,) = body["asset_events"]
    assert event["uri"] == "wiredesk://yonhap/stories" and event["source_task_id"] == "check"
    extra = event["extra"]
    assert extra["night"] == "2023-05-10"
    for key in ("stories_new", "stories_revised", "stories_unchanged", "pages_fetched", "pages_failed_fetch",
                "pages_failed_extract", "failures_by_reason"):
        assert extra[key] == summary[key], key
    status, body = api(base, f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}", token)
    assert body["note"] == "triggered by tests/test_airflow_api_e2e.py"  # a note set at trigger time is kept


BACKFILL = ["backfill", "create", "--dag-id", DAG_ID, "--from-date", "2023-05-09T00:00:00+09:00",
            "--to-date", "2023-05-10T23:59:59+09:00"]  # the KST nights 2023-05-09 and 2023-05-10


def test_backfill_covers_the_nights_and_reruns_change_nothing(airflow_run):
    """Airflow's own backfill (the scheduler runs it): night 05-09 is new, night 05-10 was loaded by the
    triggered run and its rerun adds nothing; the same backfill again creates no runs."""
    env = dict(airflow_run["env"], AIRFLOW_HOME=str(airflow_run["home"]))
    base, token = airflow_run["base"], airflow_run["token"]
    started = time.monotonic()
    proc = subprocess.run([str(Path(sys.executable).with_name("airflow")), *BACKFILL], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    def backfill_runs():
        status, body = api(base, f"/api/v2/dags/{DAG_ID}/dagRuns?run_type=backfill", token)
        return body["dag_runs"] if status == 200 else []

    def done():
        runs = backfill_runs()
        return runs if len(runs) == 2 and all(r["state"] in ("success", "failed") for r in runs) else None

    runs = wait_for("the backfill runs to finish", done, RUN_TIMEOUT, interval=2)
    airflow_run["timings"]["backfill"] = round(time.monotonic() - started, 1)
    assert sorted(r["state"] for r in runs) == ["success", "success"], runs
    with psycopg2.connect(airflow_run["wiredesk_url"]) as conn, conn.cursor() as cur:
        cur.execute("""SELECT (interval_start AT TIME ZONE 'Asia/Seoul')::date::text, run_id, status, revisions_new,
                              stories_new FROM crawl_runs ORDER BY crawl_run_id""")
        crawled = cur.fetchall()
    backfilled = {night: (status, revisions, stories) for night, run_id, status, revisions, stories in crawled
                  if run_id.startswith("backfill__")}
    assert set(backfilled) == {"2023-05-09", "2023-05-10"}
    triggered = [(revisions, stories) for night, run_id, status, revisions, stories in crawled
                 if night == "2023-05-10" and not run_id.startswith("backfill__")][0]
    # already loaded by the triggered run: the night's own totals again (pipelines.night_totals); a story
    # the backfilled 05-09 also holds counts as revised now, no longer as new
    assert backfilled["2023-05-10"][:2] == ("ok", triggered[0]) and triggered[0] > 0
    assert backfilled["2023-05-10"][2] <= triggered[1]
    assert backfilled["2023-05-09"][0] == "ok" and backfilled["2023-05-09"][1] > 0

    def backfill_completed():
        status, body = api(base, f"/api/v2/backfills?dag_id={DAG_ID}", token)
        return status == 200 and all(b.get("completed_at") for b in body["backfills"]) and body["backfills"]

    wait_for("the scheduler to mark the backfill completed", backfill_completed, 60, interval=2)
    again = subprocess.run([str(Path(sys.executable).with_name("airflow")), *BACKFILL], env=env,
                           capture_output=True, text=True, timeout=120)
    airflow_run["timings"]["backfill_again"] = {"exit": again.returncode,
                                                "said": (again.stdout + again.stderr).strip().splitlines()[-1:]}
    time.sleep(3)
    assert len(backfill_runs()) == 2, again.stdout[-2000:] + again.stderr[-2000:]


def serve_cookie_page(token: str, target: str) -> tuple[ThreadingHTTPServer, str]:
    """A page on another port of 127.0.0.1 that stores the token as the UI's `_token` cookie (cookies are
    per host, not per port) and goes on to the Airflow UI: the UI's own login form does the same."""
    page = (f"<script>document.cookie = '_token={token}; path=/';"
            f"location.replace({json.dumps(target)});</script>").encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def chromium_or_skip() -> str:
    found = find_chromium()
    if not found:
        pytest.skip(f"no Chromium on PATH (looked for {', '.join(CHROMIUM_NAMES)}; "
                    "Debian: apt-get install chromium): no screenshots")
    return found


def chromium(run, tmp_path, target: str, *, screenshot: Path | None = None, dump_dom: bool = False) -> str:
    """Open `target` logged in (the token as the UI's cookie), headless; screenshot it or return its DOM."""
    server, start_url = serve_cookie_page(run["token"], target)
    args = [chromium_or_skip(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={tmp_path / 'chromium'}", "--window-size=1600,1000",
            "--virtual-time-budget=20000"]
    args += [f"--screenshot={screenshot}"] if screenshot else ["--dump-dom"]
    try:
        # the browser of an operator in Korea: the UI writes times in the browser's zone
        proc = subprocess.run(args + [start_url], capture_output=True, text=True, timeout=120,
                              env=dict(os.environ, TZ="Asia/Seoul"))
    finally:
        server.shutdown()
        server.server_close()
    return proc.stdout


def screenshot(run, tmp_path, target: str, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / name
    shot.unlink(missing_ok=True)
    chromium(run, tmp_path, target, screenshot=shot)
    assert shot.exists() and shot.stat().st_size > 10_000
    return shot


def test_grid_view_screenshot(airflow_run, tmp_path):
    screenshot(airflow_run, tmp_path, f"{airflow_run['base']}/dags/{DAG_ID}/runs/{airflow_run['run_id']}",
               "yonhap_nightly_grid.png")


def test_nights_view_refuses_anonymous_callers(airflow_run):
    base = airflow_run["base"]
    for path in ("/wiredesk/nights", "/wiredesk/api/nights", f"/wiredesk/runs/{DAG_ID}/{airflow_run['run_id']}",
                 "/wiredesk/static/uPlot.iife.min.js"):
        status, _ = api(base, path)
        assert status == 401, (path, status)
        status, _ = api(base, path, token="forged.jwt.token")
        assert status in (401, 403), (path, status)


def test_nights_view_shows_each_night_from_crawl_runs(airflow_run):
    status, rows = api(airflow_run["base"], "/wiredesk/api/nights", airflow_run["token"])
    assert status == 200, rows
    with psycopg2.connect(airflow_run["wiredesk_url"]) as conn, conn.cursor() as cur:
        cur.execute("""SELECT DISTINCT ON (interval_start) (interval_start AT TIME ZONE 'Asia/Seoul')::date::text,
                              run_id, pages_fetched, revisions_new, stories_new
                       FROM crawl_runs ORDER BY interval_start DESC, crawl_run_id DESC""")
        expected = [list(row) for row in cur.fetchall()]
    assert [[r["night"], r["run_id"], r["pages_fetched"], r["revisions_new"], r["stories_new"]] for r in rows] == expected
    assert all(r["state"] == "ok" and r["airflow"]["state"] == "success" for r in rows), rows


def test_nights_view_and_run_tab_in_chromium(airflow_run, tmp_path):
    """The nights view draws its chart (uPlot's canvas in the DOM), and both views render inside the UI."""
    base, run_id = airflow_run["base"], airflow_run["run_id"]
    dom = chromium(airflow_run, tmp_path, f"{base}/wiredesk/nights", dump_dom=True)
    assert "wiredesk nights" in dom and "<canvas" in dom and "uplot" in dom, dom[-2000:]
    assert "2023-05-10" in dom
    dom = chromium(airflow_run, tmp_path, f"{base}/wiredesk/runs/{DAG_ID}/{run_id}", dump_dom=True)
    assert "wiredesk night 2023-05-10 (KST)" in dom and run_id in dom
    screenshot(airflow_run, tmp_path, f"{base}/plugin/wiredesk-nights", "wiredesk_nights_view.png")
    screenshot(airflow_run, tmp_path, f"{base}/dags/{DAG_ID}/runs/{run_id}/plugin/wiredesk-night",
               "wiredesk_night_run_tab.png")


IFRAME = "document.querySelector('iframe')"
IN_FRAME = f"({IFRAME} && {IFRAME}.contentDocument)"


def click_link_in_plugin_frame(page, selector: str) -> None:
    """Wait for the link `selector` inside the plugin's iframe, scroll it into view and click its middle,
    once the frame's layout has settled (the chart above the table is drawn after the page loads) and
    the link is what a click at that point hits."""
    link = f"{IN_FRAME}.querySelector({json.dumps(selector)})"
    page.wait_for(f"!!({IN_FRAME} && {link})", timeout=90)
    where = f"""(() => {{ const link = {link}; link.scrollIntoView({{block: 'center'}});
        const r = link.getClientRects()[0], f = {IFRAME}.getBoundingClientRect();  // a wrapped link: its first line
        const hit = {IFRAME}.contentDocument.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return hit && link.contains(hit) ? [f.left + r.left + r.width / 2, f.top + r.top + r.height / 2] : null; }})()"""
    previous, deadline = None, time.monotonic() + 60
    while True:
        point = page.wait_for(where, timeout=60)
        if point == previous or time.monotonic() > deadline:
            break
        previous = point
        time.sleep(0.5)
    page.click(*point)


def test_nights_view_links_work_when_clicked_inside_the_airflow_ui(airflow_run, tmp_path):
    """Airflow 3.3 frames plugin views in an iframe sandboxed without allow-top-navigation or allow-popups:
    the "run" link of the nights view and the failed-task link of a run's tab, clicked with the mouse in
    Chromium, must take the Airflow UI itself to that run and to the mapped task instance."""
    from cdp import Chromium

    base, token = airflow_run["base"], airflow_run["token"]
    status, rows = api(base, "/wiredesk/api/nights", token)
    run_id = next(r["run_id"] for r in rows if r["night"] == "2023-05-10")
    run_path = f"/dags/{DAG_ID}/runs/{urllib.parse.quote(run_id, safe='')}"
    ti_path = f"/api/v2/dags/{DAG_ID}/dagRuns/{urllib.parse.quote(run_id, safe='')}/taskInstances/load_batch/0"
    status, body = api(base, ti_path, token, "PATCH", {"new_state": "failed"})  # a failed mapped task to link to
    assert status == 200, body
    started = time.monotonic()
    try:
        with Chromium(chromium_or_skip(), tmp_path / "cdp") as browser:
            page = browser.new_page()
            page.set_cookie("_token", token, base)
            page.navigate(f"{base}/plugin/wiredesk-nights")
            click_link_in_plugin_frame(page, f'a[data-airflow][href="{run_path}"]')
            page.wait_for(f"location.pathname === {json.dumps(run_path)}")
            # the UI itself shows the run now, not a page inside the frame
            page.wait_for(f"!document.querySelector('iframe') && document.body.innerText.includes({json.dumps(run_id)})")

            page.navigate(f"{base}{run_path}/plugin/wiredesk-night")
            task = f"{run_path}/tasks/load_batch/mapped/0"
            click_link_in_plugin_frame(page, f'a[data-airflow][href="{task}"]')
            page.wait_for(f"location.pathname === {json.dumps(task)}")
            shown = page.wait_for("!document.querySelector('iframe') && document.body.innerText.includes('load_batch')"
                                  " && document.body.innerText")
            assert "404" not in shown and "not found" not in shown.lower(), shown[:2000]
    finally:
        status, body = api(base, ti_path, token, "PATCH", {"new_state": "success"})
        airflow_run["timings"]["nights_view_clicks"] = round(time.monotonic() - started, 1)
    assert status == 200, body


def test_bad_bytes_in_plugin_paths_get_a_4xx_and_no_traceback(airflow_run):
    base, token = airflow_run["base"], airflow_run["token"]
    log = Path(airflow_run["state"]["log"])
    before = log.stat().st_size
    for path in ("%00", "%00abc", "a%01b", "%ff%fe", "%ed%a0%80", "x" * 300):
        status, body = api(base, f"/wiredesk/runs/{DAG_ID}/{path}", token)
        assert 400 <= status < 500, (path, status, body)
        status, _ = api(base, f"/wiredesk/runs/{path}/x", token)
        assert 400 <= status < 500, (path, status)
    with log.open("rb") as handle:
        handle.seek(before)
        assert b"Traceback" not in handle.read()


def test_stop_leaves_no_process(airflow_run):
    left = stop_airflow(airflow_run)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "airflow_api_e2e_timings.json").write_text(json.dumps(airflow_run["timings"], indent=2) + "\n")
    assert not left, [f"{p.pid} {p.cmd}" for p in left]
    assert not (airflow_run["home"] / airflow_local.PID_FILE_NAME).exists()
