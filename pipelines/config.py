"""Settings from the environment, with defaults that need nothing installed.

Every setting is read when asked for, never at import, so a DAG file that imports
this module stays cheap and a test can change the environment between calls.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_YONHAP_BASE_URL = "https://en.yna.co.kr"


def home() -> Path:
    """Where wiredesk keeps local state: the embedded database, the local raw store, work files."""
    path = Path(os.environ.get("WIREDESK_HOME") or PROJECT_ROOT / ".wiredesk")
    path.mkdir(parents=True, exist_ok=True)
    return path


# Executors whose tasks may run on other machines than the one that ran the task before.
DISTRIBUTED_EXECUTORS = ("CeleryExecutor", "CeleryKubernetesExecutor", "KubernetesExecutor", "EdgeExecutor")


class SingleMachineSetting(RuntimeError):
    """A default that only works on one machine (a local raw folder, the embedded database) was left
    in place under an executor that spreads tasks over several."""


def airflow_config_file() -> Path:
    """The airflow.cfg Airflow reads: AIRFLOW_CONFIG, else $AIRFLOW_HOME/airflow.cfg (AIRFLOW_HOME
    defaulting to ~/airflow)."""
    if os.environ.get("AIRFLOW_CONFIG"):
        return Path(os.environ["AIRFLOW_CONFIG"]).expanduser()
    return Path(os.environ.get("AIRFLOW_HOME") or "~/airflow").expanduser() / "airflow.cfg"


def configured_executor() -> tuple[str, str]:
    """(executor setting, where it was read) as Airflow resolves [core] executor: inside an Airflow process
    Airflow's own configuration; elsewhere AIRFLOW__CORE__EXECUTOR, else the airflow.cfg Airflow would
    read (without importing Airflow, which would write a default airflow.cfg). ("", "") when none says."""
    import sys

    if "airflow.configuration" in sys.modules:  # a task, a worker: what Airflow itself uses (also _CMD, _SECRET)
        try:
            return sys.modules["airflow.configuration"].conf.get("core", "executor") or "", "Airflow's configuration"
        except Exception:  # noqa: BLE001 - a half-initialised Airflow: read the sources below
            pass
    if os.environ.get("AIRFLOW__CORE__EXECUTOR") is not None:
        return os.environ["AIRFLOW__CORE__EXECUTOR"], "AIRFLOW__CORE__EXECUTOR"
    import configparser

    path = airflow_config_file()
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read(path, encoding="utf-8")
        return parser.get("core", "executor", fallback=""), f"[core] executor in {path}"
    except (configparser.Error, OSError, UnicodeDecodeError):
        return "", ""


def _distributed(setting: str) -> str | None:
    """The distributed executor a [core] executor setting names (a list, aliases and module paths allowed)."""
    for entry in setting.split(","):
        name = entry.strip().rsplit(":", 1)[-1].rsplit(".", 1)[-1]
        if name in DISTRIBUTED_EXECUTORS:
            return name
    return None


def refuse_single_machine(default: str, remedy: str) -> None:
    """Raise SingleMachineSetting when `default` is about to be used under a distributed executor."""
    setting, where = configured_executor()
    executor = _distributed(setting)
    if executor:
        raise SingleMachineSetting(
            f"{default} is for a single machine, and Airflow's executor is {executor} ({where}): a task on "
            f"another worker would not see what this one wrote. {remedy} (see docs/scaling.md)")


def yonhap_base_url() -> str:
    return os.environ.get("WIREDESK_YONHAP_BASE_URL", DEFAULT_YONHAP_BASE_URL).rstrip("/")


def _positive_int(name: str, default: int) -> int:
    text = os.environ.get(name)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {text!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value


def max_sitemaps() -> int:
    """How many sitemaps one read of a site follows (an index of 20,000 children must not run away):
    WIREDESK_MAX_SITEMAPS, default 50. The spider and the discover reader both stop there."""
    return _positive_int("WIREDESK_MAX_SITEMAPS", 50)


def max_sitemap_depth() -> int:
    """How many index levels below the first sitemap are followed (a chain 1,000 deep stops here):
    WIREDESK_MAX_SITEMAP_DEPTH, default 3."""
    return _positive_int("WIREDESK_MAX_SITEMAP_DEPTH", 3)


def archive_concurrency() -> int:
    """Raw-store writes in flight at once during a crawl: WIREDESK_ARCHIVE_CONCURRENCY, default 8
    (a store answering in 3 s must not serialize the crawl)."""
    return _positive_int("WIREDESK_ARCHIVE_CONCURRENCY", 8)


def allow_loopback() -> bool:
    """Test-only allowance: let the spider fetch from a replay site on 127.0.0.1. Off by default."""
    return os.environ.get("WIREDESK_ALLOW_LOOPBACK", "") == "1"


def throttle_enabled() -> bool:
    """Polite delays and AutoThrottle are on unless explicitly lifted (for the local replay site)."""
    return os.environ.get("WIREDESK_THROTTLE", "1") != "0"


@dataclass(frozen=True)
class S3Settings:
    bucket: str
    endpoint_url: str | None
    access_key: str | None
    secret_key: str | None
    region: str

    def __repr__(self) -> str:  # never show credentials in logs or tracebacks
        return f"S3Settings(bucket={self.bucket!r}, endpoint_url={self.endpoint_url!r})"


def s3_settings() -> S3Settings | None:
    """S3 settings from the environment or an Airflow connection; None means: use a local folder.

    WIREDESK_S3_BUCKET turns S3 on. The endpoint and credentials come from
    WIREDESK_S3_ENDPOINT / AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or, when
    WIREDESK_S3_CONN_ID names an Airflow connection, from that connection
    (login, password, extra {"endpoint_url": ...}).
    """
    bucket = os.environ.get("WIREDESK_S3_BUCKET")
    if not bucket:
        return None
    endpoint = os.environ.get("WIREDESK_S3_ENDPOINT") or os.environ.get("AWS_ENDPOINT_URL")
    access_key = os.environ.get("AWS_ACCESS_KEY_ID")
    secret_key = os.environ.get("AWS_SECRET_ACCESS_KEY")
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    conn_id = os.environ.get("WIREDESK_S3_CONN_ID")
    if conn_id:
        from airflow.sdk import Connection  # only where Airflow runs the task

        conn = Connection.get(conn_id)
        extra = conn.extra_dejson or {}
        endpoint = extra.get("endpoint_url") or endpoint
        access_key = conn.login or access_key
        secret_key = conn.password or secret_key
        region = extra.get("region_name") or region
    return S3Settings(bucket, endpoint, access_key, secret_key, region)
