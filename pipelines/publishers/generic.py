"""Any other publisher: trafilatura's text and metadata, with exact page metadata
(article:published_time, JSON-LD datePublished, canonical) preferred where present."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import trafilatura

from pipelines.validate import plausible_time
from pipelines.labels import parse_dateline, revision_no, split_wire_headline
from pipelines.publishers import (
    ExtractionError,
    absolute_url,
    canonical_href,
    clean_line,
    iso_time,
    make_record,
    meta_map,
)

_PUBLISHED_KEYS = ("article:published_time", "og:article:published_time", "datePublished",
                   "pubdate", "publishdate", "date")
_MODIFIED_KEYS = ("article:modified_time", "og:article:modified_time", "dateModified", "og:updated_time")


class GenericParser:
    SOURCE = "generic"
    # Tied to the trafilatura release: its output changes with it, so must the version.
    VERSION = f"generic-trafilatura-{trafilatura.__version__}.1"

    def __init__(self, tree, url: str | None = None):
        self.tree = tree
        self.given_url = url
        self.meta = meta_map(tree)
        try:
            # Defaults as plain trafilatura, minus reader comments (not article text).
            self.doc = trafilatura.bare_extraction(
                tree, url=url, with_metadata=True, include_comments=False)
        except Exception as exc:  # trafilatura/lxml internals on hostile markup
            raise ExtractionError(f"parse_error: trafilatura failed: {type(exc).__name__}") from exc

    def parse(self) -> dict:
        body = self.body_paragraphs()  # first: without text trafilatura gives no title either
        label, headline = split_wire_headline(self.title_raw())
        if not headline:
            raise ExtractionError("no_headline: no title found")
        published = self.published_at()
        return make_record(
            source=self.SOURCE,
            article_id=self.article_id(),
            url=self.url(),
            headline=headline,
            title_raw=self.title_raw(),
            revision_label=label,
            revision_no=revision_no(label),
            attn=None,
            byline=self.byline(),
            dateline=parse_dateline(body[0]),
            section=self.section(),
            published_at=published,
            updated_at=self.updated_at() or published,  # never edited: last update = publication
            body_paragraphs=body,
            captions=[],  # figure captions on arbitrary sites are too often credits/ads
            related=[],
            extractor_version=self.VERSION,
        )

    def _doc(self, field: str):
        return getattr(self.doc, field, None) if self.doc is not None else None

    def title_raw(self) -> str:
        """The headline as the page gives it, minus a trailing site name ("... | Reuters",
        "...-정치ㅣ한국일보"): that suffix belongs to the site, not to the story."""
        title = clean_line(self._doc("title") or self.meta.get("og:title") or "")
        sites = {self._doc("sitename"), self.meta.get("og:site_name")} - {None, ""}
        return strip_site_suffix(title, sites, self.section())

    def url(self) -> str | None:
        return (absolute_url(canonical_href(self.tree), self.given_url)
                or absolute_url(self.meta.get("og:url"), self.given_url)
                or self.given_url)

    def article_id(self) -> str:
        """sha256 of the canonical URL (stable across crawls); without any URL, of the
        title and date, so a re-fetch of the same page still gets the same id."""
        key = self.url() or f"{self.title_raw()}|{self.published_at()}"
        return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:24]

    def byline(self) -> str | None:
        return self._doc("author") or None

    def section(self) -> str | None:
        categories = self._doc("categories") or []
        return self.meta.get("article:section") or (categories[0] if categories else None)

    def body_paragraphs(self) -> list[str]:
        text = self._doc("text") or ""
        paragraphs = [clean_line(line) for line in text.split("\n") if clean_line(line)]
        # trafilatura often keeps the <h1> as the first line; the headline is its own field.
        titles = {clean_line(self._doc("title") or ""), self.title_raw()} - {""}
        while paragraphs and paragraphs[0] in titles:
            paragraphs.pop(0)
        if not paragraphs:
            raise ExtractionError("no_body: trafilatura found no main text")
        return paragraphs

    def published_at(self) -> str | None:
        exact = self._first_time(_PUBLISHED_KEYS, "datePublished")
        if exact:
            return exact
        date = self._doc("date")  # trafilatura/htmldate give a day only: keep it a date
        if isinstance(date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) and plausible_time(date):
            return date
        return None

    def updated_at(self) -> str | None:
        return self._first_time(_MODIFIED_KEYS, "dateModified")

    def _first_time(self, meta_keys: tuple[str, ...], jsonld_key: str) -> str | None:
        for key in meta_keys:
            value = _iso_or_none(self.meta.get(key))
            if value:
                return value
        for value in self._jsonld_values(jsonld_key):
            value = _iso_or_none(value)
            if value:
                return value
        return None

    def _jsonld_values(self, key: str) -> list[str]:
        values = []
        for script in self.tree.xpath("//script[@type='application/ld+json']"):
            try:
                data = json.loads(script.text or "")
            except (ValueError, RecursionError):
                continue
            stack = [data]
            while stack and len(values) < 5:
                item = stack.pop()
                if isinstance(item, list):
                    stack.extend(reversed(item))
                elif isinstance(item, dict):
                    if isinstance(item.get(key), str):
                        values.append(item[key])
                    stack.extend(v for v in item.values() if isinstance(v, (list, dict)))
        return values


_SEPARATORS = r"[|\uff5c\u3163\-\u2013\u2014:\u00b7\u2022]"  # | ｜ ㅣ - – — : · •


def strip_site_suffix(title: str, sites: set[str], section: str | None = None) -> str:
    """Drop " | Site" / " - Site" / "-Section|Site" from the end of a title; never empty it."""
    if len(title) > 600:  # not a headline; and keeps the backtracking regex cheap
        return title
    for site in sorted(sites, key=len, reverse=True):
        section_part = rf"(?:{re.escape(section)}\s*{_SEPARATORS}\s*)?" if section else ""
        pattern = rf"^(?P<title>.+?)\s*{_SEPARATORS}\s*{section_part}{re.escape(site)}\s*$"
        match = re.match(pattern, title, re.IGNORECASE)
        if match and match.group("title").strip():
            return match.group("title").strip()
    return title


def _iso_or_none(value: str | None) -> str | None:
    """Times without a zone are taken as UTC: most CMSs store and print UTC when they
    omit the offset, and a record time must carry one. A day without a time stays a day
    ("2023-05-10"): midnight would be an invented time. Placeholders (0001-01-01, 1970-01-01,
    a year 9999) are no time at all, so the next source of a time is tried."""
    value = (value or "").strip()
    day = _DAY_ONLY.fullmatch(value)
    found = day.group(1) if day else iso_time(value, dt.timezone.utc)
    return found if found and plausible_time(found) else None


_DAY_ONLY = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T00:00(?::00(?:\.0+)?)?)?")  # a day, or a naive midnight
