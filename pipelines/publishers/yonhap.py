"""Yonhap News Agency, English service (en.yna.co.kr).

Exact fields come from the site's own markup; trafilatura is only the fallback for the
body when the rules find no paragraphs (a page variant we have not seen yet).
"""
from __future__ import annotations

import copy
import datetime as dt
import re
from functools import cached_property

import trafilatura
from lxml import html as lxml_html

from pipelines.labels import parse_attn, parse_dateline, revision_no, split_headline
from pipelines.publishers import (
    ExtractionError,
    absolute_url,
    canonical_href,
    clean_line,
    element_lines,
    element_text,
    first,
    has_class,
    host_of,
    iso_time,
    make_record,
    meta_map,
)

HOSTS = ("en.yna.co.kr", "m-en.yna.co.kr")
BASE_URL = "https://en.yna.co.kr"
KST = dt.timezone(dt.timedelta(hours=9), "KST")  # page times carry no zone when shown

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], start=1)}
_SHOWN_TIME = re.compile(r"(\d{1,2}):(\d{2})\s+([A-Za-z]+)\.?\s+(\d{1,2}),\s*(\d{4})")
_VIEW_ID = re.compile(r"/view/(AEN\d{17})\b")
_BYLINE = re.compile(
    r"^By\s+(?P<name>[A-Z][\w.'\-]*(?:\s+[A-Z][\w.'\-]*){0,4}"
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'\-]*(?:\s+[A-Z][\w.'\-]*){0,4}){0,4})$"
)
# Trailer lines at the end of the story: reporter e-mail(s), "(END)", "(MORE)" (the
# story continues in the next item, as in the KOSPI price lists).
_TRAILER = re.compile(
    r"^(?:\((?:END|MORE)\)|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+(?:\s*[,;/]?\s*[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)*)$"
)
# Auto-generated alt text of an uncaptioned picture: "<headline> - 1".
_AUTO_ALT = re.compile(r"\s-\s\d{1,2}$")


def is_yonhap_page(url: str | None, meta: dict[str, str], canonical: str | None) -> bool:
    """By host, or by the page's own markers (the replay site serves Yonhap pages on
    127.0.0.1, so the markers must be enough)."""
    if host_of(url) in HOSTS or host_of(canonical) in HOSTS:
        return True
    return "yna:content_id" in meta


class YonhapParserV2023:
    """The 2023 layout: header.title-article01 h1.tit, article.story-news > p."""

    SOURCE = "yonhap"
    VERSION = "yonhap-v2023.1"

    _TITLE_XPATH = f"//header[{has_class('title-article01')}]//h1[{has_class('tit')}]"
    _ARTICLE_XPATH = f"//article[{has_class('story-news')}]"
    _INFO_XPATH = f"//div[{has_class('info-con')}]"

    @classmethod
    def matches(cls, tree) -> bool:
        return bool(tree.xpath(cls._ARTICLE_XPATH))

    def __init__(self, tree, url: str | None = None):
        self.tree = tree
        self.given_url = url
        self.meta = meta_map(tree)
        self.article = first(tree.xpath(self._ARTICLE_XPATH))

    def parse(self) -> dict:
        label, headline = self.label_and_headline
        published = self.published_at()
        return make_record(
            source=self.SOURCE,
            article_id=self.article_id(),
            url=self.url(),
            headline=headline,
            title_raw=self.title_raw,
            revision_label=label,
            revision_no=revision_no(label),
            attn=self.attn(),
            byline=self.byline(),
            dateline=parse_dateline(self.body_paragraphs[0]),
            section=self.section(),
            published_at=published,
            updated_at=self.updated_at() or published,  # never edited: last update = publication
            body_paragraphs=self.body_paragraphs,
            captions=self.captions(),
            related=self.related(),
            extractor_version=self.VERSION,
        )

    # --- headline ----------------------------------------------------------------------

    @cached_property
    def title_raw(self) -> str:
        h1 = first(self.tree.xpath(self._TITLE_XPATH))
        title = clean_line(" ".join(element_lines(h1))) if h1 is not None else ""
        if not title:  # og:title carries the same headline plus the site name
            title = re.sub(r"\s*\|\s*Yonhap News Agency\s*$", "", self.meta.get("og:title", "")).strip()
        if not title:
            raise ExtractionError("no_headline: no h1.tit in header.title-article01 and no og:title")
        return title

    @cached_property
    def label_and_headline(self) -> tuple[str | None, str]:
        label, headline = split_headline(self.title_raw)
        if not headline:
            raise ExtractionError(f"no_headline: title is only a label: {self.title_raw[:80]!r}")
        return label, headline

    # --- identity ----------------------------------------------------------------------

    def url(self) -> str:
        canonical = absolute_url(canonical_href(self.tree), self.given_url or BASE_URL)
        return canonical or absolute_url(self.meta.get("og:url"), self.given_url) or self.given_url or (
            f"{BASE_URL}/view/{self.article_id()}")

    def article_id(self) -> str:
        content_id = self.meta.get("yna:content_id", "").strip()
        if content_id:
            return content_id
        for candidate in (canonical_href(self.tree), self.meta.get("og:url"), self.given_url):
            match = _VIEW_ID.search(candidate or "")
            if match:
                return match.group(1)
        raise ExtractionError("no_article_id: no yna:content_id and no /view/<id> URL")

    # --- times and section -------------------------------------------------------------

    def published_at(self) -> str:
        value = iso_time(self.meta.get("article:published_time"), KST) or self._shown_time()
        if not value:
            raise ExtractionError("no_published_time: no article:published_time and no shown time")
        return value

    def updated_at(self) -> str | None:
        return iso_time(self.meta.get("article:modified_time"), KST)

    def _shown_time(self) -> str | None:
        """"14:53 April 19, 2023" in div.info-con span.txt, Korean time."""
        info = first(self.tree.xpath(self._INFO_XPATH))
        match = _SHOWN_TIME.search(clean_line(info.text_content())) if info is not None else None
        if not match:
            return None
        hour, minute, month_name, day, year = match.groups()
        month = _MONTHS.get(month_name.lower())
        try:
            return dt.datetime(int(year), month, int(day), int(hour), int(minute), tzinfo=KST).isoformat()
        except (TypeError, ValueError):
            return None

    def section(self) -> str | None:
        """article:section ("North Korea", "Economy Business"). The link shown in
        div.info-con is the generic "All News" on these pages, so it is only a fallback."""
        section = self.meta.get("article:section")
        if section:
            return section
        link = first(self.tree.xpath(f"{self._INFO_XPATH}//a"))
        text = clean_line(link.text_content()) if link is not None else ""
        return text if text and text.lower() != "all news" else None

    # --- story paragraphs --------------------------------------------------------------

    @cached_property
    def _paragraphs(self) -> list[str]:
        """Direct <p> children of the article: paragraphs inside photo, video and related
        boxes are deeper and so never counted. If the rules find none (a variant of the
        layout not seen yet), trafilatura's paragraphs stand in, so that the ATTN/byline
        and trailer rules below still apply."""
        if self.article is not None:
            paragraphs = [text for text in (element_text(p) for p in self.article.xpath("./p")) if text]
            if paragraphs:
                return paragraphs
        return self._trafilatura_paragraphs()

    def _trafilatura_paragraphs(self) -> list[str]:
        """trafilatura on the article element alone: on the whole page it finds the share buttons,
        teasers and footer when the article holds no text (say, only a <script>)."""
        if self.article is None:
            return []
        try:
            document = lxml_html.document_fromstring("<html><body></body></html>")
            document.find("body").append(copy.deepcopy(self.article))
            text = trafilatura.extract(document, include_comments=False) or ""
        except Exception:  # trafilatura on a broken tree: treat as no text
            return []
        return [line for line in (clean_line(part) for part in text.split("\n")) if line]

    @cached_property
    def _head_count(self) -> int:
        """How many leading paragraphs are the ATTN note and/or the byline."""
        count = 0
        for paragraph in self._paragraphs:
            if not all(_is_head_line(line) for line in paragraph.split("\n")):
                break
            count += 1
        return count

    def _head_lines(self) -> list[str]:
        return [line for p in self._paragraphs[: self._head_count] for line in p.split("\n")]

    def attn(self) -> str | None:
        return next((parse_attn(line) for line in self._head_lines() if parse_attn(line)), None)

    def byline(self) -> str | None:
        for line in self._head_lines():
            match = _BYLINE.match(line)
            if match:
                return match.group("name")
        return None

    @cached_property
    def body_paragraphs(self) -> list[str]:
        body = _strip_trailer(self._paragraphs[self._head_count:])
        if not body:
            raise ExtractionError("no_body: article.story-news has no story paragraphs")
        return body

    # --- boxes inside the article ------------------------------------------------------

    def captions(self) -> list[str]:
        """Photo captions (p.txt-desc; the img alt only when there is no txt-desc element,
        and never the auto alt "<headline> - 1"). Video boxes are not photos."""
        if self.article is None:
            return []
        captions = []
        for figure in self.article.xpath(f".//div[{has_class('photo-group')}]//figure"):
            desc = first(figure.xpath(f".//p[{has_class('txt-desc')}]"))
            if desc is not None:
                text = clean_line(desc.text_content())
            else:
                alt = clean_line(first(figure.xpath(".//img/@alt")) or "")
                text = "" if _AUTO_ALT.search(alt) else alt
            if text:
                captions.append(text)
        return captions

    def related(self) -> list[dict]:
        if self.article is None:
            return []
        links = []
        for anchor in self.article.xpath(f".//div[{has_class('related-group')}]//li//a[@href]"):
            title = clean_line(anchor.text_content())
            url = absolute_url(anchor.get("href"), BASE_URL)
            if title and url:
                links.append({"title": title, "url": url})
        return links


def _is_head_line(line: str) -> bool:
    return bool(parse_attn(line) and line.lstrip().startswith("(") or _BYLINE.match(line))


def _strip_trailer(paragraphs: list[str]) -> list[str]:
    """Drop e-mail, "(END)" and "(MORE)" lines from the end (they may share the last
    paragraph with story text, as in "...designated.<br>(END)")."""
    paragraphs = list(paragraphs)
    while paragraphs:
        lines = paragraphs[-1].split("\n")
        while lines and _TRAILER.match(lines[-1]):
            lines.pop()
        if lines:
            paragraphs[-1] = "\n".join(lines)
            break
        paragraphs.pop()
    return paragraphs


PARSERS = (YonhapParserV2023,)  # newest first; extract() uses the first that matches
