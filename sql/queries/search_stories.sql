-- Full-text search over stories' latest text (headline weighs more than body), best first,
-- with a highlighted snippet. Uses stories.search_document (sql/009_search.sql, GIN index).
-- Ranking reads each candidate's document, so it looks at the 1,000 most recent matches of the
-- range: a word in nearly every story ("korea") over a whole year still answers in milliseconds,
-- and narrower queries (most queries, or any range under 1,000 matches) are ranked in full.
-- Parameters: q (text, web-search syntax: words, "a phrase", -exclude, or),
--             date_from, date_to (dates, KST, inclusive; on the story's first published day),
--             section (text, e.g. 'national'; NULL or '' for every section), max_rows (integer).
WITH candidates AS (
    SELECT s.story_id, s.latest_revision_id, s.headline, s.section, s.first_published_at, s.last_updated_at,
           s.revision_count, s.search_document
    FROM stories s
    WHERE s.search_document @@ websearch_to_tsquery('english', :'q')
      AND s.first_published_at >= (:'date_from'::date)::timestamp AT TIME ZONE 'Asia/Seoul'
      AND s.first_published_at < (:'date_to'::date + 1)::timestamp AT TIME ZONE 'Asia/Seoul'
      AND (NULLIF(:'section', '') IS NULL OR s.section = NULLIF(:'section', ''))
    ORDER BY s.first_published_at DESC
    LIMIT 1000
), hits AS (
    SELECT c.*, ts_rank_cd(c.search_document, websearch_to_tsquery('english', :'q')) AS rank
    FROM candidates c
    ORDER BY rank DESC, c.first_published_at DESC, c.story_id
    LIMIT :'max_rows'::int
)
SELECT h.story_id,
       round(h.rank::numeric, 4)                               AS rank,
       h.headline,
       h.section,
       (h.first_published_at AT TIME ZONE 'Asia/Seoul')        AS first_published_kst,
       (h.last_updated_at AT TIME ZONE 'Asia/Seoul')           AS last_updated_kst,
       h.revision_count,
       ts_headline('english', r.body_text, websearch_to_tsquery('english', :'q'),
                   'StartSel=<<, StopSel=>>, MaxWords=35, MinWords=15, MaxFragments=2') AS snippet
FROM hits h
JOIN story_revisions r ON r.revision_id = h.latest_revision_id
ORDER BY h.rank DESC, h.first_published_at DESC, h.story_id;
