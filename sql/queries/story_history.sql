-- Every revision of one story, in order, with its label and editor's note.
-- Parameters: story_id (text).
SELECT r.story_seq,
       r.article_id,
       coalesce(r.revision_label, '(original)') AS label,
       r.attn,
       r.headline,
       (r.published_at AT TIME ZONE 'Asia/Seoul') AS published_kst,
       (r.updated_at AT TIME ZONE 'Asia/Seoul')   AS updated_kst,
       jsonb_array_length(r.body_paragraphs)       AS paragraphs
FROM story_revisions r
WHERE r.story_id = :'story_id'
ORDER BY r.story_seq;
