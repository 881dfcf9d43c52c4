"""AP News on Brightspot (the evidence: a page of September 2024; Fundus's V1_1, from mid-2023).

- story: `div.RichTextStoryBody` > p, with <h2> subheads, ads (div.SovrnAd), related-coverage lists
  (div.PageListEnhancementGeneric), embeds (div.HTMLModuleEnhancement) and boxes (div.Infobox, which hold
  their own paragraphs) between them: only the box's own paragraphs are story text
- headline: ld+json NewsArticle `headline` (= <title>); the shown h1.Page-headline may be worded apart
- times: ld+json `datePublished`/`dateModified` (UTC, "Z"); `bsp-timestamp data-timestamp` (milliseconds, the
  "Updated ..." time shown); `article:published_time`/`modified_time` metas without a zone (UTC: see times.py)
- byline: div.Page-authors ("By STEVE PEOPLES, THOMAS BEAUMONT and AMELIA THOMSON-DEVEAUX")
- captions: the lead carousel's image slides (CarouselSlide-infoDescription; the carousel is in the page
  twice, for desktop and mobile) and figures' figcaptions; video slides are not photos
- related: the PagePromo links of the related-coverage lists inside the story
"""
from __future__ import annotations

from functools import cached_property

from pipelines.publishers import clean_line, element_text, first, has_class
from pipelines.sources.apnews.parsers.common import APNewsPage, is_furniture, unique

def _inside_box(element, box) -> bool:
    """Whether a paragraph under the story box sits in furniture (or a list, a quote, a table) below it."""
    for ancestor in element.iterancestors():
        if ancestor is box:
            return False
        if is_furniture(ancestor) or ancestor.tag in ("blockquote", "table", "ul", "ol", "p"):
            return True
    return True


class APNewsBrightspot2024(APNewsPage):
    VERSION = "apnews-brightspot2024.1"

    _BOX_XPATH = f"//div[{has_class('RichTextStoryBody')}]"
    _HEADLINE_XPATH = f"//h1[{has_class('Page-headline')}]"
    _BYLINE_XPATH = f"//div[{has_class('Page-authors')}]"
    _BYLINE_BOX_XPATH = f"//div[{has_class('Page-byline-info')}] | //div[{has_class('Page-byline')}]"
    _LEAD_XPATH = f"//div[{has_class('Page-lead')}]"

    @classmethod
    def matches(cls, tree) -> bool:
        """The layout's story box holds paragraphs of text."""
        return any(p.text_content().strip() for box in tree.xpath(cls._BOX_XPATH) for p in box.xpath("./p"))

    @classmethod
    def resembles(cls, tree) -> bool:
        """Brightspot's markers without a story box holding text."""
        return bool(tree.xpath(f"{cls._BOX_XPATH} | //bsp-timestamp | {cls._HEADLINE_XPATH} | "
                               f"//div[{has_class('Page-storyBody')}]"))

    @cached_property
    def _box(self):
        """The story's RichTextStoryBody: the outermost one with the most paragraph text of its own."""
        boxes = [b for b in self.tree.xpath(self._BOX_XPATH)
                 if not b.xpath(f"ancestor::div[{has_class('RichTextStoryBody')}]")]
        return max(boxes, key=lambda b: sum(len(p.text_content()) for p in b.xpath("./p")), default=None)

    def _story_box(self):
        return self._box

    def _story_blocks(self) -> list[str]:
        if self._box is None:
            return []
        return [text for text in (element_text(child) for child in self._box if child.tag in ("p", "h2", "h3"))
                if text]

    def _more_story_blocks(self) -> list[str]:
        """Paragraphs wrapped deeper than the box's own children (a variant not seen yet), outside its boxes."""
        if self._box is None:
            return []
        return [text for text in (element_text(e) for e in self._box.xpath(".//p | .//h2 | .//h3")
                                  if not _inside_box(e, self._box)) if text]

    def _shown_headline(self) -> str | None:
        h1 = first(self.tree.xpath(f"{self._HEADLINE_XPATH} | {self._LEAD_XPATH}//h1"))
        return (clean_line(h1.text_content()) or None) if h1 is not None else None

    def _shown_byline(self) -> str | None:
        shown = first(self.tree.xpath(self._BYLINE_XPATH))
        if shown is None:
            shown = first(self.tree.xpath(self._BYLINE_BOX_XPATH))
        return shown.text_content() if shown is not None else None

    def _timestamps(self, kind: str) -> list[str]:
        """data-timestamp of each bsp-timestamp of `kind` ("updated" or "published"): its template's first
        word, else its holder's class (Page-dateModified / Page-datePublished); unlabelled ones count as
        updated, as on the evidence page."""
        found = []
        for stamp in self.tree.xpath("//bsp-timestamp[@data-timestamp]"):
            template = clean_line(" ".join(stamp.xpath(".//template//text()"))).lower()
            holder = " ".join(stamp.xpath("ancestor::*[1]/@class")).lower()
            if template.startswith("published") or "published" in holder:
                label = "published"
            else:
                label = "updated"
            if label == kind:
                found.append(stamp.get("data-timestamp"))
        return found

    def _published_candidates(self) -> list:
        return super()._published_candidates() + self._timestamps("published")

    def _modified_candidates(self) -> list:
        linked, meta = super()._modified_candidates()
        return [linked] + self._timestamps("updated") + [meta]

    def captions(self) -> list[str]:
        scopes = [s for s in (first(self.tree.xpath(self._LEAD_XPATH)), self._box) if s is not None]
        texts = []
        for scope in scopes:
            for slide in scope.xpath(f".//div[{has_class('CarouselSlide')}]"):
                if slide.xpath(f".//*[{has_class('videoSlide')}] | .//bsp-jw-player"):
                    continue
                texts += [e.text_content() for e in slide.xpath(f".//*[{has_class('CarouselSlide-infoDescription')}]")]
            for caption in scope.xpath(".//figure//figcaption"):
                figure = first(caption.xpath("ancestor::figure[1]"))
                if figure is not None and figure.xpath(".//bsp-jw-player | .//video"):
                    continue
                if not caption.xpath(f"ancestor::div[{has_class('CarouselSlide')}] | "
                                     f"ancestor::div[{has_class('PagePromo')}]"):
                    texts.append(caption.text_content())
        return unique(texts)

    def related(self) -> list[dict]:
        if self._box is None:
            return []
        pairs = []
        for promo in self._box.xpath(f".//div[{has_class('PagePromo')}]"):
            anchor = first(promo.xpath(f".//*[{has_class('PagePromo-title')}]//a[@href]"))
            if anchor is None:
                anchor = first(promo.xpath(".//a[@href][normalize-space()]"))
            if anchor is not None:
                pairs.append((anchor.text_content(), anchor.get("href")))
        return self._related_links(pairs)
