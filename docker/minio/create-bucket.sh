#!/bin/sh
# The one-shot minio-init service (minio/mc image): creates wiredesk's bucket and a MinIO user
# for wiredesk that may list, read and add objects in that bucket only: no delete, no other
# bucket (the raw archive is append-only; the root credentials stay with MinIO).
# Idempotent: run on every `docker compose up`; a changed secret in .env is applied.
set -eu

: "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}"
: "${WIREDESK_S3_BUCKET:?}" "${WIREDESK_S3_ACCESS_KEY:?}" "${WIREDESK_S3_SECRET_KEY:?}"
policy="${WIREDESK_S3_BUCKET}-readwrite"

mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "local/${WIREDESK_S3_BUCKET}"

printf '%s\n' '{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow",
     "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::'"${WIREDESK_S3_BUCKET}"'"]},
    {"Effect": "Allow",
     "Action": ["s3:GetObject", "s3:PutObject"],
     "Resource": ["arn:aws:s3:::'"${WIREDESK_S3_BUCKET}"'/*"]}
  ]
}' > /tmp/wiredesk-policy.json
mc admin policy create local "$policy" /tmp/wiredesk-policy.json
mc admin user add local "$WIREDESK_S3_ACCESS_KEY" "$WIREDESK_S3_SECRET_KEY" >/dev/null
if ! out=$(mc admin policy attach local "$policy" --user "$WIREDESK_S3_ACCESS_KEY" 2>&1); then
  case "$out" in
    *already*) echo "policy $policy already attached" ;;
    *) echo "$out" >&2; exit 1 ;;
  esac
fi
echo "minio-init: bucket ${WIREDESK_S3_BUCKET} ready for user ${WIREDESK_S3_ACCESS_KEY}"
