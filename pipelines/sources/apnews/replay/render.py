"""Pages of the AP replay in the two site generations the evidence shows, with the same furniture (ads, lead
carousel, related-coverage lists, boxes, the "___" trailer, state scripts) in the same places, around
stories written for this project. Also hubs, sitemaps, the news sitemap and robots.txt."""
from __future__ import annotations

import json
from datetime import datetime
from html import escape

from pipelines.sources.apnews.replay.model import SUBHEAD, UTC, Article, State

CANONICAL_BASE = "https://apnews.com"
GENERATIONS = ("brightspot2024", "react2023")


def _t(text: str) -> str:
    return escape(text, quote=False)


def _a(text: str) -> str:
    return escape(text, quote=True)


def _json(value) -> str:
    """JSON for inside a <script>: no "</" that could end it early."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def naive(moment: datetime, millis: bool = False) -> str:
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return text + f".{moment.microsecond // 1000:03d}" if millis else text


def article_path(article: Article, state: State) -> str:
    return f"/article/{article.slug_of(state)}-{article.article_id}"


def _shown(state: State) -> str:
    return state.shown_headline or state.headline


def _paragraph_html(text: str, first: bool, article: Article) -> str:
    if text.startswith(SUBHEAD):
        return f"<h2>{_t(text.removeprefix(SUBHEAD))}</h2>"
    body = f"{article.place} (AP) — {text}" if first else text
    return f"<p>{_t(body)}</p>"


def _story_parts(article: Article, state: State) -> list[str]:
    """The story's blocks as both generations lay them out: editor's note, paragraphs, then "___" and trailer."""
    parts = [f"<p>{_t(article.editors_note)}</p>"] if article.editors_note else []
    parts += [_paragraph_html(text, n == 0, article) for n, text in enumerate(state.paragraphs)]
    return parts


def _trailer(article: Article, state: State, separator: str) -> list[str]:
    lines = [line for line in (article.contributors, state.note) if line]
    return ([separator] + [f"<p>{_t(line)}</p>" for line in lines]) if lines else []


# --- Brightspot (2024) -----------------------------------------------------------------------------------

def brightspot_page(article: Article, state: State, related: list[tuple[str, str]]) -> str:
    path = article_path(article, state)
    canonical = CANONICAL_BASE + path
    authors = [{"@context": "http://schema.org", "@type": "Person", "name": name} for name in article.authors] or [
        {"@type": "Organization", "name": "Associated Press"}]
    linked = [{"@context": "http://schema.org", "@type": "NewsArticle", "url": canonical,
               "dateModified": z(state.at), "datePublished": z(article.published),
               "mainEntityOfPage": {"@type": "WebPage", "@id": canonical}, "author": authors,
               "publisher": {"@type": "Organization", "name": "AP News"}, "articleSection": [article.section],
               "name": f"{state.headline} | AP News", "headline": state.headline}]
    spans = [f'<span class="Link">{_t(n)}</span>' for n in article.authors]
    byline_names = ", ".join(spans[:-1]) + " and " + spans[-1] if len(spans) > 1 else "".join(spans)
    byline = f"By {byline_names}" if article.authors else "Associated Press"
    story = _story_parts(article, state)
    furniture = ['<div class="SovrnAd Advertisement " data-module data-class="sovrn-story-feed"></div>',
                 _related_list(related),
                 '<div class="HTMLModuleEnhancement"><div class="HTMLModuleEnhancement-item"><div class="HtmlModule">'
                 '<div class="taboola_readmore"></div><p class="embed-caption"></p></div></div></div>',
                 '<div class="Infobox"><div class="Infobox-items RichTextBody"><p><b>Stay informed</b><br></p><ul>'
                 '<li><b>Newsletter:</b> Sign up for the morning wire in your inbox.</li></ul></div></div>']
    blocks = []
    for n, block in enumerate(story):
        blocks.append(block)
        if n in (1, 3, 5) and furniture:
            blocks.append(furniture.pop(0))
    blocks += furniture + _trailer(article, state, "<h2>___</h2>")
    slides = _carousel(state, article.video_caption)
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="UTF-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_t(state.headline)} | AP News</title>
<link rel="canonical" href="{_a(canonical)}">
<meta property="og:title" content="{_a(_shown(state))}"><meta property="og:url" content="{_a(canonical)}">
<meta property="og:type" content="article"><meta property="og:site_name" content="AP News">
<meta property="article:published_time" content="{naive(article.published)}">
<meta property="article:modified_time" content="{naive(state.at, millis=True)}">
<meta property="article:section" content="{_a(article.section)}">
<meta name="brightspot.contentId" content="00000190-{article.article_id[:4]}-{article.article_id[4:8]}">
<script type="application/ld+json" id="link-ld-json">{_json(linked)}</script>
</head>
<body class="Page-body">
<header class="Page-header"><nav class="Page-header-navigation"><a href="/hub/us-news">U.S. News</a>
<a href="/hub/world-news">World News</a><a href="/hub/politics">Politics</a><a href="/hub/business">Business</a></nav>
<div class="Page-header-bar">Support independent, fact-based journalism.</div></header>
<main class="Page-main"><div class="Page-content">
<div class="Page-lead gtmMainScrollContent">
<h1 class="Page-headline">{_t(_shown(state))}</h1>
<div class="Page-byline"><div class="Page-byline-info"><div class="Page-authors">
            {byline}</div>
<div class="Page-dateModified"><bsp-timestamp data-timestamp="{int(state.at.timestamp() * 1000)}" data-recent-thresholdinhours="1">
<template data-date-tpl>Updated [hour]:[minute] [AMPM] [timezone], [monthFull] [day], [year]</template>
<span data-date>&#160;</span></bsp-timestamp></div></div></div>
<div class="Carousel" data-carousel="desktop">{slides}</div>
<div class="Carousel" data-carousel="mobile">{slides}</div>
</div>
<div class="Page-storyBody gtmMainScrollContent">
<div class="RichTextStoryBody RichTextBody">
{chr(10).join(blocks)}
</div></div>
<div class="Page-below"><div class="PageList-header-title">MORE FROM AP</div></div>
</div></main>
<footer class="Page-footer"><p>Copyright 2024 The Associated Press. All Rights Reserved.</p></footer>
</body></html>
"""


def _carousel(state: State, video_caption: str | None) -> str:
    slides = []
    if video_caption:
        slides.append('<div class="CarouselSlide"><div class="CarouselSlide-media videoSlide">'
                      '<bsp-jw-player data-video-title="video"></bsp-jw-player></div>'
                      f'<div class="CarouselSlide-info"><div class="CarouselSlide-infoDescription"><p>'
                      f'{_t(video_caption)}</p></div></div></div>')
    for n, caption in enumerate(state.captions):
        slides.append(f'<div class="CarouselSlide"><div class="CarouselSlide-media imageSlide"><picture>'
                      f'<img alt="{_a(caption)}" src="/dims4/photo-{n}.jpg"></picture></div>'
                      f'<div class="CarouselSlide-info"><div class="CarouselSlide-infoDescription"><p>'
                      f'{_t(caption)}</p></div></div></div>')
    return "".join(slides)


def _related_list(related: list[tuple[str, str]]) -> str:
    if not related:
        return ""
    promos = "".join(f'<div class="PageList-items-item"><div class="PagePromo"><div class="PagePromo-content">'
                     f'<bsp-custom-headline><div class="PagePromo-title"><a class="Link" href="{_a(url)}">'
                     f'<span class="PagePromo-headline">{_t(title)}</span></a></div></bsp-custom-headline>'
                     f'</div></div></div>' for title, url in related)
    return ('<div class="PageListEnhancementGeneric Enhancement"><div class="Enhancement-item">'
            '<bsp-list-loadmore class="PageListStandardB"><div class="PageList-header"><div class="PageList-header-title">'
            f'RELATED COVERAGE</div></div><div class="PageList-items">{promos}</div></bsp-list-loadmore></div></div>')


# --- React (2023) ----------------------------------------------------------------------------------------

def react_page(article: Article, state: State, related: list[tuple[str, str]]) -> str:
    path = article_path(article, state)
    canonical = CANONICAL_BASE + path
    byline = ("By " + article.byline) if article.authors else "Associated Press"
    linked = {"@context": "http://schema.org", "@type": "NewsArticle",
              "author": [", ".join(article.authors) or "Associated Press"], "dateModified": z(state.at),
              "datePublished": z(article.published), "headline": state.headline,
              "mainEntityOfPage": {"@id": canonical, "@type": "WebPage"},
              "publisher": {"@type": "Organization", "name": "Associated Press"}}
    ad = ('<div class="Component-dfp-0-2-44 apnews_article_mida"><div class="Component-adTitle-0-2-50">ADVERTISEMENT'
          '</div><div class="Component-placeholderWrapper-0-2-53"></div></div>')
    story = _story_parts(article, state)
    blocks = [ad]
    for n, block in enumerate(story):
        blocks.append(block.replace("<p>", '<p class="Component-root-0-2-56 p Component-p-0-2-">', 1))
        if n == 1:
            blocks.append(ad)
    blocks += [b.replace("<h2>", "<p>").replace("</h2>", "</p>") for b in _trailer(article, state, "<h2>___</h2>")]
    story_html = "".join(blocks[1:]).replace(ad, '<div class="ad-placeholder"></div>')
    lead = state.captions[0] if state.captions else None
    media = [{"id": f"{article.article_id[:8]}{n:024d}", "type": "Photo", "caption": f"<p>{_t(c)}</p>",
              "flattenedCaption": c} for n, c in enumerate(state.captions)]
    if article.video_caption:
        media.insert(0, {"id": "video0", "type": "Video", "caption": f"<p>{_t(article.video_caption)}</p>",
                         "flattenedCaption": article.video_caption})
    content = {"id": f"urn:publicid:ap.org:{article.article_id}", "shortId": article.article_id,
               "bylines": byline, "headline": state.headline, "published": article.published.astimezone(UTC)
               .strftime("%Y-%m-%d %H:%M:%S"), "updated": state.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
               "storyHTML": story_html, "media": media, "mediaCount": len(media),
               "canonicalUrl": article.slug_of(state), "localLinkUrl": canonical,
               "relatedStoryEmbeds": [{"id": "embed-1", "introText": "More coverage", "contentsList": [
                   {"url": CANONICAL_BASE + url if url.startswith("/") else url, "altHeadline": title}
                   for title, url in related]}] if related else []}
    state_json = {"content": {"loading": {}, "error": {}, "data": {content["id"]: content}},
                  "hub": {"data": {}}, "origin": CANONICAL_BASE}
    caption_html = (f'<div class="Component-imageCaption-0-2-32">{_t(lead)}</div>'
                    f'<div class="embed-caption Component-embedCaption-0-2-29" data-key="embed-caption">{_t(lead)}</div>'
                    if lead else "")
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<title data-rh="true">{_t(state.headline)}</title>
<link data-rh="true" rel="canonical" href="{_a(canonical)}"/>
<meta data-rh="true" name="afs_etag" content="{article.article_id}_0a4aza0c0"/>
<meta data-rh="true" property="og:title" content="{_a(state.headline)}"/>
<meta data-rh="true" property="og:url" content="{_a(canonical)}"/>
<meta data-rh="true" property="og:site_name" content="AP NEWS"/>
<meta data-rh="true" property="article:published_time" content="{z(article.published)}"/>
<meta data-rh="true" property="article:modified_time" content="{z(state.at)}"/>
<meta data-rh="true" property="article:section" content="{_a(article.section)}"/>
<script data-rh="true" type="application/ld+json">{_json(linked)}</script>
</head><body><div id="root"><div class="Body">
<div class="Header"><a href="/hub/ap-top-news">Top Stories</a><a href="/hub/politics">Politics</a></div>
<main class="Component-root-0-2-8"><div class="fluid-wrapper with-rail">
<div class="CardHeadline Component-cardHeadlineContainer-0-2-14"><div class="Component-headline-0-2-15" data-key="card-headline">
<h1 class="Component-heading-0-2-16">{_t(state.headline)}</h1></div>
<span class="Component-signature-0-2-18"><span class="Component-bylines-0-2-19">{_t(byline)}</span>
<span class="Timestamp Component-root-0-2-23" data-key="timestamp" data-source="{z(state.at)}">{state.at:%B %d, %Y} GMT</span></span></div>
<div class="LeadFeature" data-key="media-placeholder"><div class="count-caption">1 of {max(1, len(state.captions))}</div>{caption_html}</div>
<div class="Article" data-key="article">{"".join(blocks)}</div>
<div class="RelatedTopics"><a class="related-topic-link" data-key="related-tag" href="/hub/{_a(article.hubs[0])}">{_t(article.section)}</a></div>
</div></main>
<div class="Footer">Copyright 2023 The Associated Press. All Rights Reserved.</div>
</div></div>
<script>window['titanium-config'] = {{"env":"replay","base":"https://apnews.com"}};window['titanium-state'] = {_json(state_json)};window['titanium-cacheConfig'] = {{}};</script>
</body></html>
"""


def article_page(generation: str, article: Article, state: State, related: list[tuple[str, str]]) -> str:
    render = brightspot_page if generation == "brightspot2024" else react_page
    return render(article, state, related)


# --- surfaces --------------------------------------------------------------------------------------------

def hub_page(generation: str, topic: str, items: list[tuple[str, str, datetime]]) -> str:
    """A hub: (title, href, time shown) per card, newest first, in the generation's card markup."""
    if generation == "brightspot2024":
        cards = "".join(
            f'<div class="PageList-items-item"><div class="PagePromo"><div class="PagePromo-media"><a class="Link" '
            f'href="{_a(href)}"><img alt="" src="/dims4/promo.jpg"></a></div><div class="PagePromo-content">'
            f'<div class="PagePromo-title"><a class="Link" href="{_a(href)}"><span class="PagePromo-headline">'
            f'{_t(title)}</span></a></div><div class="PagePromo-byline"><div class="PagePromo-date">'
            f'<bsp-timestamp data-timestamp="{int(when.timestamp() * 1000)}"></bsp-timestamp></div></div></div>'
            f'</div></div>' for title, href, when in items)
        body = f'<div class="PageList"><div class="PageList-items">{cards}</div></div>'
    else:
        cards = "".join(
            f'<div class="FeedCard Component-wireStory-0-2-100" data-key="feed-card-wire-story-with-image">'
            f'<div class="CardHeadline"><a data-key="card-headline" href="{_a(href)}"><h2>{_t(title)}</h2></a>'
            f'<span class="Timestamp" data-key="timestamp" data-source="{z(when)}">{when:%B %d}</span></div></div>'
            for title, href, when in items)
        body = f'<div class="Feed">{cards}</div>'
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><title>{_t(topic)} | AP News</title>'
            f'<link rel="canonical" href="{CANONICAL_BASE}/hub/{_a(topic)}"></head><body>'
            f'<header><a href="/hub/ap-top-news">Top news</a><a href="/video/latest-newscast">Video</a>'
            f'<a href="/hub/{_a(topic)}">{_t(topic)}</a></header><main>{body}</main>'
            f'<footer><a href="/about">About</a></footer></body></html>')


def sitemap_index(children: list[tuple[str, datetime | None]]) -> str:
    entries = "".join(f"<sitemap><loc>{_t(loc)}</loc>{f'<lastmod>{_t(z(when))}</lastmod>' if when else ''}</sitemap>\n"
                      for loc, when in children)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{entries}</sitemapindex>\n")


def sitemap_urlset(entries: list[tuple[str, str | None, str | None, str | None]]) -> str:
    """(loc, publication date text or None, title or None, lastmod text or None) per url."""
    rows = []
    for loc, published, title, lastmod in entries:
        news = (f"<news:news><news:publication><news:name>AP News</news:name><news:language>en</news:language>"
                f"</news:publication><news:publication_date>{_t(published)}</news:publication_date>"
                f"<news:title>{_t(title or '')}</news:title></news:news>") if published else ""
        rows.append(f"<url><loc>{_t(loc)}</loc>{f'<lastmod>{_t(lastmod)}</lastmod>' if lastmod else ''}{news}</url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + "\n".join(rows) + "\n</urlset>\n")


def robots_txt(sitemaps: list[str]) -> str:
    lines = ["User-agent: *", "Disallow: /search", "Disallow: /api/", ""]
    return "\n".join(lines + [f"Sitemap: {url}" for url in sitemaps]) + "\n"


def not_found() -> str:
    return ('<!DOCTYPE html><html lang="en"><head><title>Page not found | AP News</title></head><body>'
            '<h1>Page not found</h1><p>The page you requested does not exist.</p></body></html>')
