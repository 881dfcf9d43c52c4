"""HTML, RSS and sitemap rendering for the replay site (en.yna.co.kr, 2023 layout)."""
from __future__ import annotations

from datetime import datetime
from html import escape

from . import chrome
from .chrome import SiteLinks
from .model import Article

CANONICAL = "https://en.yna.co.kr/view/"
SITE_NAME = "Yonhap News Agency"

def shown_time(moment: datetime) -> str:
    """'14:53 May 9, 2023' as in div.info-con span.txt."""
    return f"{moment:%H:%M} {moment:%B} {moment.day}, {moment.year}"


def _attr(text: str) -> str:
    return escape(text, quote=True)


def _text(text: str) -> str:
    return escape(text, quote=False)


def _head(title: str, extra_meta: str = "") -> str:
    return f"""<!doctype html>
<html lang="en" class="en">
<head itemscope>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="robots" content="max-image-preview:large, max-video-preview:0">
<title>{_text(title)}</title>
{extra_meta}
{chrome.head_links()}
</head>"""


def _page(title: str, body_class: str, main: str, links: SiteLinks, extra_meta: str = "") -> str:
    return (f'{_head(title, extra_meta)}\n<body class="{body_class}">\n{chrome.header(title)}\n'
            f'<div class="wrap-container">\n<div id="container" class="container">\n{chrome.latest_news_box(links)}\n'
            f'<section class="contents">\n{main}\n</section>\n{chrome.right_now(links)}\n</div>\n</div>\n{chrome.footer()}\n</body>\n</html>\n')


def _article_meta(a: Article) -> str:
    full_title = _attr(f"{a.title} | {SITE_NAME}")
    url = CANONICAL + a.article_id
    lead = " ".join(filter(None, [a.attn, f"By {a.byline}" if a.byline else None, a.paragraphs[0]]))
    description = _attr(lead[:96] + "...")
    return f"""<link rel="canonical" id="canonical" href="{url}" />
<meta property="og:url" content="{url}" />
<meta property="og:type" content="article" />
<meta name="copyright" content="Yonhapnews" />
<meta property="og:site_name" content="{SITE_NAME}" />
<meta property="og:locale" content="en" />
<meta property="og:title" content="{full_title}">
<meta name="title" content="{full_title}">
<meta name="twitter:title" content="{full_title}">
<meta itemprop="headline" content="{full_title}" />
<meta property="og:description" content="{description}" />
<meta name="description" content="{description}" />
<meta property="og:image" content="https://img6.yna.co.kr/etc/inner/EN/{a.published:%Y/%m/%d}/{a.article_id}_01_i_P4.jpg" />
<meta property="yna:content_id" content="{a.article_id}">
<meta property="yna:mobile_url" content="https://m-en.yna.co.kr/view/{a.article_id}">
<meta property="article:section" content="{_attr(a.section)}" />
<meta itemprop="genre" content="{_attr(a.section)}" />
<meta property="article:author" content="https://www.facebook.com/yonhapenglish" />
<meta property="article:published_time" content="{a.published.isoformat()}" />
<meta property="article:modified_time" content="{a.modified.isoformat()}" />
<link rel="alternate" media="only screen and (max-width: 640px)" href="https://m-en.yna.co.kr/view/{a.article_id}" />"""


def _share_buttons(a: Article) -> str:
    url = CANONICAL + a.article_id
    kinds = [("fb", "Facebook"), ("tw", "Twitter"), ("pin", "Pinterest"), ("lin", "Linked in"), ("tum", "Tumblr"),
             ("red", "Reddit"), ("fbm", "Facebook Messenger")]
    buttons = "\n".join(f'<button type="button" class="share-btn {k}" data-snslink="{url}?input={k}" '
                        f'data-title="{_attr(a.title)}">\n<span>{n}</span>\n</button>' for k, n in kinds)
    sizes = "\n".join(f'<li><input type="radio" id="fontSize0{i}" name="inpFont" value="font-size0{i}" class="inp-radio">'
                      f'<label for="fontSize0{i}" class="inp-label font-size0{i}"><span class="ico-check"></span>ABCDEFG</label></li>'
                      for i in range(1, 6))
    return f"""<div class="social-btns social-type02">
<button type="button" class="btn-share mor"><span>SHARE</span></button>
<div class="sns-share">
{buttons}
</div>
<button type="button" class="btn-like" data-likeid="{a.article_id}"><span>LIKE</span></button>
<button type="button" class="btn-save"><span>SAVE</span></button>
<button type="button" class="btn-print"><span>PRINT</span></button>
<div class="fontsize-box"><button type="button" class="btn-fontsize"><span>FONT SIZE</span></button>
<div class="layer-font"><ul>
{sizes}
</ul></div></div>
</div>"""


def _photo_box(a: Article, caption: str, n: int) -> str:
    name = f"PYH{a.published:%Y%m%d}{a.serial}{n:02d}00{a.code}_P4.jpg"
    return f"""<div class="comp-box photo-group">
<figure class="image-zone" data-mapping-filename="{name}">
<div class="img-con">
<span class="img"><img src="//img{n % 10}.yna.co.kr/photo/yna/YH/{a.published:%Y/%m/%d}/{name}" alt="{_attr(caption)}"></span>
</div>
<figcaption class="desc-con">
<strong class="tit-cap"></strong>
<p class="txt-desc">{_text(caption)}</p>
<p class="txt-link" data-mapping-link=""><a href="" target="_blank" title="Opening new web browser window"></a></p>
</figcaption>
</figure>
</div>"""


def _related_group(related: list[tuple[str, str]]) -> str:
    items = "\n".join(f'<li><a href="{_attr(url)}">{_text(title)}</a></li>' for title, url in related)
    return f"""<div class="related-group">
<div class="related-zone rel">
<strong class="tit">Related Articles</strong>
<div class="article-list">
<ul id="moreArticleNews">
{items}
</ul>
</div>
</div>
</div>"""


def photo_positions(n_paragraphs: int, n_captions: int) -> list[int]:
    """Index of the paragraph each photo follows: after the 4th, then every 4 paragraphs."""
    return [min(n_paragraphs - 1, 3 + 4 * i) for i in range(n_captions)]


def story_news_inner(a: Article) -> str:
    """The children of article.story-news: ATTN/byline, body, photos, email/(END), related links."""
    out = []
    head = [x for x in (a.attn, f"By {a.byline}" if a.byline else None) if x]
    if head:
        out.append("<p>" + "<br/>".join(_text(x) for x in head) + "</p>")
    after = {}
    for i, pos in enumerate(photo_positions(len(a.paragraphs), len(a.captions))):
        after.setdefault(pos, []).append(_photo_box(a, a.captions[i], i + 1))
    for i, para in enumerate(a.paragraphs):
        # the real pages put a space after <p> and keep line breaks of tables as <br/>
        out.append("<p> " + "<br/>".join(_text(line) for line in para.split("\n")) + "</p>")
        out.extend(after.get(i, []))
    out.append(f"<p> {_text(a.email)}<br/>(END)</p>" if a.email else "<p>(END)</p>")
    if a.related:
        out.append(_related_group(a.related))
    return "\n".join(out)


def render_article(a: Article, links: SiteLinks) -> str:
    title_header = f"""<header class="title-article01">
<h1 class="tit" data-cid="">{_text(a.title)}</h1>
<div class="info-box">
<div class="info-con">
<span class="txt">
<strong>
<a href="/news">{_text(a.section)}</a>
</strong>
{shown_time(a.published)}</span>
</div>
{_share_buttons(a)}
</div>
</header>"""
    main = f"""<article class="story-view-zone article-view-zone">
{title_header}
<div class="view-body">
<div class="sub-content">
<article class="story-news">
{story_news_inner(a)}
</article>
<div class="aside-box01">
<aside class="bnr01"><ins class="adsbygoogle" style="display:inline-block;width:300px;height:250px" data-ad-slot="2229885125"></ins></aside>
</div>
{chrome.keyword_box(a.keywords or [a.section])}
</div>
{chrome.right_rail(links)}
</div>
</article>"""
    return _page(f"{a.title} | {SITE_NAME}", f"page-view page-article body-{a.article_id}", main, links, _article_meta(a))


def render_broken_article(a: Article, links: SiteLinks) -> str:
    """The page after a layout change: same text, but no header.title-article01 and no article elements."""
    body = "\n".join(f'<div class="para">{_text(p)}</div>' for p in a.paragraphs)
    main = (f'<div class="story-wrap-v2">\n<div class="headline-v2">{_text(a.title)}</div>\n'
            f'<div class="story-body-v2">\n{body}\n</div>\n</div>')
    # no chrome lists either: their teasers are <article> elements too
    return _page(f"{a.title} | {SITE_NAME}", "page-view v2", main, SiteLinks([], []), _article_meta(a))


def render_listing(title: str, items_html: str, links: SiteLinks) -> str:
    """A listing page (`/news/N`, a section list): the items come from replay.surfaces.listing_items."""
    main = (f'<div class="section-tit"><h2 class="tit">{_text(title)}</h2></div>\n{items_html}\n'
            f'<div class="search-link"><a href="/search?query=headlines&amp;lang=EN">Search headlines</a></div>')
    return _page(f"{title} | {SITE_NAME}", "page-list page-headlines", main, links)


def render_home(newest: list[Article], links: SiteLinks) -> str:
    lis = "\n".join(f'<li><a href="/view/{a.article_id}">{_text(a.title)}</a></li>' for a in newest)
    main = (f'<div class="top-news"><h2 class="tit"><a href="/news">All Headlines</a></h2>\n<ul>\n{lis}\n</ul></div>\n'
            f'<div class="more"><a href="/news">More news</a> <a href="/private/drafts/index">Drafts</a></div>')
    return _page(SITE_NAME, "page-main", main, links)


def render_simple(title: str, message: str, links: SiteLinks) -> str:
    main = f'<div class="error-zone"><h2 class="tit">{_text(title)}</h2><p>{_text(message)}</p></div>'
    return _page(f"{title} | {SITE_NAME}", "page-error", main, links)
