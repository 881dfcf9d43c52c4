"""Replay a night in pywb (on loopback): `python -m pipelines.warc replay YYYY-MM-DD`.

pywb pins older dependencies than wiredesk's, so it lives in a venv of its own
(<WIREDESK_HOME>/pywb-venv, made by `make pywb-venv` or on first use). The night's WARC files are
copied from the raw store into a pywb collection named after the night, then `wayback` serves it
on 127.0.0.1: http://127.0.0.1:PORT/<night>/<url of a page>.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

from pipelines import config

PYWB_REQUIREMENT = "pywb==2.10.0"


class PywbUnavailable(RuntimeError):
    pass


def venv_dir() -> Path:
    return Path(os.environ.get("WIREDESK_PYWB_VENV") or config.home() / "pywb-venv")


def ensure_venv(folder: Path | None = None) -> Path:
    """The venv's bin folder, pywb installed from PyPI into it if not yet there (PywbUnavailable if it cannot be)."""
    folder = Path(folder or venv_dir())
    bin_dir = folder / "bin"
    if (bin_dir / "wayback").exists() and (bin_dir / "wb-manager").exists():
        return bin_dir
    python = shutil.which("python3.11") or sys.executable
    steps = [[python, "-m", "venv", str(folder)]]
    uv = Path(sys.executable).with_name("uv")
    if uv.exists():
        steps.append([str(uv), "pip", "install", "--quiet", "--python", str(bin_dir / "python"), PYWB_REQUIREMENT])
    else:
        steps.append([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", PYWB_REQUIREMENT])
    for step in steps:
        try:
            proc = subprocess.run(step, capture_output=True, text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PywbUnavailable(f"cannot install {PYWB_REQUIREMENT} in {folder}: {exc}") from None
        if proc.returncode != 0:
            raise PywbUnavailable(f"cannot install {PYWB_REQUIREMENT} in {folder}: "
                                  f"{(proc.stderr or proc.stdout).strip()[-500:]}")
    return bin_dir


def night_warc_keys(store, source: str, night: date) -> list[str]:
    return [k for k in store.list_keys(f"warc/{source}/{night:%Y/%m/%d}/") if k.endswith(".warc.gz")]


def make_collection(bin_dir: Path, root: Path, name: str, files: list[Path]) -> Path:
    """A pywb collection `name` under `root` holding `files` (WARC or WACZ), indexed by wb-manager."""
    root.mkdir(parents=True, exist_ok=True)
    collection = root / "collections" / name
    if collection.exists():
        shutil.rmtree(collection)
    unpack = ["--unpack-wacz"] if any(str(f).endswith(".wacz") for f in files) else []  # pywb 2.10 needs it
    for args in (["init", name], ["add", *unpack, name, *map(str, files)]):
        proc = subprocess.run([str(bin_dir / "wb-manager"), *args], cwd=root, capture_output=True, text=True,
                              timeout=600)
        if proc.returncode != 0:
            raise PywbUnavailable(f"wb-manager {args[0]} failed: {(proc.stderr + proc.stdout).strip()[-800:]}")
    return collection


def collect_night(store, bin_dir: Path, root: Path, source: str, night: date) -> tuple[str, list[str]]:
    """Copy the night's WARC files out of the raw store into a collection named after the night."""
    keys = night_warc_keys(store, source, night)
    if not keys:
        raise LookupError(f"no WARC files for {source} {night} in {store.describe()}")
    staging = root / "staging" / night.isoformat()
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    files = []
    for key in keys:
        path = staging / Path(key).name
        path.write_bytes(store.get_object(key))
        files.append(path)
    name = night.isoformat()
    make_collection(bin_dir, root, name, files)
    shutil.rmtree(staging, ignore_errors=True)
    return name, keys


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_wayback(bin_dir: Path, root: Path, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """`wayback` on 127.0.0.1 serving root/collections; returns the process and its base url once it answers."""
    port = port or free_port()
    proc = subprocess.Popen([str(bin_dir / "wayback"), "--bind", "127.0.0.1", "-p", str(port), "-t", "4"], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise PywbUnavailable(f"wayback exited: {proc.stderr.read()[-800:]}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise PywbUnavailable("wayback did not answer within 60 s")


def replay_night(night: date, source: str = "yonhap", port: int = 8090) -> int:
    from pipelines.rawstore import open_store

    bin_dir = ensure_venv()
    root = config.home() / "pywb"
    name, keys = collect_night(open_store(), bin_dir, root, source, night)
    print(f"{len(keys)} WARC file(s) of {source} {night} in pywb collection {name!r}; "
          f"replay at http://127.0.0.1:{port}/{name}/<page url>  (Ctrl-C stops)", flush=True)
    proc = subprocess.Popen([str(bin_dir / "wayback"), "--bind", "127.0.0.1", "-p", str(port)], cwd=root)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()
