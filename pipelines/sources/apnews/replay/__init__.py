"""A loopback apnews.com for tests and the demo: written stories with in-place edits, both page generations,
sitemaps, the news sitemap, hubs and robots.txt, a clock (`site.now`) and validators (ETag, Last-Modified,
304s). `python -m pipelines.sources.apnews.replay serve` runs it until Ctrl-C."""
from pipelines.sources.apnews.replay.model import Article, Night, State
from pipelines.sources.apnews.replay.server import APReplaySite, SiteOptions
from pipelines.sources.apnews.replay.stories import nights

__all__ = ["APReplaySite", "Article", "Night", "SiteOptions", "State", "nights"]
