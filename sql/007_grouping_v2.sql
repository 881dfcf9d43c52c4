-- Story grouping without chaining (pipelines.grouping.assign, index.PostgresIndex).
-- A revision joins a story on evidence against the story as a whole: its representatives (the first
-- and the latest members) and its id lineages, kept per story here and updated in O(1) per revision.

ALTER TABLE grouping_revisions
    ADD COLUMN flash   boolean NOT NULL DEFAULT false,  -- an (URGENT) flash or one-paragraph item
    ADD COLUMN edition text,                            -- templated daily item kind, e.g. 'summary'
    ADD COLUMN kst_day integer,                         -- KST calendar day (proleptic ordinal)
    ADD COLUMN persons   bigint[] NOT NULL DEFAULT '{}', -- hashes of people named (Korean names)
    ADD COLUMN caps_lead bigint[] NOT NULL DEFAULT '{}', -- capitalised words of the lead paragraph
    ADD COLUMN caps_top  bigint[] NOT NULL DEFAULT '{}', -- ... of headline + top paragraphs
    ADD COLUMN numbers   bigint[] NOT NULL DEFAULT '{}'; -- figures of headline + top paragraphs

UPDATE grouping_revisions SET flash = cardinality(para_sizes) = 1,
    kst_day = CASE WHEN published IS NULL THEN NULL
                   ELSE (floor((published + 9 * 3600) / 86400))::integer + 719163 END;

CREATE TABLE grouping_stories (
    story_id         text             PRIMARY KEY,
    size             integer          NOT NULL,
    first_key        text,                              -- rev_key of the earliest member
    first_published  double precision,
    recent_keys      text[]           NOT NULL DEFAULT '{}',  -- the latest members, latest first (at most 3)
    recent_published double precision[] NOT NULL DEFAULT '{}',
    lineages         jsonb            NOT NULL DEFAULT '{}',  -- id lineage -> all its members are flashes
    earliest         double precision,
    latest           double precision
);

-- Stories grouped before this table existed.
INSERT INTO grouping_stories (story_id, size, first_key, first_published, recent_keys, recent_published, lineages,
                              earliest, latest)
SELECT g.story_id, count(*),
       (array_agg(g.rev_key ORDER BY g.published ASC NULLS LAST, g.rev_key))[1],
       (array_agg(g.published ORDER BY g.published ASC NULLS LAST, g.rev_key))[1],
       (array_agg(g.rev_key ORDER BY g.published DESC NULLS LAST, g.rev_key DESC))[1:3],
       (array_agg(g.published ORDER BY g.published DESC NULLS LAST, g.rev_key DESC))[1:3],
       coalesce((SELECT jsonb_object_agg(l.lineage, l.all_flash) FROM (
                    SELECT lineage, bool_and(flash) AS all_flash FROM grouping_revisions
                    WHERE story_id = g.story_id AND lineage IS NOT NULL GROUP BY lineage) l), '{}'::jsonb),
       min(g.published), max(g.published)
FROM grouping_revisions g GROUP BY g.story_id;

-- Document frequency of sketch hashes per day (-1: unknown day): a hash held by many stored revisions
-- within a few days is boilerplate (a wire formula, page chrome) and never counts as shared text.
CREATE TABLE grouping_hash_df (
    hash bigint  NOT NULL,
    day  integer NOT NULL,
    n    integer NOT NULL,
    PRIMARY KEY (hash, day)
);
