"""Per-publisher parsers and the small HTML helpers they share.

Layout follows flairNLP/fundus: one module per source, one class per page layout
(a redesign adds a class, the old one stays for old archived pages), one small method
per record field. `pipelines.extract` picks the parser; this package holds no I/O.
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

# The record every parser returns, keys in this order (see pipelines.extract).
RECORD_KEYS = (
    "source", "article_id", "url", "headline", "title_raw", "revision_label", "revision_no",
    "attn", "byline", "dateline", "section", "published_at", "updated_at", "body_paragraphs",
    "captions", "related", "extractor_version", "extraction_notes",
)
# extraction_notes: what was repaired on the way (invalid bytes replaced, an implausible optional field
# dropped), one short line each; filled by pipelines.extract and pipelines.validate, so a parser may
# leave it out.


class ExtractionError(ValueError):
    """A page that cannot be turned into a record.

    `reason` is "<code>: <detail>" with a short stable code first (no_headline, no_body,
    no_published_time, not_html, decode_error, too_large, parse_error, unknown_layout,
    no_article_id), so callers can count failures by `code` and log the detail.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
        self.code = reason.split(":", 1)[0].strip()


def make_record(**fields) -> dict:
    fields.setdefault("extraction_notes", [])
    missing = set(RECORD_KEYS) - fields.keys()
    extra = fields.keys() - set(RECORD_KEYS)
    if missing or extra:  # a programming error in a parser, not bad input
        raise AssertionError(f"record keys wrong: missing {sorted(missing)}, extra {sorted(extra)}")
    return {key: fields[key] for key in RECORD_KEYS}


# --- tree helpers ------------------------------------------------------------------------

def has_class(name: str) -> str:
    """XPath predicate body matching one class among several: has_class('tit')."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def first(elements: list):
    return elements[0] if elements else None


def meta_map(tree) -> dict[str, str]:
    """All <meta> property/name/itemprop -> content (first occurrence wins), read in one pass."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop"):
            key = meta.get(attr)
            if key and key not in found:
                found[key] = content.strip()
    return found


def canonical_href(tree) -> str | None:
    for link in tree.iter("link"):
        if (link.get("rel") or "").strip().lower() == "canonical" and link.get("href"):
            return link.get("href").strip()
    return None


def absolute_url(href: str | None, base: str | None) -> str | None:
    """Resolve href against base; protocol-relative "//host/x" becomes https."""
    if not href:
        return None
    href = href.strip()
    if href.startswith("//"):
        return "https:" + href
    if urlsplit(href).scheme in ("http", "https"):
        return href
    if base:
        joined = urljoin(base, href)
        return joined if urlsplit(joined).scheme in ("http", "https") else None
    return None


def host_of(url: str | None) -> str:
    try:
        return (urlsplit(url).hostname or "").lower() if url else ""
    except ValueError:
        return ""


# --- text helpers ------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
# Characters lxml refuses in a text or tail it is given (XML 1.0): a stray control byte in a page.
_NOT_XML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def element_lines(element) -> list[str]:
    """Text of an element as whitespace-normalised lines: each <br> starts a new line,
    runs of spaces (also non-breaking ones) collapse, empty lines drop.

    The <br> tails are edited in place; the tree is ours (parsed once per page).
    """
    for br in element.iter("br"):
        br.tail = "\n" + _NOT_XML_TEXT.sub(" ", br.tail or "")
    text = element.text_content() if isinstance(element, lxml_html.HtmlElement) else "".join(element.itertext())
    return [line for line in (clean_line(part) for part in text.split("\n")) if line]


def element_text(element) -> str:
    """Paragraph text: lines joined by "\n" (a <br> inside a paragraph is a newline)."""
    return "\n".join(element_lines(element))


# --- time helpers ------------------------------------------------------------------------

def iso_time(value: str | None, default_tz: dt.tzinfo | None) -> str | None:
    """ISO 8601 string with offset, or None. Naive times get default_tz (if given)."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        if default_tz is None:
            return None
        parsed = parsed.replace(tzinfo=default_tz)
    return parsed.isoformat()
