-- The nightly load in batches (pipelines.load, the yonhap_nightly DAG's mapped load_batch tasks).
--
-- plan_batches cuts a crawl run's pages, ordered by raw_key, into ranges; each batch extracts and
-- upserts its pages and records itself here in the SAME transaction. So a batch retried after its
-- commit (its worker died before Airflow heard of the success) finds its row and writes nothing
-- twice, and the run's totals (finish_load) are sums over exactly one row per batch.

CREATE TABLE load_batches (
    crawl_run_id      bigint      NOT NULL REFERENCES crawl_runs (crawl_run_id) ON DELETE CASCADE,
    batch_no          integer     NOT NULL,            -- 0-based, in raw_key order
    first_key         text        NOT NULL,            -- raw_key range of the batch, inclusive
    last_key          text        NOT NULL,
    pages             integer     NOT NULL,
    revisions_new     integer     NOT NULL DEFAULT 0,
    revisions_seen    integer     NOT NULL DEFAULT 0,
    pages_failed      integer     NOT NULL DEFAULT 0,
    failures_by_reason jsonb      NOT NULL DEFAULT '{}'::jsonb,
    loaded_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (crawl_run_id, batch_no),
    CHECK (first_key <= last_key)
);
