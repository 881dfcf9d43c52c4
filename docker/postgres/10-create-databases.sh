#!/usr/bin/env bash
# Creates the two databases of the stack, each owned by its own login role:
#   airflow  (role airflow)  - Airflow's metadata and the Celery result backend
#   wiredesk (role wiredesk) - wiredesk's archive (crawl runs, raw pages, story revisions, stories)
# Neither role is a superuser, and neither may connect to the other's database.
#
# The postgres image runs this once, when it initialises an empty data volume
# (/docker-entrypoint-initdb.d). Passwords come from the environment (.env); to change one
# later, use ALTER ROLE (see docs/operating.md) or start from an empty volume.
set -euo pipefail

: "${AIRFLOW_DB_PASSWORD:?AIRFLOW_DB_PASSWORD must be set (see .env.example)}"
: "${WIREDESK_DB_PASSWORD:?WIREDESK_DB_PASSWORD must be set (see .env.example)}"
AIRFLOW_DB_USER="${AIRFLOW_DB_USER:-airflow}"
AIRFLOW_DB_NAME="${AIRFLOW_DB_NAME:-airflow}"
WIREDESK_DB_USER="${WIREDESK_DB_USER:-wiredesk}"
WIREDESK_DB_NAME="${WIREDESK_DB_NAME:-wiredesk}"

# Values go in as psql variables (:'x' quotes a literal, :"x" an identifier): no shell quoting of secrets.
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v airflow_user="$AIRFLOW_DB_USER" -v airflow_db="$AIRFLOW_DB_NAME" -v airflow_password="$AIRFLOW_DB_PASSWORD" \
  -v wiredesk_user="$WIREDESK_DB_USER" -v wiredesk_db="$WIREDESK_DB_NAME" -v wiredesk_password="$WIREDESK_DB_PASSWORD" \
  <<'SQL'
CREATE ROLE :"airflow_user" LOGIN PASSWORD :'airflow_password';
CREATE ROLE :"wiredesk_user" LOGIN PASSWORD :'wiredesk_password';
CREATE DATABASE :"airflow_db" OWNER :"airflow_user";
CREATE DATABASE :"wiredesk_db" OWNER :"wiredesk_user";
-- PUBLIC may connect to any new database by default: only the owner may.
REVOKE ALL ON DATABASE :"airflow_db" FROM PUBLIC;
REVOKE ALL ON DATABASE :"wiredesk_db" FROM PUBLIC;
SQL

echo "created databases ${AIRFLOW_DB_NAME} (owner ${AIRFLOW_DB_USER}) and ${WIREDESK_DB_NAME} (owner ${WIREDESK_DB_USER})"
