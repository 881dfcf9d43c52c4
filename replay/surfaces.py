"""Discovery surfaces of the replay site as the evidence shows them on en.yna.co.kr.

- listings by path: `/news`, `/news/2`, ... and section lists (`/national/politics`, `/nk/index`, ...),
  items as `div.smain-list-type01 > ul > li > article` with `figure.img-cover > a`,
  `div.txt-con > h2.tit > a`, `span.lead`, `span.date` (time written by JavaScript on the real site:
  empty or absent in the server HTML, or "15:46 Sep. 25");
- seven RSS channels `/RSS/<name>.xml` in the feed generator's raw form (`<id>`, 14-digit KST pubDate,
  links with `?section=news&input=rss`, `<lastBuilldDate>`) or an RFC 822 / ISO 8601 variant;
- `/news-sitemap.xml` as a url set with news:publication_date, or as a sitemap index;
- robots.txt with a `Sitemap:` line.
"""
from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from html import escape

from .model import KST, Article

SITE_NAME = "Yonhap News Agency"
# Feed channels (/RSS/<name>.xml) and the article sections each carries; news.xml carries everything.
CHANNELS = {
    "news": None,
    "national": {"Politics", "Diplomacy", "Defense", "National"},
    "nk": {"North Korea"},
    "economy-finance": {"Economy", "Finance"},
    "biz": {"Industry", "Stocks"},
    "culture": {"Culture"},
    "sports": {"Sports"},
}
# Section listing paths (from the real pages' navigation) and the sections they list.
SECTION_LISTINGS = {
    "/national/politics": {"Politics"},
    "/national/diplomacy": {"Diplomacy"},
    "/national/defense": {"Defense"},
    "/national/national": {"National"},
    "/nk/index": {"North Korea"},
    "/economy-finance/economy": {"Economy"},
    "/economy-finance/finance": {"Finance"},
    "/k-biz/news": {"Industry"},
    "/k-biz/stocks": {"Stocks"},
    "/culture/arts-culture": {"Culture"},
    "/sports/index": {"Sports"},
}
LISTING_PATHS = ("/news", *SECTION_LISTINGS)
MONTHS_EN = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


def robots_txt(base_url: str, sitemap_line: bool) -> str:
    text = "User-agent: *\nDisallow: /search\nDisallow: /private/\n"
    return text + (f"\nSitemap: {base_url}/news-sitemap.xml\n" if sitemap_line else "")


def js_date(moment: datetime) -> str:
    """What the site's script writes into span.date (class datefm-EN01): '15:46 Sep. 25', no year."""
    month = MONTHS_EN[moment.month - 1]
    return f"{moment:%H:%M} {month} {moment.day}"


def _text(text: str) -> str:
    return escape(text, quote=False)


def listing_items(articles: list[Article], listing_dates: str) -> str:
    lis = []
    for a in articles:
        href = f"/view/{a.article_id}"
        if listing_dates == "js":
            date = f'<span class="date datefm-EN01">{js_date(a.published)}</span>'
        elif listing_dates == "empty":  # the server HTML before the script runs
            date = f'<span class="date" data-date="" data-id="{a.article_id}"></span>'
        else:
            date = ""
        lead = a.paragraphs[0].split(" -- ", 1)[-1][:140]
        lis.append(
            f'<li>\n<article>\n<figure class="img-cover"><a href="{href}"><img src="//img{len(lis) % 10}.yna.co.kr/etc/'
            f'inner/EN/{a.published:%Y/%m/%d}/{a.article_id}_T2.jpg" alt=""></a></figure>\n'
            f'<div class="txt-con">\n<h2 class="tit"><a href="{href}">{_text(a.title)}</a></h2>\n'
            f'<span class="lead">{_text(lead)}</span>\n{date}\n</div>\n</article>\n</li>')
    return '<div class="smain-list-type01">\n<ul class="list">\n' + "\n".join(lis) + "\n</ul>\n</div>"


def feed(name: str, articles: list[Article], host: str, form: str, link_query: bool, link_form: str,
         built: datetime) -> str:
    """One channel. `host` is "127.0.0.1:PORT" for the replay (en.yna.co.kr on the real site)."""
    prefix = f"//{host}" if link_form == "protocol_relative" else f"http://{host}"
    query = "?section=news&amp;input=rss" if link_query else ""
    items = []
    for a in articles:
        link = f"{prefix}/view/{a.article_id}{query}"
        if form == "raw":
            ident, date = f"<id>{a.article_id}</id>", a.published.astimezone(KST).strftime("%Y%m%d%H%M%S")
        elif form == "rfc822":
            ident, date = f'<guid isPermaLink="false">{a.article_id}</guid>', format_datetime(a.published)
        else:
            ident, date = f"<guid>{prefix}/view/{a.article_id}</guid>", a.published.isoformat()
        items.append(f"<item>{ident}<title><![CDATA[{a.title}]]></title><link>{link}</link>"
                     f"<description><![CDATA[{a.paragraphs[0][:200]}]]></description><pubDate>{date}</pubDate></item>")
    built_tag = "lastBuilldDate" if form == "raw" else "lastBuildDate"  # sic: the generator's spelling
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n<title>{SITE_NAME} ({name})'
            f"</title>\n<link>{prefix}/</link>\n<description>YNA Feed Generate System (replay)</description>\n"
            f"<language>en</language>\n<{built_tag}>{format_datetime(built)}</{built_tag}>\n"
            + "\n".join(items) + "\n</channel>\n</rss>\n")


def sitemap_urlset(articles: list[Article], host: str, link_form: str) -> str:
    prefix = f"//{host}" if link_form == "protocol_relative" else f"http://{host}"
    urls = "\n".join(
        f"<url>\n<loc>{prefix}/view/{a.article_id}</loc>\n<news:news>\n<news:publication>\n"
        f"<news:name>{SITE_NAME}</news:name>\n<news:language>en</news:language>\n</news:publication>\n"
        f"<news:publication_date>{a.published.isoformat()}</news:publication_date>\n"
        f"<news:title>{_text(a.title)}</news:title>\n</news:news>\n</url>"
        for a in articles)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n{urls}\n</urlset>\n')


def sitemap_index(children: list[str], host: str, modified: datetime) -> str:
    entries = "\n".join(f"<sitemap><loc>http://{host}{path}</loc><lastmod>{modified.isoformat()}</lastmod></sitemap>"
                        for path in children)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"\n{entries}\n</sitemapindex>\n")
