-- Pages of a night that could not be fetched or extracted and are still unresolved, with why.
-- Parameters: day (date, the KST night).
SELECT f.stage, f.url, f.http_status, f.reason, f.attempts, f.raw_key,
       (f.last_failed_at AT TIME ZONE 'Asia/Seoul') AS last_failed_kst
FROM fetch_failures f
WHERE (f.interval_start AT TIME ZONE 'Asia/Seoul')::date = :'day'::date
  AND f.resolved_at IS NULL
ORDER BY f.stage, f.url;
