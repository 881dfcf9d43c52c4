-- The night's verdict (issue 18): every article url named for a night ends as a stored page or an
-- open fetch_failures row under its canonical url with a reason (http_503, redirect_loop,
-- too_many_redirects, not_requested, ...); a later success resolves it (resolved_at).
--
-- failed_crawls counts the crawl runs that failed a url (attempts counts tries, retries included):
-- a url failed by WIREDESK_RETIRE_AFTER_CRAWLS crawls is retired, no longer asked for again
-- (retired_at), and stays open, so the night it belongs to keeps counting it as not stored.
ALTER TABLE fetch_failures ADD COLUMN IF NOT EXISTS failed_crawls integer NOT NULL DEFAULT 1;
ALTER TABLE fetch_failures ADD COLUMN IF NOT EXISTS retired_at timestamptz;
CREATE INDEX IF NOT EXISTS fetch_failures_url_idx ON fetch_failures (url) WHERE resolved_at IS NULL;
-- Why a run that ended without passing its check failed (a crawl timeout, the database lost at record
-- time, an absurd night): never left 'running'.
ALTER TABLE crawl_runs ADD COLUMN IF NOT EXISTS error text;
