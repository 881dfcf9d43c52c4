#!/usr/bin/env bash
# The one-shot airflow-init service: migrate Airflow's metadata database and wiredesk's, then exit 0.
# Every long-running Airflow service waits for it (service_completed_successfully), so a
# failed migration stops the stack here instead of half-starting it.
set -euo pipefail

# .env.example's placeholders start with "change-me": refuse to run on them.
placeholders=$(env | grep -E '^[A-Z0-9_]+=.*change-me' | cut -d= -f1 || true)
if [[ -n "$placeholders" ]]; then
  echo "airflow-init: still the placeholder from .env.example in: $placeholders" >&2
  echo "fill in .env (see docs/operating.md)" >&2
  exit 1
fi
python3 -c "import os; from cryptography.fernet import Fernet; Fernet(os.environ['AIRFLOW__CORE__FERNET_KEY'])" \
  || { echo "airflow-init: AIRFLOW_FERNET_KEY is not a Fernet key (see .env.example)" >&2; exit 1; }

echo "Airflow $(airflow version)"
airflow db migrate
# wiredesk: its code imports, and its schema (sql/NNN_*.sql) is applied to the wiredesk database
# as the wiredesk role; the tasks do the same, this only makes a wrong DATABASE_URL fail here.
python3 -c "import pipelines.config as c; print('wiredesk code at', c.PROJECT_ROOT, '- S3 bucket', c.s3_settings().bucket)"
python3 -m pipelines.db migrate
echo "airflow-init: done"
