"""AP News urls: article urls and their ids, and where the discovery surfaces live.

An article is `https://apnews.com/article/<slug>-<id>`, the id 32 lowercase hex digits (the evidence's three
pages; the React state calls it `shortId`, its urn `urn:publicid:ap.org:<id>`). The id is the identity: the
slug is editorial and AP's own pages link the same article by other forms (a 2023 page links
`/6192267a5ef5791416adda36667d287b`, bare id under the root; older AP links were `apnews.com/<id>`).

Canonical url: `BASE/article/<slug>-<id>` with the slug the naming surface gave (the form AP's
`<link rel=canonical>` has, so a fetch lands without a redirect), `BASE/article/<id>` when the link had no
slug. Two urls with one id are one article: deduplicate sightings and fetches by id, never by url.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

BASE_URL = "https://apnews.com"
HOSTS = ("apnews.com", "www.apnews.com")
ID_GRAMMAR = re.compile(r"[0-9a-f]{32}")
# /article/<slug>-<id>, /article/<id>, /<id>; a trailing slash is tolerated. Case of the hex is folded.
_ARTICLE_PATH = re.compile(r"^/(?:article/)?(?:(?P<slug>[^/?#]*?)-)?(?P<id>[0-9a-fA-F]{32})/?$")
_ID_ANYWHERE = re.compile(r"(?<![0-9a-fA-F])([0-9a-fA-F]{32})(?![0-9a-fA-F])")
_NOT_ARTICLE_PREFIXES = ("/hub/", "/video/", "/photo-gallery/", "/live/", "/press-release/", "/author/")

# Discovery surfaces (see discovery.py for the evidence).
SITEMAP_PATH = "/sitemap.xml"
NEWS_SITEMAP_PATH = "/news-sitemap-content.xml"
HUB_PATHS = ("/hub/ap-top-news", "/hub/us-news", "/hub/world-news", "/hub/politics", "/hub/business",
             "/hub/science", "/hub/health", "/hub/sports", "/hub/entertainment", "/hub/technology")


def canonical_url(base_url: str, article_id: str, slug: str | None = None) -> str:
    base = base_url.rstrip("/")
    return f"{base}/article/{slug}-{article_id}" if slug else f"{base}/article/{article_id}"


def same_site(host: str | None, base_url: str) -> bool:
    """This site's host, with or without "www." (apnews.com serves both)."""
    host = (host or "").lower()
    base_host = (urlsplit(base_url).hostname or "").lower()
    return bool(host) and host.removeprefix("www.") == base_host.removeprefix("www.")


def split_article_path(path: str) -> tuple[str | None, str] | None:
    """(slug or None, id) for an article path, None for anything else (hubs, videos, sections)."""
    if any(path.startswith(prefix) for prefix in _NOT_ARTICLE_PREFIXES):
        return None
    match = _ARTICLE_PATH.match(path)
    if not match:
        return None
    return (match["slug"] or None), match["id"].lower()


def canonicalize(href: str | None, base_url: str, page_url: str | None = None) -> tuple[str, str] | None:
    """(canonical url, article id) for a link to an AP article of this site, else None.

    Relative, protocol-relative, http or https links, with query strings (?utm_source=...) or fragments, all
    come back as BASE/article/<slug>-<id>. A link to this host under another scheme raises OffsiteLink.
    """
    try:
        url = urljoin(page_url or base_url + "/", (href or "").strip())
        parts = urlsplit(url)
        parts.port  # noqa: B018  raises on a malformed port
    except ValueError:
        return None
    if not same_site(parts.hostname, base_url):
        return None
    if parts.scheme.lower() not in ("http", "https"):
        from pipelines.discovery.surfaces import OffsiteLink  # the shared type callers catch (imports Scrapy)

        raise OffsiteLink(f"refused_scheme: {parts.scheme}")
    found = split_article_path(parts.path)
    if found is None:
        return None
    slug, article_id = found
    return canonical_url(base_url, article_id, slug), article_id


def id_in_url(url: str | None) -> str | None:
    """The article id an AP url names, whatever its host (the page's canonical link is on apnews.com)."""
    try:
        path = urlsplit(url).path if url else ""
    except ValueError:
        return None
    found = split_article_path(path)
    return found[1] if found else None


def id_in_text(text: str | None) -> str | None:
    """A 32-hex id anywhere in a string (`urn:publicid:ap.org:<id>`, an etag `<id>_0a4aza0c0`)."""
    match = _ID_ANYWHERE.search(text or "")
    return match.group(1).lower() if match else None
