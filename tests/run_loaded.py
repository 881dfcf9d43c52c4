"""`make test-e2e-loaded`: the end-to-end tests several rounds in a row on a loaded machine.

One busy loop per core keeps the CPU saturated while the Airflow, `make airflow-demo`, DAG and Celery
end-to-end tests run; each round's result and time are printed, and the exit status is non-zero if
any round failed. Not part of `make test` (it takes about 10 minutes a round on two cores).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
E2E = ["tests/test_airflow_api_e2e.py", "tests/test_airflow_local.py", "tests/test_dag_e2e.py",
       "tests/test_celery_e2e.py"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--busy", type=int, default=os.cpu_count() or 2, help="busy loops (default: one per core)")
    args = parser.parse_args(argv)
    loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    failed = 0
    try:
        for round_no in range(1, args.rounds + 1):
            began = time.monotonic()
            proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *E2E],
                                  cwd=REPO, capture_output=True, text=True)
            last = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
            load = os.getloadavg()[0]
            print(f"round {round_no}: exit {proc.returncode} in {time.monotonic() - began:.0f} s "
                  f"(load average {load:.1f}, {args.busy} busy loops): {last}", flush=True)
            if proc.returncode != 0:
                failed += 1
                print(proc.stdout[-4000:], proc.stderr[-2000:], sep="\n")
    finally:
        for loop in loops:
            loop.kill()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
