"""Airflow on CeleryExecutor on this machine, every component a separate process: for the Celery
end-to-end test and `make bench-celery` (production runs docker-compose.yml; see docs/scaling.md).

    broker = redis_broker(work_dir)            # the machine's Redis, or a redis-server of our own, or None
    stack = CeleryStack(work_dir, metadata_url, broker.url, workers=2, env={...wiredesk settings...})
    stack.start()                              # db migrate, api-server, scheduler, dag-processor,
                                               # triggerer, N `airflow celery worker`s; waits until ready
    stack.kill_worker("w2")                    # SIGKILL a worker's whole session: a lost machine
    left = stack.stop()                        # SIGTERM every session, SIGKILL what is left
    broker.stop()

Each process runs in its own session (so a worker and its task processes go together). The
workers are as on separate machines: each has its own AIRFLOW_HOME (its airflow.cfg, its task logs),
its own WIREDESK_HOME and its own working directory under <work_dir>/<name>, a distinct Celery
hostname (`w1@%h`), log-server port and task-instance hostname (`<host>-w1`, through [core]
hostname_callable = worker_hostname). The stack uses a queue of its own on a random Redis database
number, and every Redis key it makes starts with its own prefix (kombu's global_keyprefix), so two
stacks on one Redis do not meet and `broker.forget(stack.key_prefix)` removes all of its keys.
"""
from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import airflow_local, airflow_rest, config

ADMIN_USER = "admin"
WORKER_NAME_VAR = "WIREDESK_WORKER_NAME"


def worker_hostname() -> str:
    """[core] hostname_callable of the local workers: the machine's name plus the worker's, so task
    instances show which of two workers on one machine ran them."""
    name = os.environ.get("WIREDESK_WORKER_NAME", "")
    host = socket.getfqdn()
    return f"{host}-{name}" if name else host


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- the broker


@dataclass
class Broker:
    url: str  # redis://host:port/db
    description: str
    process: subprocess.Popen | None = None

    def keys(self, prefix: str) -> list[bytes]:
        """The keys on the broker's database that start with `prefix`."""
        import redis

        client = redis.Redis.from_url(self.url, socket_timeout=5)
        try:
            return list(client.scan_iter(match=_glob_escape(prefix) + "*", count=500))
        finally:
            client.close()

    def forget(self, prefix: str) -> int:
        """Delete every key a stack made (all start with its prefix: a shared server outlives the stack);
        returns how many. A server gone already keeps nothing of ours either."""
        import redis

        try:
            keys = self.keys(prefix)
            client = redis.Redis.from_url(self.url, socket_timeout=5)
            try:
                for start in range(0, len(keys), 500):
                    client.delete(*keys[start:start + 500])
            finally:
                client.close()
            return len(keys)
        except redis.RedisError:
            return 0

    def stop(self) -> None:
        """Stop the redis-server this started, if any (never the machine's)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def _glob_escape(text: str) -> str:
    return "".join(f"\\{ch}" if ch in "*?[]\\" else ch for ch in text)


def _redis_answers(url: str) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        ok = client.ping()
        client.close()
        return bool(ok)
    except redis.RedisError:
        return False


def redis_broker(work_dir: Path) -> Broker | str:
    """The machine's Redis on 127.0.0.1:6379 where it answers, else a redis-server started here on a free
    port (if the binary exists); a random database number 1-15 keeps runs apart. A string says why none."""
    db_number = random.randint(1, 15)
    if _redis_answers(f"redis://127.0.0.1:6379/{db_number}"):
        return Broker(f"redis://127.0.0.1:6379/{db_number}", "the machine's Redis on 127.0.0.1:6379")
    binary = shutil.which("redis-server")
    if not binary:
        return "no Redis answers on 127.0.0.1:6379 and no redis-server binary is installed"
    port = free_port()
    work_dir.mkdir(parents=True, exist_ok=True)
    log = open(work_dir / "redis.log", "wb")
    proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                             "--dir", str(work_dir)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"redis://127.0.0.1:{port}/{db_number}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and proc.poll() is None:
        if _redis_answers(url):
            return Broker(url, f"redis-server started on 127.0.0.1:{port}", proc)
        time.sleep(0.2)
    Broker(url, "", proc).stop()
    return f"redis-server did not answer on 127.0.0.1:{port} (see {work_dir / 'redis.log'})"


# ---------------------------------------------------------------- Airflow's components and workers


@dataclass
class Component:
    name: str
    process: subprocess.Popen
    log: Path
    extra: dict = field(default_factory=dict)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


class CeleryStack:
    """api-server, scheduler, dag-processor, triggerer and `workers` Celery workers (see the module doc)."""

    def __init__(self, work_dir: Path, metadata_url: str, broker_url: str, workers: int = 2, concurrency: int = 1,
                 env: dict | None = None, port: int | None = None):
        if not metadata_url.startswith("postgresql+psycopg2://"):
            raise ValueError("metadata_url must be postgresql+psycopg2://... (the result backend uses it too)")
        self.work_dir = Path(work_dir)
        self.home = self.work_dir / "airflow"
        self.home.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.queue = f"wiredesk-{uuid.uuid4().hex[:10]}"
        self.key_prefix = f"{self.queue}:"  # every Redis key of this stack (kombu's global_keyprefix)
        self.password = secrets.token_urlsafe(16)
        self.worker_names = [f"w{i + 1}" for i in range(workers)]
        self.components: dict[str, Component] = {}
        exe = airflow_local.airflow_executable()
        if exe is None:
            raise RuntimeError("no `airflow` executable installed")
        self.airflow = exe
        from cryptography.fernet import Fernet

        passwords = self.home / "simple_auth_manager_passwords.json"
        passwords.write_text(json.dumps({ADMIN_USER: self.password}))
        passwords.chmod(0o600)
        self.env = dict(os.environ if env is None else env)
        self.env["PATH"] = os.pathsep.join([str(Path(exe).parent), self.env.get("PATH", "")])
        self.env["PYTHONPATH"] = os.pathsep.join(p for p in [str(config.PROJECT_ROOT),
                                                             self.env.get("PYTHONPATH", "")] if p)
        self.env.update({
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(config.PROJECT_ROOT / "dags"),
            # the nights view and the nightly's timetable, as in compose
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(config.PROJECT_ROOT / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url,
            "AIRFLOW__CELERY__BROKER_URL": broker_url,
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + metadata_url,
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(concurrency),
            "AIRFLOW__OPERATORS__DEFAULT_QUEUE": self.queue,
            "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__GLOBAL_KEYPREFIX": self.key_prefix,
            "AIRFLOW__CORE__AUTH_MANAGER": airflow_local.SIMPLE_AUTH_MANAGER,
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN_USER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "False",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base}/execution/",
            # one set of secrets for every component (each would otherwise generate its own)
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
            "AIRFLOW__API__SECRET_KEY": secrets.token_hex(32),
            "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            # only the runs the caller triggers
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        })
        self.env.setdefault("AIRFLOW__CORE__PARALLELISM", "8")

    # -- processes

    def worker_dir(self, name: str) -> Path:
        """A worker's own directory, as on a machine of its own: its working directory, with its
        AIRFLOW_HOME (airflow.cfg, task logs) in airflow/ and its WIREDESK_HOME in home/."""
        return self.work_dir / name

    def worker_home(self, name: str) -> Path:
        return self.worker_dir(name) / "airflow"

    def _spawn(self, name: str, args: list[str], extra: dict | None = None, cwd: Path | None = None) -> Component:
        log = self.work_dir / f"{name}.log"
        env = dict(self.env, **(extra or {}))
        with open(log, "ab") as out:
            proc = subprocess.Popen([self.airflow, *args], env=env, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, cwd=cwd or config.PROJECT_ROOT, start_new_session=True)
        component = Component(name, proc, log, extra or {})
        self.components[name] = component
        return component

    def worker_task_hostname(self, name: str) -> str:
        """What task instances run by worker `name` show as hostname."""
        return f"{socket.getfqdn()}-{name}"

    def start(self, timeout: float = 240) -> CeleryStack:
        started = time.monotonic()
        migrate = subprocess.run([self.airflow, "db", "migrate"], env=self.env, capture_output=True, text=True,
                                 cwd=config.PROJECT_ROOT, timeout=timeout)
        if migrate.returncode != 0:
            raise RuntimeError(f"airflow db migrate failed:\n{migrate.stdout[-3000:]}\n{migrate.stderr[-3000:]}")
        self._spawn("api-server", ["api-server"])
        self._spawn("scheduler", ["scheduler"])
        self._spawn("dag-processor", ["dag-processor"])
        self._spawn("triggerer", ["triggerer"])
        for name in self.worker_names:
            home = self.worker_home(name)
            (self.worker_dir(name) / "home").mkdir(parents=True, exist_ok=True)
            home.mkdir(parents=True, exist_ok=True)
            airflow_local.link_plugins(home)
            self._spawn(name, ["celery", "worker", "--celery-hostname", f"{name}@%h", "--queues", self.queue,
                               "--without-gossip", "--without-mingle"],
                        {"AIRFLOW_HOME": str(home), "WIREDESK_HOME": str(self.worker_dir(name) / "home"),
                         "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
                         "AIRFLOW__CORE__HOSTNAME_CALLABLE": "pipelines.celery_local.worker_hostname",
                         WORKER_NAME_VAR: name},
                        cwd=self.worker_dir(name))
        remaining = lambda: max(5.0, timeout - (time.monotonic() - started))  # noqa: E731
        airflow_rest.wait_for("every Airflow component to be healthy", self._healthy, remaining())
        for name in self.worker_names:
            airflow_rest.wait_for(f"Celery worker {name} to be ready", lambda n=name: self._worker_ready(n),
                                  remaining())
        self.token = airflow_rest.token(self.base, ADMIN_USER, self.password)
        return self

    def _healthy(self):
        dead = [c.name for c in self.components.values() if not c.alive]
        if dead:
            raise RuntimeError(f"Airflow component(s) exited: {dead}; logs in {self.work_dir}:\n"
                               + "\n".join(self.tail(name) for name in dead))
        status, body = airflow_rest.api(self.base, "/api/v2/monitor/health", timeout=5)
        if status != 200 or not isinstance(body, dict):
            return None
        states = {k: (v or {}).get("status") for k, v in body.items() if k in airflow_local.HEALTH_COMPONENTS}
        return states if states and all(s == "healthy" for s in states.values()) else None

    def _worker_ready(self, name: str) -> bool:
        component = self.components[name]
        if not component.alive:
            raise RuntimeError(f"Celery worker {name} exited:\n{self.tail(name)}")
        return " ready." in component.log.read_text(errors="replace")

    def tail(self, name: str, chars: int = 3000) -> str:
        text = self.components[name].log.read_text(errors="replace") if name in self.components else ""
        return f"--- {name} ---\n{text[-chars:]}"

    def session_processes(self, name: str) -> list[airflow_local.Proc]:
        pid = self.components[name].process.pid
        return airflow_local.group_processes(pid, pid)  # each component leads its own session

    def kill_worker(self, name: str) -> int:
        """SIGKILL the worker and everything in its session (its pool, task processes, log server)."""
        procs = self.session_processes(name)
        for proc in procs:
            try:
                os.kill(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.components[name].process.wait(10)
        return len(procs)

    def stop(self, grace: float = 20) -> list[airflow_local.Proc]:
        """SIGTERM every component's session, SIGKILL what outlives `grace`; returns what could not be ended."""
        for component in self.components.values():
            for proc in self.session_processes(component.name):
                try:
                    os.kill(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(self.session_processes(n) for n in self.components):
            time.sleep(0.5)
        for name in self.components:
            for proc in self.session_processes(name):
                try:
                    os.kill(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        time.sleep(0.5)
        for component in self.components.values():
            try:
                component.process.wait(5)
            except subprocess.TimeoutExpired:
                pass
        return [proc for name in self.components for proc in self.session_processes(name)]
