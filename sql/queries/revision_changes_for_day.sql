-- What changed between revisions, for stories revised on one day (KST): each revision after the
-- first, with its label, editor's note and how many paragraphs were added, removed or changed,
-- the first added paragraph, and the headline it replaced.
-- Parameters: day (date, KST).
SELECT t.story_id,
       t.story_seq,
       t.article_id,
       coalesce(t.revision_label, '(original)')                          AS label,
       t.attn,
       prev.headline                                                      AS previous_headline,
       t.headline,
       (t.published_at AT TIME ZONE 'Asia/Seoul')                         AS published_kst,
       jsonb_array_length(coalesce(t.diff_from_previous -> 'added', '[]'::jsonb))   AS paragraphs_added,
       jsonb_array_length(coalesce(t.diff_from_previous -> 'removed', '[]'::jsonb)) AS paragraphs_removed,
       jsonb_array_length(coalesce(t.diff_from_previous -> 'changed', '[]'::jsonb)) AS paragraphs_changed,
       t.diff_from_previous -> 'added' ->> 0                              AS first_added_paragraph
FROM story_timeline t
JOIN story_timeline prev ON prev.story_id = t.story_id AND prev.story_seq = t.story_seq - 1
WHERE t.story_seq > 1
  AND (coalesce(t.updated_at, t.published_at) AT TIME ZONE 'Asia/Seoul')::date = :'day'::date
ORDER BY t.story_id, t.story_seq;
