-- What extraction repaired on a revision's way in (pipelines.extract, pipelines.validate): a few
-- invalid bytes replaced with U+FFFD, another charset than the declared one, an implausible optional
-- field (section, byline, dateline, ...) dropped from the record. One short line each; '[]' when the
-- page was read as it was. Not part of the content hash: notes say how a version was read, not what
-- it says.
ALTER TABLE story_revisions ADD COLUMN extraction_notes jsonb NOT NULL DEFAULT '[]'::jsonb;
-- The archive of superseded extractions keeps every column story_revisions has (pipelines.reprocess).
ALTER TABLE story_revisions_superseded ADD COLUMN extraction_notes jsonb NOT NULL DEFAULT '[]'::jsonb;
