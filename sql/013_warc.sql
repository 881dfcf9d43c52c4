-- Where each raw page's payload is in WARC (issue 17, spiders/warc.py): the raw store key of the
-- WARC file, the byte offset and length of its response record (one gzip member), that record's id
-- and WARC-Date, and the payload digest (sha1, base32, before content decoding) a later fetch
-- compares to write a revisit record. NULL for pages archived before WARC was written.
ALTER TABLE raw_pages
    ADD COLUMN IF NOT EXISTS warc_key            text,
    ADD COLUMN IF NOT EXISTS warc_offset         bigint,
    ADD COLUMN IF NOT EXISTS warc_length         bigint,
    ADD COLUMN IF NOT EXISTS warc_record_id      text,
    ADD COLUMN IF NOT EXISTS warc_date           timestamptz,
    ADD COLUMN IF NOT EXISTS warc_payload_digest text;

-- all set or none
ALTER TABLE raw_pages ADD CONSTRAINT raw_pages_warc_whole CHECK (
    (warc_key IS NULL) = (warc_offset IS NULL) AND (warc_key IS NULL) = (warc_length IS NULL));

CREATE INDEX IF NOT EXISTS raw_pages_url_digest_idx ON raw_pages (url, warc_payload_digest)
    WHERE warc_key IS NOT NULL;
