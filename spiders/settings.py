"""Scrapy settings for wiredesk. Politeness is on unless WIREDESK_THROTTLE=0 (local replay only)."""
import os

from pipelines import config

BOT_NAME = "wiredesk"
SPIDER_MODULES = ["spiders.yonhap", "spiders.capture"]
USER_AGENT = "wiredesk/0.1 (+https://github.com/wiredesk/wiredesk; news archive research crawler)"

ROBOTSTXT_OBEY = True
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Politeness: a delay between requests and AutoThrottle adapting to the server's latency.
if config.throttle_enabled():
    DOWNLOAD_DELAY = 1.0
    CONCURRENT_REQUESTS_PER_DOMAIN = 2
    AUTOTHROTTLE_ENABLED = True
    AUTOTHROTTLE_START_DELAY = 1.0
    AUTOTHROTTLE_MAX_DELAY = 30.0
    AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
else:
    DOWNLOAD_DELAY = 0
    CONCURRENT_REQUESTS = 16
    CONCURRENT_REQUESTS_PER_DOMAIN = 16
    AUTOTHROTTLE_ENABLED = False

# Transient errors are retried a bounded number of times; 429/503 honour Retry-After (capped).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
WIREDESK_RETRY_AFTER_CAP = 30.0
DOWNLOAD_TIMEOUT = 30

# Hostile input: a size cap (also applied to the decompressed size, which stops gzip/brotli
# bombs) and a refusal of private, loopback and link-local addresses at every hop.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 5

DOWNLOADER_MIDDLEWARES = {
    "spiders.middlewares.PublicAddressOnlyMiddleware": 40,  # before offsite filtering (50)
    "spiders.middlewares.ConfiguredOriginOnlyMiddleware": 45,  # the site's scheme, host and port only
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.RetryAfterMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "spiders.middlewares.SafeRedirectMiddleware": 600,
    # next to the downloader: every attempt and hop, the body before content decoding (590)
    "spiders.warc.WarcRecorderMiddleware": 950,
}
SPIDER_MIDDLEWARES = {"spiders.warc.WarcLocationMiddleware": 100}

# WARC files of every fetch (spiders/warc.py, docs/warc.md): rotated at this size, spooled locally first.
WIREDESK_WARC_ENABLED = os.environ.get("WIREDESK_WARC", "1") != "0"  # 0: off (make bench compares)
WIREDESK_WARC_REVISITS = os.environ.get("WIREDESK_WARC_REVISITS", "1") != "0"
WIREDESK_WARC_MAX_BYTES = int(os.environ.get("WIREDESK_WARC_MAX_BYTES") or 1024 ** 3)  # rotate at this size
WIREDESK_WARC_SPOOL = os.environ.get("WIREDESK_WARC_SPOOL") or None  # default WIREDESK_HOME/warc-spool

ITEM_PIPELINES = {
    "spiders.pipelines.ArchiveRawPipeline": 100,
    "spiders.pipelines.DiscoveryManifestPipeline": 800,
    "spiders.pipelines.ManifestPipeline": 900,
}

EXTENSIONS = {
    "spiders.extensions.ItemErrorRecorder": 500,
    "spiders.nightlock.NightLock": 100,  # only with WIREDESK_CRAWL_LOCK (set by pipelines.crawl)
    # Servers Scrapy opens by default on loopback: off, and their extensions unloaded, so that no
    # `-s` override can open one. The remote-control server (Scrapy 2.19, on by default) runs any code
    # it is sent, with the crawler's environment (DATABASE_URL, AWS_SECRET_ACCESS_KEY) at hand.
    "scrapy.extensions.remote_control.RemoteControl": None,
    "scrapy.extensions.telnet.TelnetConsole": None,
}

# Where ManifestPipeline writes one JSON line per fetched page or failure (set by pipelines.crawl).
WIREDESK_MANIFEST = None
# Where DiscoveryManifestPipeline writes one JSON line per surface read (set by pipelines.crawl).
WIREDESK_DISCOVERY_MANIFEST = None

LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
