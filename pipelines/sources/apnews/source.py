"""AP News as a pipelines.sources.base.Source: its surfaces, parsers, id grammar and replay in one object."""
from __future__ import annotations

from datetime import timezone

from pipelines.sources.apnews import discovery, ids
from pipelines.sources.apnews.parsers import VERSIONS, is_apnews_page, pick_parser
from pipelines.sources.base import REVISES_IN_PLACE, Politeness, Source, Surface


class APNews(Source):
    def article_ref(self, href, base_url, page_url=None):
        return ids.canonicalize(href, base_url, page_url)

    def is_own_page(self, url, meta, canonical):
        return is_apnews_page(url, meta, canonical)

    def pick_parser(self, tree, url):
        return pick_parser(tree, url)

    def lineage(self, article_id):
        return None  # AP revises in place: the id is the lineage; re-topped stories get new ids, linked by text

    def replay(self, **options):
        from pipelines.sources.apnews.replay import APReplaySite, SiteOptions

        nights = options.pop("nights", None)
        now = options.pop("now", None)
        return APReplaySite(nights, options=SiteOptions(**options), now=now)


SOURCE = APNews(
    name="apnews",
    default_base_url=ids.BASE_URL,
    hosts=ids.HOSTS,
    clock=timezone.utc,
    id_grammar=ids.ID_GRAMMAR,
    revises=REVISES_IN_PLACE,
    # AP's robots.txt asks for no crawl delay the evidence shows; one request at a time, two seconds apart,
    # is what a nightly archive of a few hundred pages needs.
    politeness=Politeness(download_delay=2.0, concurrent_requests_per_domain=1),
    surfaces=(
        Surface("news_sitemap", (ids.NEWS_SITEMAP_PATH,), discovery.parse_news_sitemap),  # fixed, as Fundus reads AP
        Surface("sitemap", (ids.SITEMAP_PATH,), discovery.parse_sitemap),
        Surface("hubs", ids.HUB_PATHS, discovery.parse_hub, backstop=True),
    ),
    parsers=VERSIONS,
)


def extract(html: bytes | str, url: str | None = None) -> dict:
    """One AP page -> one record, through the shared decoder and the shared boundary check.

    Until #19 part 2 routes pipelines.extract through the registry, this is how to run the AP parser end to
    end; it raises pipelines.publishers.ExtractionError only, as pipelines.extract.extract does.
    """
    from pipelines import extract as shared
    from pipelines.publishers import ExtractionError

    try:
        text, notes = shared.decode_page(html)
        record = shared.validate.check_record(pick_parser(shared.parse_tree(text), url).parse(), url)
        record["extraction_notes"] = notes + record["extraction_notes"]
        return record
    except ExtractionError:
        raise
    except RecursionError as exc:
        raise ExtractionError("parse_error: document nested too deeply") from exc
    except AssertionError:
        raise
    except Exception as exc:  # hostile markup in lxml/trafilatura internals: one exception type for callers
        raise ExtractionError(f"parse_error: {type(exc).__name__}: {str(exc)[:80]}") from exc
