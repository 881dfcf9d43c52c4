-- Core curated tables. Applied once, in file-name order, by pipelines.db.migrate();
-- the applied files are recorded in schema_migrations.

-- One row per crawl of one interval by one DAG run (or one CLI run).
CREATE TABLE crawl_runs (
    crawl_run_id    bigserial PRIMARY KEY,
    run_id          text        NOT NULL,           -- Airflow dag_run.run_id, or a CLI run name
    source          text        NOT NULL,
    interval_start  timestamptz NOT NULL,
    interval_end    timestamptz NOT NULL,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    status          text        NOT NULL DEFAULT 'running',  -- running | crawled | loaded | grouped | ok | failed
    pages_discovered integer    NOT NULL DEFAULT 0,
    pages_fetched   integer     NOT NULL DEFAULT 0,
    pages_archived_new integer  NOT NULL DEFAULT 0,
    pages_failed    integer     NOT NULL DEFAULT 0,      -- fetch or archive failures
    pages_failed_extract integer NOT NULL DEFAULT 0,
    revisions_new   integer     NOT NULL DEFAULT 0,
    revisions_seen  integer     NOT NULL DEFAULT 0,
    stories_new     integer     NOT NULL DEFAULT 0,
    stories_revised integer     NOT NULL DEFAULT 0,
    stories_unchanged integer   NOT NULL DEFAULT 0,
    summary         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    UNIQUE (run_id, source, interval_start, interval_end)
);

-- Catalogue of the raw archive: one row per distinct stored page (content-addressed key).
CREATE TABLE raw_pages (
    raw_key         text        PRIMARY KEY,        -- raw/<source>/YYYY/MM/DD/<article_id>/<sha256>.html.gz
    source          text        NOT NULL,
    article_id      text        NOT NULL,
    url             text        NOT NULL,
    sha256          text        NOT NULL,
    http_status     integer     NOT NULL,
    content_type    text,
    size_bytes      integer     NOT NULL,
    fetched_at      timestamptz NOT NULL,
    first_crawl_run_id bigint   REFERENCES crawl_runs (crawl_run_id)
);
CREATE INDEX raw_pages_article_idx ON raw_pages (article_id);

-- Which raw pages each crawl run fetched (a rerun fetches the same keys again).
CREATE TABLE crawl_run_pages (
    crawl_run_id    bigint NOT NULL REFERENCES crawl_runs (crawl_run_id) ON DELETE CASCADE,
    raw_key         text   NOT NULL REFERENCES raw_pages (raw_key),
    PRIMARY KEY (crawl_run_id, raw_key)
);

-- One story: a set of revisions of the same piece of news.
CREATE TABLE stories (
    story_id        text        PRIMARY KEY,
    source          text        NOT NULL,
    latest_revision_id bigint,                      -- story_revisions.revision_id, set by pipelines.stories
    headline        text,
    first_published_at timestamptz,
    last_updated_at timestamptz,
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    revision_count  integer     NOT NULL DEFAULT 0
);

-- One row per distinct fetched version of an article (an in-place edit gives a second row).
CREATE TABLE story_revisions (
    revision_id     bigserial   PRIMARY KEY,
    source          text        NOT NULL,
    article_id      text        NOT NULL,
    content_hash    text        NOT NULL,           -- sha256 of the extracted content (see pipelines.load)
    story_id        text        REFERENCES stories (story_id),
    story_seq       integer,                        -- order within the story, 1-based
    url             text        NOT NULL,
    headline        text        NOT NULL,
    revision_label  text,
    revision_no     integer     NOT NULL DEFAULT 0,
    attn            text,
    byline          text,
    dateline        text,
    section         text,
    published_at    timestamptz,
    updated_at      timestamptz,
    body_paragraphs jsonb       NOT NULL,
    body_text       text        NOT NULL,
    captions        jsonb       NOT NULL DEFAULT '[]'::jsonb,
    related         jsonb       NOT NULL DEFAULT '[]'::jsonb,
    diff_from_previous jsonb,                       -- {added, removed, changed} paragraphs
    extractor_version text      NOT NULL,
    raw_key         text        NOT NULL REFERENCES raw_pages (raw_key),
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (article_id, content_hash)
);
CREATE INDEX story_revisions_story_idx ON story_revisions (story_id, story_seq);
CREATE INDEX story_revisions_published_idx ON story_revisions (published_at);
ALTER TABLE stories ADD CONSTRAINT stories_latest_revision_fk
    FOREIGN KEY (latest_revision_id) REFERENCES story_revisions (revision_id) DEFERRABLE INITIALLY DEFERRED;

-- Merges of two stories when new evidence joins them (issue: story grouping).
CREATE TABLE story_merges (
    merged_story_id text        NOT NULL,
    into_story_id   text        NOT NULL REFERENCES stories (story_id),
    merged_at       timestamptz NOT NULL DEFAULT now(),
    reason          text        NOT NULL,
    PRIMARY KEY (merged_story_id)
);

-- Pages that could not be fetched or extracted. One row per url, stage and night:
-- a rerun of the night updates the row instead of adding another.
CREATE TABLE fetch_failures (
    source          text        NOT NULL,
    interval_start  timestamptz NOT NULL,
    url             text        NOT NULL,
    stage           text        NOT NULL,           -- fetch | archive | extract | load
    http_status     integer,
    reason          text        NOT NULL,
    attempts        integer     NOT NULL DEFAULT 1,
    raw_key         text,                           -- the archived page, where there is one
    first_failed_at timestamptz NOT NULL DEFAULT now(),
    last_failed_at  timestamptz NOT NULL DEFAULT now(),
    last_crawl_run_id bigint    REFERENCES crawl_runs (crawl_run_id),
    resolved_at     timestamptz,                    -- set when a later run succeeds
    PRIMARY KEY (source, interval_start, url, stage)
);
