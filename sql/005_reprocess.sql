-- Re-extraction from the raw archive (pipelines.reprocess, DAG yonhap_reprocess).
--
-- story_revisions keeps exactly one row per distinct version under the CURRENT extraction, so
-- stories, queries and checks never need to filter. When a new extractor reads an archived page
-- differently, the new extraction is inserted as a new row and the old row moves, unchanged, to
-- story_revisions_superseded with superseded_by = the revision_id that replaced it.

-- One row per reprocess run: its range, the extractor it ran, what changed.
CREATE TABLE reprocess_runs (
    reprocess_run_id  bigserial   PRIMARY KEY,
    run_id            text        NOT NULL,            -- Airflow dag_run.run_id, or a CLI run name
    night_from        date        NOT NULL,            -- KST nights, inclusive (the raw key's date)
    night_to          date        NOT NULL,
    extractor_versions text[]     NOT NULL DEFAULT '{}', -- versions the new extractions carry
    started_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz,
    status            text        NOT NULL DEFAULT 'running',  -- running | ok | failed
    pages             integer     NOT NULL DEFAULT 0,  -- raw pages re-extracted
    pages_failed      integer     NOT NULL DEFAULT 0,  -- pages the new extractor could not extract
    revisions_unchanged integer   NOT NULL DEFAULT 0,  -- same content hash: nothing written
    revisions_changed integer     NOT NULL DEFAULT 0,  -- old row superseded by a new one
    revisions_added   integer     NOT NULL DEFAULT 0,  -- new rows for pages that had none
    bodies_changed    integer     NOT NULL DEFAULT 0,
    headlines_changed integer     NOT NULL DEFAULT 0,
    labels_changed    integer     NOT NULL DEFAULT 0,
    stories_affected  integer     NOT NULL DEFAULT 0,
    summary           jsonb       NOT NULL DEFAULT '{}'::jsonb,  -- all counts, fields changed, examples
    CHECK (night_from <= night_to)
);

-- Older extractions, moved out of story_revisions with every column they had.
CREATE TABLE story_revisions_superseded (LIKE story_revisions);
ALTER TABLE story_revisions_superseded
    ADD PRIMARY KEY (revision_id),
    ADD COLUMN superseded_by bigint,                     -- story_revisions.revision_id of the new extraction
                                                         -- (no FK: that row may be superseded in turn)
    ADD COLUMN superseded_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN reprocess_run_id bigint REFERENCES reprocess_runs (reprocess_run_id);
CREATE INDEX story_revisions_superseded_by_idx ON story_revisions_superseded (superseded_by);
CREATE INDEX story_revisions_superseded_article_idx ON story_revisions_superseded (article_id);
