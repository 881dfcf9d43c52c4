-- Story views (issue: story grouping).

-- A story's timeline: its revisions in order with label, editor's note and what changed.
CREATE VIEW story_timeline AS
SELECT r.story_id,
       r.story_seq,
       r.revision_id,
       r.article_id,
       r.revision_label,
       r.attn,
       r.headline,
       r.published_at,
       r.updated_at,
       r.diff_from_previous
FROM story_revisions r
WHERE r.story_id IS NOT NULL;

-- One row per story with its latest revision (stories.latest_revision_id, set by pipelines.stories).
CREATE VIEW current_stories AS
SELECT s.story_id,
       s.source,
       s.latest_revision_id,
       r.article_id,
       r.headline,
       r.body_text,
       r.revision_label,
       r.published_at,
       r.updated_at,
       s.first_published_at,
       s.last_updated_at,
       s.revision_count
FROM stories s
LEFT JOIN story_revisions r ON r.revision_id = s.latest_revision_id;
