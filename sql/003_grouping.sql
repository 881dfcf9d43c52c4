-- Story grouping index (pipelines.grouping.index.PostgresIndex).
-- One row per grouped revision with the sketches grouping compares, and the keys that find
-- candidates: a new revision is compared only with revisions sharing one of its keys.

CREATE TABLE grouping_revisions (
    rev_key         text        PRIMARY KEY,            -- story_revisions.revision_id as text
    story_id        text        NOT NULL,
    article_id      text        NOT NULL,
    lineage         text,                               -- Yonhap id date-serial-code, NULL for other ids
    published       double precision,                   -- epoch seconds; NULL when unknown or absurd
    date_only       boolean     NOT NULL DEFAULT false, -- published_at was a date without a time
    headline        text        NOT NULL DEFAULT '',    -- without revision label
    part            text,                               -- "-1"/"-2" list part number
    digest          boolean     NOT NULL DEFAULT false, -- summary / digest item
    section         text,
    dateline        text,
    body_size       integer     NOT NULL DEFAULT 0,     -- distinct body word 4-grams
    body_sketch     bigint[]    NOT NULL DEFAULT '{}',  -- bottom-64 MinHash sketch of them
    para_sketches   jsonb       NOT NULL DEFAULT '[]',  -- bottom-48 sketches of the top paragraphs
    para_sizes      integer[]   NOT NULL DEFAULT '{}',
    problem         text,                               -- bad-input reason, if any
    grouped_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX grouping_revisions_story_idx ON grouping_revisions (story_id);

-- Candidate keys. anywhere = false: sketch hashes, matched within a few days of `day`;
-- anywhere = true: article id and id lineage, matched at any date.
CREATE TABLE grouping_keys (
    key             bigint      NOT NULL,
    anywhere        boolean     NOT NULL,
    day             integer,                            -- days since 1970-01-01 (UTC), NULL if unknown
    rev_key         text        NOT NULL                -- grouping_revisions.rev_key (no FK: bulk loads)
);
CREATE INDEX grouping_keys_lookup_idx ON grouping_keys (key, anywhere, day);

-- Every merge the grouper made (also in story_merges when the core tables exist).
CREATE TABLE grouping_merges (
    merge_id        bigserial   PRIMARY KEY,
    merged_story_id text        NOT NULL,
    into_story_id   text        NOT NULL,
    merged_at       timestamptz NOT NULL DEFAULT now(),
    reason          text        NOT NULL
);
