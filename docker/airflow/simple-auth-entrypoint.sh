#!/usr/bin/env bash
# Entry point of the api-server container: writes SimpleAuthManager's passwords file from
# AIRFLOW_ADMIN_PASSWORD (.env), then runs the given command (the image's /entrypoint).
#
# SimpleAuthManager keeps a password it finds in that file and only generates one for a user
# it does not find, so the admin password is always the one in .env: the file is rewritten
# on every start, and a changed .env takes effect with `docker compose up -d` (the container
# is recreated). The variable is removed from the environment before Airflow starts.
set -euo pipefail

: "${AIRFLOW_ADMIN_PASSWORD:?AIRFLOW_ADMIN_PASSWORD must be set (see .env.example)}"
: "${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE:?AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE must be set}"
users="${AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS:-admin:admin}"
export WIREDESK_ADMIN_USER="${users%%:*}"   # the first configured user gets the password

python3 - <<'PY'
import json
import os

path = os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]
os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.fchmod(fd, 0o600)  # also when the file was already there
with os.fdopen(fd, "w") as fh:
    json.dump({os.environ["WIREDESK_ADMIN_USER"]: os.environ["AIRFLOW_ADMIN_PASSWORD"]}, fh)
    fh.write("\n")
PY
echo "SimpleAuthManager: password of user '${WIREDESK_ADMIN_USER}' set from AIRFLOW_ADMIN_PASSWORD"
unset AIRFLOW_ADMIN_PASSWORD WIREDESK_ADMIN_USER

exec "$@"
