-- Stories first published on a day (KST), with how often they were revised and their latest headline.
-- Parameters: day (date, e.g. 2023-05-10): psql -v day=2023-05-10 -f this file.
SELECT s.story_id,
       s.revision_count,
       latest.revision_label AS latest_label,
       s.headline           AS latest_headline,
       (s.first_published_at AT TIME ZONE 'Asia/Seoul') AS first_published_kst,
       (s.last_updated_at AT TIME ZONE 'Asia/Seoul')    AS last_updated_kst
FROM stories s
JOIN story_revisions latest ON latest.revision_id = s.latest_revision_id
WHERE (s.first_published_at AT TIME ZONE 'Asia/Seoul')::date = :'day'::date
ORDER BY s.revision_count DESC, s.first_published_at;
