-- Full-text search over stories (issue: the analyst's wiredesk).
--
-- stories.search_document holds the story's latest revision as a tsvector ('english' configuration):
-- headline weighted A over body B. It is kept current by triggers, so the load and grouping steps
-- maintain it as they write (no nightly rebuild):
--   * on stories, whenever latest_revision_id or the headline changes (grouping's refresh sets them);
--   * on story_revisions, when the text of a revision that is some story's latest changes in place.

ALTER TABLE stories ADD COLUMN search_document tsvector NOT NULL DEFAULT ''::tsvector;
-- Kept in the row rather than TOASTed (tsvectors barely compress): a query that matches most stories
-- reads every document, and a TOAST lookup per row doubled the time of such queries in the benchmark.
ALTER TABLE stories ALTER COLUMN search_document SET STORAGE MAIN;
-- The latest revision's section, for the search's section filter without a join per match.
ALTER TABLE stories ADD COLUMN section text;

CREATE FUNCTION story_search_document(p_revision_id bigint) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('english', coalesce(r.headline, '')), 'A')
           || setweight(to_tsvector('english', coalesce(r.body_text, '')), 'B')
    FROM story_revisions r WHERE r.revision_id = p_revision_id
$$;

CREATE FUNCTION stories_search_document_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.latest_revision_id IS DISTINCT FROM OLD.latest_revision_id
       OR NEW.headline IS DISTINCT FROM OLD.headline THEN
        NEW.search_document := coalesce(story_search_document(NEW.latest_revision_id), ''::tsvector);
        NEW.section := (SELECT r.section FROM story_revisions r WHERE r.revision_id = NEW.latest_revision_id);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER stories_search_document
    BEFORE INSERT OR UPDATE OF latest_revision_id, headline ON stories
    FOR EACH ROW EXECUTE FUNCTION stories_search_document_trigger();

CREATE FUNCTION revisions_search_document_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stories SET search_document = coalesce(story_search_document(NEW.revision_id), ''::tsvector),
                       section = NEW.section
    WHERE latest_revision_id = NEW.revision_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER revisions_search_document
    AFTER UPDATE OF headline, body_text, section ON story_revisions
    FOR EACH ROW WHEN (OLD.headline IS DISTINCT FROM NEW.headline OR OLD.body_text IS DISTINCT FROM NEW.body_text
                       OR OLD.section IS DISTINCT FROM NEW.section)
    EXECUTE FUNCTION revisions_search_document_trigger();

-- Stories already grouped before this migration.
UPDATE stories SET search_document = coalesce(story_search_document(latest_revision_id), ''::tsvector),
                   section = (SELECT r.section FROM story_revisions r WHERE r.revision_id = latest_revision_id)
WHERE latest_revision_id IS NOT NULL;

CREATE INDEX stories_search_idx ON stories USING gin (search_document);
-- The date and section filters of sql/queries/search_stories.sql (its candidates are the most recent matches).
CREATE INDEX stories_first_published_idx ON stories (first_published_at);
CREATE INDEX stories_section_published_idx ON stories (section, first_published_at);
