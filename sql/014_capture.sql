-- Capture passes (issue 16): articles fetched as they appear and revisited on a decaying schedule.

-- When each stored state of a page was first and last captured, and the page's own modified time
-- (its Last-Modified header, else the modified time the page states). Rows stored before capture
-- existed take their first_seen_at.
ALTER TABLE story_revisions
    ADD COLUMN first_captured_at timestamptz,
    ADD COLUMN last_captured_at  timestamptz,
    ADD COLUMN page_modified_at  timestamptz;
UPDATE story_revisions SET first_captured_at = first_seen_at, last_captured_at = first_seen_at,
                           page_modified_at = updated_at;
ALTER TABLE story_revisions
    ALTER COLUMN first_captured_at SET DEFAULT now(), ALTER COLUMN first_captured_at SET NOT NULL,
    ALTER COLUMN last_captured_at SET DEFAULT now(), ALTER COLUMN last_captured_at SET NOT NULL;

-- One row per article a capture pass saw on a surface: its revisit state.
CREATE TABLE capture_articles (
    source           text        NOT NULL,
    url              text        NOT NULL,          -- canonical: BASE/view/<article id>
    article_id       text        NOT NULL,
    night            date        NOT NULL,          -- the KST day it belongs to (surface time, else id date)
    surface          text        NOT NULL,          -- the surface that named it first
    first_sighted_at timestamptz NOT NULL,          -- the pass instant that first saw it on a surface
    first_captured_at timestamptz,                  -- the pass instant of its first stored state
    last_fetched_at  timestamptz,
    last_changed_at  timestamptz,                   -- the pass instant that stored its newest state
    next_due_at      timestamptz,                   -- NULL: no revisit left (schedule ended or budget spent)
    requests         integer     NOT NULL DEFAULT 0,  -- page requests spent (the politeness budget)
    not_modified     integer     NOT NULL DEFAULT 0,  -- of those, answered 304
    states           integer     NOT NULL DEFAULT 0,  -- distinct states stored by capture
    etag             text,
    last_modified    text,
    last_status      integer,
    last_error       text,
    PRIMARY KEY (source, url)
);
CREATE INDEX capture_articles_due_idx ON capture_articles (source, next_due_at);
CREATE INDEX capture_articles_night_idx ON capture_articles (source, night);

-- One row per capture pass instant: a pass run again at the same instant replaces its row.
CREATE TABLE capture_passes (
    source      text        NOT NULL,
    pass_at     timestamptz NOT NULL,
    summary     jsonb       NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, pass_at)
);

-- The timeline with when each state was captured: in-place states (same article id) follow one
-- another in capture order beside the revisions under new ids.
CREATE OR REPLACE VIEW story_timeline AS
SELECT r.story_id,
       r.story_seq,
       r.revision_id,
       r.article_id,
       r.revision_label,
       r.attn,
       r.headline,
       r.published_at,
       r.updated_at,
       r.diff_from_previous,
       r.first_captured_at,
       r.last_captured_at,
       r.page_modified_at
FROM story_revisions r
WHERE r.story_id IS NOT NULL;
