"""Child processes die with their parent, and a crawl never runs beside an orphan of an earlier one.

- The scrapy child (pipelines.crawl.run_spider) and the extraction pool's workers (pipelines.load) ask
  the kernel for SIGKILL when their parent dies (prctl PR_SET_PDEATHSIG, Linux): a `kill -9` of the
  nightly process or its Airflow task takes them along instead of leaving a crawler running and pool
  workers holding memory for good. (The signal follows the parent *thread* that started the child;
  the callers here start children from the thread that waits for them.)
- Should a child still outlive its parent (another OS, a kernel without prctl), the crawl lock keeps a
  rerun from running beside it: the scrapy child holds a PostgreSQL advisory lock on (source, night)
  for as long as it lives (spiders.nightlock), and a new crawl of that night checks it first.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal

PR_SET_PDEATHSIG = 1
_LOCK_SPACE = "wiredesk.crawl"


def _prctl():
    """libc's prctl, or None (not Linux: the crawl lock still keeps reruns apart). Looked up before a
    fork, never in the child of a threaded parent, where loading a library could deadlock."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def die_with_parent(parent_pid: int, prctl=None) -> None:
    """In a child: be killed when the parent dies; exit now if it already has (the race before prctl)."""
    prctl = prctl or _prctl()
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)


def child_preexec():
    """A subprocess preexec_fn that makes the child die with this process."""
    parent, prctl = os.getpid(), _prctl()
    return lambda: die_with_parent(parent, prctl)


def lock_keys(source: str, interval_start) -> tuple[str, str]:
    """The advisory-lock key of one crawl: (namespace, source and night) for hashtext in SQL."""
    return _LOCK_SPACE, f"{source} {interval_start.isoformat()}"


def try_crawl_lock(conn, source: str, interval_start) -> bool:
    """Take the crawl lock on `conn` (session level: held until the connection closes) if it is free."""
    with conn.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(hashtext(%s), hashtext(%s))", lock_keys(source, interval_start))
        return bool(cur.fetchone()[0])


def crawl_lock_free(conn, source: str, interval_start) -> bool:
    """Whether no process (an orphaned scrapy child included) holds the crawl lock: taken and let go."""
    if not try_crawl_lock(conn, source, interval_start):
        return False
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_unlock(hashtext(%s), hashtext(%s))", lock_keys(source, interval_start))
    return True
