"""AP News page parsers, one dated version per site generation (a redesign adds a version; old ones stay for
old archived pages). Each returns the record of pipelines.publishers.RECORD_KEYS, source "apnews"."""
from __future__ import annotations

import logging
from datetime import date

from pipelines.publishers import canonical_href, host_of, meta_map
from pipelines.sources.apnews import ids
from pipelines.sources.apnews.parsers.brightspot2024 import APNewsBrightspot2024
from pipelines.sources.apnews.parsers.react2023 import APNewsReact2023
from pipelines.sources.base import ParserVersion

log = logging.getLogger(__name__)

# Newest first. The dates are what the evidence shows (Fundus's V1 is valid until 2023-07-10), not a rule:
# the page's own layout decides which version reads it, so an archived 2023 page re-read in 2030 still
# gets the React parser.
VERSIONS = (
    ParserVersion("brightspot2024", APNewsBrightspot2024, valid_from=date(2023, 7, 10)),
    ParserVersion("react2023", APNewsReact2023, valid_until=date(2023, 7, 10)),
)


def is_apnews_page(url: str | None, meta: dict[str, str], canonical: str | None) -> bool:
    """By host (apnews.com), else by the page's own canonical or og:url (a replay serves AP pages from
    127.0.0.1 with apnews.com canonical links), else by its site name."""
    if host_of(url) in ids.HOSTS or host_of(canonical) in ids.HOSTS or host_of(meta.get("og:url")) in ids.HOSTS:
        return True
    return (meta.get("og:site_name") or "").strip().upper() in ("AP NEWS", "AP NEWS.")


def pick_parser(tree, url: str | None = None):
    """The version whose story box holds the page's text (newest first); else the one whose markers the page
    carries (a story only in linked data or a state script); else the newest, whose fallbacks (ld+json,
    metas, trafilatura on the story box) read what they can: a layout change then shows as drift in the
    night's check instead of losing the night. A leftover of another generation (an empty story box, a
    stale state script) never outranks the layout that holds the text."""
    for test in ("matches", "resembles"):
        for version in VERSIONS:
            if getattr(version.parser, test)(tree):
                return version.parser(tree, url)
    log.warning("AP page in no known layout (%s): reading it with %s", url, VERSIONS[0].name)
    return VERSIONS[0].parser(tree, url)


def page_is_apnews(tree, url: str | None = None) -> bool:
    return is_apnews_page(url, meta_map(tree), canonical_href(tree))
