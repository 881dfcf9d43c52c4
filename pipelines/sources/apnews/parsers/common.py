"""What both AP page generations share: linked data and the record's fields (AP's story conventions: conventions.py).

One small method per record field on APNewsPage; a version subclass says where its layout keeps each field
(`_headline_candidates`, `_story_blocks`, ...) and the fallbacks here take over when a place is empty:
ld+json (headline, times, authors, articleBody), the page's metas, then trafilatura on the story's box.

AP's story conventions, read from the saved pages:
- a dateline opens the first paragraph: "LA CROSSE, Wis. (AP) — " (kept in the body, also in `dateline`,
  as the Yonhap record does);
- "___" (a <p> in 2023, an <h2> in 2024) separates the story from its trailer: contributor lines
  ("... contributed to this report."), "Follow AP's coverage ..." and support notes, which are not story
  text and are dropped (the raw page keeps them);
- update and correction notes ("This story was first published March 29, 2023. It was updated ... to
  correct ...", "EDITOR'S NOTE — ...") are AP's counterpart of Yonhap's "(ATTN: ...)": they go to `attn`;
- subheads inside the story (2024 <h2>, also 2023) are story text, kept as paragraphs in their place.
"""
from __future__ import annotations

import copy
import html
import json
import re
from functools import cached_property

import trafilatura
from lxml import html as lxml_html

from pipelines.publishers import (
    ExtractionError,
    absolute_url,
    canonical_href,
    clean_line,
    element_text,
    make_record,
    meta_map,
)
from pipelines.sources.apnews import ids
from pipelines.sources.apnews.parsers.conventions import clean_byline, parse_dateline, split_story
from pipelines.sources.apnews.times import record_time

SOURCE = "apnews"
SENTENCE_WORDS = 6  # a story paragraph has a line at least this long (as pipelines.validate counts)
MAX_LD_JSON_CHARS = 2_000_000
NEWS_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "backgroundnewsarticle",
              "opinionnewsarticle", "reviewnewsarticle", "liveblogposting"}

# --- linked data ---------------------------------------------------------------------------------

def linked_data(tree) -> list[dict]:
    """Every JSON object in the page's ld+json scripts, lists and @graph flattened, in page order.
    A script that is not JSON (or is absurdly long) is skipped: the page's other places still count."""
    found: list[dict] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = (script.text or "").strip()
        if not text or len(text) > MAX_LD_JSON_CHARS:
            continue
        try:
            data = json.loads(text, strict=False)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack[:0] = item
            elif isinstance(item, dict):
                found.append(item)
                if isinstance(item.get("@graph"), list):
                    stack[:0] = item["@graph"]
    return found


def _types(item: dict) -> set[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}


def ld_text(value) -> str | None:
    """A JSON-LD string as text: entities a CMS left escaped ("&#x27;") decoded, spaces collapsed."""
    if not isinstance(value, str):
        return None
    return clean_line(html.unescape(value)) or None


def unique(texts) -> list[str]:
    seen, out = set(), []
    for text in texts:
        key = clean_line(text or "").casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(clean_line(text))
    return out


def words(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def has_sentence(paragraphs: list[str]) -> bool:
    return any(len(line.split()) >= SENTENCE_WORDS for p in paragraphs for line in p.split("\n"))


def html_blocks(fragment: str, tags=("p", "h2", "h3")) -> list[str]:
    """Top-level <p>/<h2>/<h3> texts of an HTML fragment (the React state's storyHTML)."""
    try:
        holder = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, lxml_html.etree.ParserError):
        return []
    return [text for text in (element_text(child) for child in holder if child.tag in tags) if text]


# Boxes inside a story box that are not story text, by class name (Brightspot names its modules so; the React
# app's ad slots are "Component-dfp-..." and "ad-placeholder") and by tag.
_FURNITURE_PREFIXES = ("Enhancement", "Infobox", "Figure", "PagePromo", "PageList", "Advertisement", "SovrnAd",
                       "HtmlModule", "HTMLModule", "Carousel", "Related", "Ad")
_FURNITURE_PARTS = ("dfp", "ad-placeholder", "apnews_article_mid", "embed-caption")
_FURNITURE_TAGS = ("figure", "aside", "script", "style", "noscript", "iframe", "template", "nav", "form")


def is_furniture(element) -> bool:
    if not isinstance(element.tag, str):
        return True
    if element.tag in _FURNITURE_TAGS:
        return True
    classes = (element.get("class") or "").split()
    return any(part.startswith(_FURNITURE_PREFIXES) or any(bit in part for bit in _FURNITURE_PARTS)
               for part in classes)


def without_furniture(element):
    """A copy of `element` without the boxes, ads and embeds inside it."""
    clean = copy.deepcopy(element)
    for inner in list(clean.iterdescendants()):
        if inner.getparent() is not None and is_furniture(inner):
            inner.drop_tree()
    return clean


def trafilatura_paragraphs(element) -> list[str]:
    """trafilatura on one element alone, its furniture taken out (the last resort for an unseen variant)."""
    if element is None:
        return []
    try:
        document = lxml_html.document_fromstring("<html><body></body></html>")
        document.find("body").append(without_furniture(element))
        text = trafilatura.extract(document, include_comments=False, include_tables=False) or ""
    except Exception:  # trafilatura on a broken tree: no text from it
        return []
    return [line for line in (clean_line(part) for part in text.split("\n")) if line]


# --- the record ------------------------------------------------------------------------------------

class APNewsPage:
    """Fields common to both generations; subclasses name where their layout keeps things."""

    VERSION = "apnews-base"  # overridden by each dated version

    def __init__(self, tree, url: str | None = None):
        self.tree = tree
        self.given_url = url
        self.meta = meta_map(tree)
        self.ld = linked_data(tree)

    @classmethod
    def matches(cls, tree) -> bool:
        """Whether the page's story is in this layout's story box."""
        raise NotImplementedError

    @classmethod
    def resembles(cls, tree) -> bool:
        """Whether the page carries this layout's markers (asked when no layout's box holds the story)."""
        raise NotImplementedError

    def parse(self) -> dict:
        body = self.body_paragraphs
        published = self.published_at()
        return make_record(
            source=SOURCE,
            article_id=self.article_id,
            url=self.url(),
            headline=self.headline,
            title_raw=self.title_raw(),
            revision_label=None,  # AP's web pages carry no "1st Ld-Writethru" label; versions are in place
            revision_no=0,
            attn=self.attn(),
            byline=self.byline(),
            dateline=parse_dateline(body[0]),
            section=self.section(),
            published_at=published,
            updated_at=self.updated_at() or published,  # never edited: last update = publication
            body_paragraphs=body,
            captions=self.captions(),
            related=self.related(),
            extractor_version=self.VERSION,
        )

    # --- the article this page is ------------------------------------------------------------------

    @cached_property
    def article(self) -> dict:
        """The page's own NewsArticle in its linked data (the one naming this page's id, else the first)."""
        articles = [item for item in self.ld if _types(item) & NEWS_TYPES]
        for item in articles:
            if self._page_ids_of(item) & {self._declared_id}:
                return item
        return articles[0] if articles else {}

    @staticmethod
    def _page_ids_of(item: dict) -> set[str]:
        main = item.get("mainEntityOfPage")
        candidates = [item.get("url"), main.get("@id") if isinstance(main, dict) else main]
        return {found for found in (ids.id_in_url(c) if isinstance(c, str) else None for c in candidates) if found}

    @cached_property
    def _declared_id(self) -> str | None:
        """The id the page declares in its own head: canonical link, then og:url."""
        for candidate in (canonical_href(self.tree), self.meta.get("og:url")):
            found = ids.id_in_url(candidate)
            if found:
                return found
        return None

    def _other_page_ids(self) -> list[str]:
        """Further places a layout keeps its id (the React state); none by default."""
        return []

    @cached_property
    def article_id(self) -> str:
        """The url's 32-hex id. The page's own id (canonical, og:url, ld+json, state) must agree with the
        url it was fetched from: a page naming another article is an id_mismatch, never stored under
        either id."""
        page_id = self._declared_id or next(iter(sorted(self._page_ids_of(self.article))), None) or next(
            iter(self._other_page_ids()), None)
        url_id = ids.id_in_url(self.given_url)
        if page_id and url_id and page_id != url_id:
            raise ExtractionError(f"id_mismatch: the page's id {page_id} is not the url's {url_id}")
        article_id = page_id or url_id
        if not article_id:
            raise ExtractionError("no_article_id: no 32-hex id in the canonical link, og:url, ld+json or url")
        return article_id

    def url(self) -> str:
        """The page's canonical url when it names this article (apnews.com even when served by a replay),
        else BASE/article/<slug>-<id> from the url it was fetched from."""
        for candidate in (canonical_href(self.tree), self.meta.get("og:url"), self.article.get("url")):
            absolute = absolute_url(candidate, ids.BASE_URL) if isinstance(candidate, str) else None
            if absolute and ids.id_in_url(absolute) == self.article_id:
                return absolute.split("#", 1)[0].split("?", 1)[0]
        found = ids.canonicalize(self.given_url, ids.BASE_URL) if self.given_url else None
        slug = ids.split_article_path(found[0].removeprefix(ids.BASE_URL))[0] if found else None
        return ids.canonical_url(ids.BASE_URL, self.article_id, slug)

    # --- headline ------------------------------------------------------------------------------------

    def _shown_headline(self) -> str | None:
        """The headline as the layout shows it (its h1)."""
        return None

    def _title_tag(self) -> str | None:
        title = next(self.tree.iter("title"), None)
        text = clean_line(title.text_content()) if title is not None else ""
        return re.sub(r"\s*[|\-–—]\s*AP News\s*$", "", text, flags=re.IGNORECASE) or None

    @cached_property
    def headline(self) -> str:
        """ld+json `headline` (the headline of record: the page's <title>, what Fundus reads); the shown
        h1 when linked data has none or cut it short; then og:title, then <title>."""
        shown = self._shown_headline()
        linked = ld_text(self.article.get("headline"))
        if linked and shown and linked.rstrip(".…") != linked and shown.startswith(linked.rstrip(".…")):
            linked = None  # truncated in the linked data ("... to Elec…"): the page shows it whole
        for candidate in (linked, shown, clean_line(self.meta.get("og:title", "")), self._title_tag()):
            if candidate:
                return candidate
        raise ExtractionError("no_headline: no ld+json headline, no h1, no og:title and no <title>")

    def title_raw(self) -> str:
        """The headline as shown on the page (its h1), which AP sometimes words apart from the headline of
        record ("... brace for an intense sprint ..." shown, "... brace for a sprint ..." in ld+json)."""
        return self._shown_headline() or self.headline

    # --- times, section, byline ----------------------------------------------------------------------

    def _published_candidates(self) -> list:
        return [self.article.get("datePublished"), self.meta.get("article:published_time")]

    def _modified_candidates(self) -> list:
        return [self.article.get("dateModified"), self.meta.get("article:modified_time")]

    def published_at(self) -> str:
        for value in self._published_candidates():
            found = record_time(value)
            if found:
                return found
        raise ExtractionError("no_published_time: no datePublished, article:published_time or page timestamp")

    def updated_at(self) -> str | None:
        return next((found for found in map(record_time, self._modified_candidates()) if found), None)

    def section(self) -> str | None:
        section = self.meta.get("article:section")
        if section:
            return clean_line(section)
        linked = self.article.get("articleSection")
        linked = linked[0] if isinstance(linked, list) and linked else linked
        return ld_text(linked)

    def _shown_byline(self) -> str | None:
        return None

    def byline(self) -> str | None:
        shown = clean_byline(self._shown_byline())
        if shown:
            return shown
        authors = self.article.get("author")
        authors = authors if isinstance(authors, list) else [authors]
        names = [ld_text(a.get("name") if isinstance(a, dict) else a) for a in authors]
        names = [n for n in names if n]
        return ", ".join(names) or None

    # --- body ----------------------------------------------------------------------------------------

    def _story_box(self):
        """The element holding the story's paragraphs in this layout, or None."""
        return None

    def _story_blocks(self) -> list[str]:
        """The story box's paragraphs and subheads, in order, as the layout places them."""
        return []

    def _more_story_blocks(self) -> list[str]:
        """A second place the layout keeps the story (the React state's storyHTML); none by default."""
        return []

    def _linked_body(self) -> list[str]:
        text = self.article.get("articleBody")
        if not isinstance(text, str):
            return []
        parts = re.split(r"\n\s*\n|\n", html.unescape(text))
        return [line for line in (clean_line(part) for part in parts) if line]

    @cached_property
    def _story(self) -> tuple[list[str], list[str]]:
        """(body, notes). The layout's story box, or its second place when that holds half as much again
        (paragraphs wrapped deeper, a box emptied by a script); ld+json articleBody when the layout has no
        story or less than 80% of it (a cut or lazy page); then trafilatura on the story box without its
        furniture (on the page when there is no box). A body without one sentence-length line is no story."""
        found = [story for story in (split_story(self._story_blocks()), split_story(self._more_story_blocks()))
                 if has_sentence(story[0])]
        if len(found) == 2 and words(found[1][0]) > 1.5 * words(found[0][0]):
            found.reverse()
        linked = split_story(self._linked_body())
        if found and not (has_sentence(linked[0]) and words(found[0][0]) < 0.8 * words(linked[0])):
            return found[0]
        if has_sentence(linked[0]):
            return linked
        box = self._story_box()
        story = split_story(trafilatura_paragraphs(box if box is not None else self.tree.find("body")))
        if has_sentence(story[0]):
            return story
        raise ExtractionError(f"no_body: no story paragraphs in the {self.VERSION} layout, "
                              "in ld+json articleBody or by trafilatura")

    @property
    def body_paragraphs(self) -> list[str]:
        return self._story[0]

    def attn(self) -> str | None:
        notes = self._story[1]
        return " ".join(notes) if notes else None

    # --- boxes ---------------------------------------------------------------------------------------

    def captions(self) -> list[str]:
        return []

    def related(self) -> list[dict]:
        return []

    def _related_links(self, pairs) -> list[dict]:
        """[{title, url}] for AP article links other than this one, each url once."""
        links, seen = [], {self.article_id}
        for title, href in pairs:
            url = absolute_url(href, ids.BASE_URL) if href else None
            found = ids.id_in_url(url)
            if not url or not found or found in seen:
                continue
            seen.add(found)
            links.append({"title": clean_line(title) if title else None, "url": url.split("?", 1)[0]})
        return links
