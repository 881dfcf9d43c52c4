"""Discovery of a night's articles: parsing the site's surfaces (listings, RSS feeds, news sitemap),
canonical article urls, the frontier the `yonhap_capture` DAG fills, coverage of a night, and the probe.

The spider (spiders/yonhap.py), the capture passes and the probe share the parsers in `surfaces`.
"""
