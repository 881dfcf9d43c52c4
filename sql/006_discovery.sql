-- Discovery: what each surface (listings, RSS feeds, news sitemap) named, and every read of a surface.

-- The frontier: one row per article url and surface that named it, filled by the yonhap_discover DAG
-- (feeds and sitemaps read every 20 minutes) and by each nightly crawl's own discovery. The nightly crawl
-- fetches its night's frontier; coverage compares what the surfaces named with what was fetched.
CREATE TABLE discovery_frontier (
    source          text        NOT NULL,
    url             text        NOT NULL,           -- canonical: BASE/view/<article id>, no query
    surface         text        NOT NULL,           -- listings | feeds | sitemap
    article_id      text        NOT NULL,
    id_day          date,                           -- the date in the article id (AEN + YYYYMMDD ...), if valid
    time_hint       timestamptz,                    -- the published time the surface gave, if readable
    time_form       text        NOT NULL,           -- kst14 | rfc822 | iso8601 | listing_en | none
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, url, surface)
);
CREATE INDEX discovery_frontier_time_idx ON discovery_frontier (source, time_hint);
CREATE INDEX discovery_frontier_article_idx ON discovery_frontier (source, article_id);
CREATE INDEX discovery_frontier_id_day_idx ON discovery_frontier (source, id_day) WHERE time_hint IS NULL;

-- One row per read of a surface url, by a crawl run (crawl_run_id) or a discover run (discover_run_id).
-- A read that named nothing keeps its reason: no surface ever yields a silent zero.
CREATE TABLE discovery_reads (
    read_id         bigserial   PRIMARY KEY,
    source          text        NOT NULL,
    surface         text        NOT NULL,           -- listings | feeds | sitemap | robots
    url             text        NOT NULL,
    read_at         timestamptz NOT NULL DEFAULT now(),
    crawl_run_id    bigint      REFERENCES crawl_runs (crawl_run_id) ON DELETE CASCADE,
    discover_run_id text,
    http_status     integer,
    kind            text,                           -- rss | urlset | sitemapindex | listing | robots
    items           integer     NOT NULL DEFAULT 0,
    in_window       integer     NOT NULL DEFAULT 0,
    time_forms      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    problems        jsonb       NOT NULL DEFAULT '[]'::jsonb,
    named           jsonb       NOT NULL DEFAULT '[]'::jsonb,  -- the canonical urls this read named
    reason          text,
    CHECK (crawl_run_id IS NOT NULL OR discover_run_id IS NOT NULL)
);
CREATE INDEX discovery_reads_crawl_idx ON discovery_reads (crawl_run_id);
CREATE INDEX discovery_reads_discover_idx ON discovery_reads (discover_run_id);
