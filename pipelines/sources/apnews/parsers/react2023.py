"""AP News as a React app (the evidence: pages of March and April 2023; Fundus's V1 reads it until 2023-07-10).

- story: `div[data-key=article]` (class "Article") > p, with ad slots (div) between paragraphs and <h2>
  subheads; the same story as HTML in the state script `window['titanium-state']` (content.data.<urn>.storyHTML)
- headline: ld+json NewsArticle `headline` (= the h1 in div.CardHeadline); times: ld+json `datePublished`,
  `dateModified` (UTC, "Z"), also `article:published_time`/`modified_time` metas and the state's
  "published"/"updated" ("2023-03-29 17:00:28", UTC)
- byline: `span[class*=bylines]` in div.CardHeadline ("By TRAVIS LOLLER, ... and DENISE LAVOIE"); the ld+json
  `author` can be shorter (two names of three on the evidence page)
- captions: the lead photo's `div[class*=imageCaption]` and the state's media of type Photo (a gallery's
  other photos are only there); video captions are not photo captions
- related: the state's relatedStoryEmbeds (urls; titles only where AP gave an altHeadline)
"""
from __future__ import annotations

import json
from functools import cached_property

from pipelines.publishers import clean_line, element_text, first, has_class
from pipelines.sources.apnews import ids
from pipelines.sources.apnews.parsers.common import APNewsPage, html_blocks, ld_text, unique

STATE_MARK = "window['titanium-state']"
MAX_STATE_CHARS = 4_000_000


def titanium_states(tree) -> list[dict]:
    """The React app's server states (JSON objects assigned in scripts), in page order; unreadable ones skipped."""
    states = []
    for script in tree.iter("script"):
        text = script.text or ""
        start = text.find(STATE_MARK)
        if start < 0 or len(text) > MAX_STATE_CHARS:
            continue
        equals = text.find("=", start + len(STATE_MARK))
        if equals < 0:
            continue
        try:
            state, _ = json.JSONDecoder(strict=False).raw_decode(text[equals + 1:].lstrip())
        except (ValueError, RecursionError):
            continue
        if isinstance(state, dict):
            states.append(state)
    return states


class APNewsReact2023(APNewsPage):
    VERSION = "apnews-react2023.1"

    _ARTICLE_XPATH = (f"//div[@data-key='article'] | "
                      f"//div[{has_class('Article')}][not(ancestor::div[@data-key='article'])]")
    _HEADLINE_XPATH = f"//div[@data-key='card-headline']//h1 | //div[{has_class('CardHeadline')}]//h1"
    _BYLINE_XPATH = "//*[contains(@class, 'bylines')]"
    _CAPTION_XPATH = "//*[contains(@class, 'imageCaption')] | //figure//figcaption"

    @classmethod
    def matches(cls, tree) -> bool:
        """The layout's story box holds paragraphs of text."""
        boxes = tree.xpath("//div[@data-key='article']")
        return any(p.text_content().strip() for box in boxes for p in box.xpath("./p"))

    @classmethod
    def resembles(cls, tree) -> bool:
        """Markers of the React app without its story box (a page cut short, or the story only in the state)."""
        return bool(tree.xpath("//div[@data-key='card-headline'] | //div[@data-key='article']")) or any(
            STATE_MARK in (script.text or "") for script in tree.iter("script"))

    @cached_property
    def state(self) -> dict:
        """This article's entry in a state script (content.data), matched by the page's declared id; without a
        declared id, the only entry there is; {} otherwise (a stale state of another article is never read)."""
        entries = []
        for state in titanium_states(self.tree):
            data = state.get("content", {})
            data = data.get("data", {}) if isinstance(data, dict) else {}
            entries += [entry for entry in data.values() if isinstance(entry, dict)] if isinstance(data, dict) else []
        declared = self._declared_id
        if declared:
            return next((e for e in entries if ids.id_in_text(e.get("shortId") or e.get("id")) == declared), {})
        return entries[0] if len(entries) == 1 else {}

    def _other_page_ids(self) -> list[str]:
        found = ids.id_in_text(self.state.get("shortId") or self.state.get("id"))
        return [found] if found else []

    @cached_property
    def _box(self):
        """The story box with the most paragraph text of its own (an empty leftover box never wins)."""
        boxes = self.tree.xpath(self._ARTICLE_XPATH)
        return max(boxes, key=lambda b: sum(len(p.text_content()) for p in b.xpath("./p")), default=None)

    def _story_box(self):
        return self._box

    def _story_blocks(self) -> list[str]:
        box = self._story_box()
        if box is None:
            return []
        return [text for text in (element_text(child) for child in box if child.tag in ("p", "h2", "h3")) if text]

    def _more_story_blocks(self) -> list[str]:
        story_html = self.state.get("storyHTML")
        return html_blocks(story_html) if isinstance(story_html, str) else []

    def _shown_headline(self) -> str | None:
        h1 = first(self.tree.xpath(self._HEADLINE_XPATH))
        return (clean_line(h1.text_content()) or None) if h1 is not None else ld_text(self.state.get("headline"))

    def _shown_byline(self) -> str | None:
        shown = first(self.tree.xpath(self._BYLINE_XPATH))
        if shown is not None and clean_line(shown.text_content()):
            return shown.text_content()
        return self.state.get("bylines") if isinstance(self.state.get("bylines"), str) else None

    def _published_candidates(self) -> list:
        return super()._published_candidates() + [self.state.get("published")]

    def _modified_candidates(self) -> list:
        return super()._modified_candidates() + [self.state.get("updated")]

    def captions(self) -> list[str]:
        shown = [element.text_content() for element in self.tree.xpath(self._CAPTION_XPATH)]
        media = self.state.get("media") if isinstance(self.state.get("media"), list) else []
        photos = [item.get("flattenedCaption") or _html_text(item.get("caption"))
                  for item in media if isinstance(item, dict) and item.get("type") == "Photo"]
        return unique(shown + [text for text in photos if isinstance(text, str)])

    def related(self) -> list[dict]:
        pairs = []
        embeds = self.state.get("relatedStoryEmbeds")
        for embed in embeds if isinstance(embeds, list) else []:
            contents = embed.get("contentsList") if isinstance(embed, dict) else None
            for item in contents if isinstance(contents, list) else []:
                if isinstance(item, dict) and isinstance(item.get("url"), str):
                    pairs.append((ld_text(item.get("altHeadline")), item["url"]))
        return self._related_links(pairs)


def _html_text(fragment) -> str | None:
    if not isinstance(fragment, str):
        return None
    return " ".join(html_blocks(fragment, tags=("p", "div", "span"))) or clean_line(fragment)
