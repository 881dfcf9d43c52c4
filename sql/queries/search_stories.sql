-- Full-text search over stories' latest text (headline weighs more than body), best first,
-- with a highlighted snippet. Uses stories.search_document (sql/009_search.sql, GIN index).
-- Parameters: q (text, web-search syntax: words, "a phrase", -exclude, or),
--             date_from, date_to (dates, KST, inclusive; on the story's first published day),
--             section (text, e.g. 'national'; NULL for every section), max_rows (integer).
WITH query AS (
    SELECT websearch_to_tsquery('english', %(q)s) AS tsq
), hits AS (
    SELECT s.story_id, s.latest_revision_id, s.headline, s.first_published_at, s.last_updated_at,
           s.revision_count, ts_rank_cd(s.search_document, query.tsq) AS rank
    FROM stories s, query
    WHERE s.search_document @@ query.tsq
      AND s.first_published_at >= (%(date_from)s::date)::timestamp AT TIME ZONE 'Asia/Seoul'
      AND s.first_published_at < (%(date_to)s::date + 1)::timestamp AT TIME ZONE 'Asia/Seoul'
      AND (%(section)s::text IS NULL OR EXISTS (
            SELECT 1 FROM story_revisions sr
            WHERE sr.revision_id = s.latest_revision_id AND sr.section = %(section)s::text))
    ORDER BY rank DESC, s.first_published_at DESC, s.story_id
    LIMIT %(max_rows)s
)
SELECT h.story_id,
       round(h.rank::numeric, 4)                               AS rank,
       h.headline,
       r.section,
       (h.first_published_at AT TIME ZONE 'Asia/Seoul')        AS first_published_kst,
       (h.last_updated_at AT TIME ZONE 'Asia/Seoul')           AS last_updated_kst,
       h.revision_count,
       ts_headline('english', r.body_text, query.tsq,
                   'StartSel=<<, StopSel=>>, MaxWords=35, MinWords=15, MaxFragments=2') AS snippet
FROM hits h
JOIN story_revisions r ON r.revision_id = h.latest_revision_id
CROSS JOIN query
ORDER BY h.rank DESC, h.first_published_at DESC, h.story_id;
