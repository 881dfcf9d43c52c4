"""AP News (apnews.com): a wire that revises in place, under one url, with a new dateModified.

    SOURCE                      this source as pipelines.sources.base.Source (source.py)
    extract(html, url=None)     one page -> one record (the AP parser, then pipelines.validate)

ids and paths: ids.py; the clock: times.py; parsers react2023, brightspot2024: parsers/; discovery (sitemaps,
the news sitemap, hubs): discovery.py; a loopback apnews.com: replay/; golden pages: golden/.
Importing this package is cheap: SOURCE and extract load the parsers and Scrapy's sitemap code on first use.
"""
from __future__ import annotations


def __getattr__(name: str):
    if name in ("SOURCE", "extract", "APNews"):
        from pipelines.sources.apnews import source

        return getattr(source, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
