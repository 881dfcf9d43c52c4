"""Page chrome shared by every HTML page: head links, header menus, nav, right rail, footer, feedback form.

Shaped like en.yna.co.kr's 2023 layout so pages weigh what real ones do (~60 KB). Menu links point at the
real host (protocol-relative, as the real pages do) and are off-host for the replay site; links to
articles on this site, /news, /search and /private/ are relative.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

YNA = "//en.yna.co.kr"

MENU = [  # (group, [(label, path)])
    ("National", [("Politics", "/national/politics"), ("Diplomacy", "/national/diplomacy"),
                  ("Defense", "/national/defense"), ("National", "/national/national")]),
    ("Economy/Finance", [("Economy", "/economy-finance/economy"), ("Finance", "/economy-finance/finance"),
                         ("Health", "/economy-finance/health")]),
    ("BIZ", [("Latest News", "/k-biz/news"), ("On the Record", "/k-biz/ontherecord"), ("M&amp;As", "/k-biz/mna"),
             ("Corporate Newsroom", "/k-biz/corporate"), ("Earnings", "/k-biz/earnings"),
             ("Startups", "/k-biz/startups"), ("Focus/Feature", "/k-biz/focus"), ("Stocks", "/k-biz/stocks")]),
    ("Culture/K-pop", [("Entertainment", "/culture/entertainment"), ("Movies", "/culture/movies"),
                       ("K-pop", "/culture/k-pop"), ("Arts/Culture", "/culture/arts-culture")]),
    ("Images", [("K-wave", "/image/k-wave"), ("General", "/image/general"), ("North Korea", "/image/nk"),
                ("Graphics", "/image/graphics")]),
]
INFO_LINKS = [("Korea in Brief", "/brief/index"), ("Useful Links", "/link/index"),
              ("Festival Calendar", "/festivals/index"), ("Weather", "/weather/index"),
              ("Advertise with Yonhap News Agency", "/ad/index")]
ABOUT_LINKS = [("About Us", "/aboutus/index"), ("About Yonhap News", "/aboutus/yonhapnews"),
               ("Mission", "/aboutus/mission"), ("CEO's Message", "/aboutus/ceo"), ("History", "/aboutus/history"),
               ("Subsidiaries", "/aboutus/subsidiaries"), ("Domestic Network", "/aboutus/domesticnetwork"),
               ("Global Network", "/aboutus/globalnetwork"), ("Products/Services", "/aboutus/services"),
               ("Headquarters", "/aboutus/headquarters"), ("Subscription", "/aboutus/subscription"),
               ("Copyright", "/aboutus/copyright")]
LANGS = [("ko", "//www.yna.co.kr/", "한국어"), ("zh", "//cn.yna.co.kr/", "中文"), ("ja", "//jp.yna.co.kr/", "日本語"),
         ("ar", "//ar.yna.co.kr/", "عربي"), ("es", "//sp.yna.co.kr/", "Español"), ("fr", "//fr.yna.co.kr/", "Français")]
STYLESHEETS = ["global/home/v01/css/default.css", "global/home/v01/css/layout.css", "www/home_n/v02/css/media.css",
               "global/home/v01/css/article.css", "global/home/v01/css/common.css", "global/home/v01/css/weather_ui.css",
               "en/home/v01/css/en.css", "global/home/v01/css/ui.css"]
SCRIPTS = ["jquery-1.12.4.min.js", "jquery-ui.min.js", "swiper.min.js", "lazyload.min.js", "common.js", "ui.js",
           "article.js", "weather.js", "latest-news.js", "history.js", "feedback.js", "font-size.js"]

# Inline page scripts stand in for the real pages' ad, analytics and widget code (about a quarter of a page).
AD_SLOTS = "\n".join(
    f'    {{slot: "{7000000000 + i * 104729}", size: [{300 if i % 2 else 250}, 250], zone: "view-{i:02d}", '
    f'lazy: {"true" if i > 3 else "false"}, refresh: {30 + i * 5}, targeting: {{section: sectionId, lang: "en", '
    f'pos: "{["top", "right", "bottom", "inline"][i % 4]}"}}}},'
    for i in range(72))
INLINE_SCRIPT = f"""<script type="text/javascript">
  // replay: ad slot configuration (shape of the real page's ad loader; values invented)
  var sectionId = document.getElementById('section') ? document.getElementById('section').value : 'headlines';
  window.ynaAdSlots = [
{AD_SLOTS}
  ];
  (function (w, d) {{
    function loadSlot(cfg) {{
      var el = d.createElement('ins');
      el.className = 'adsbygoogle';
      el.setAttribute('data-ad-slot', cfg.slot);
      el.style.width = cfg.size[0] + 'px';
      el.style.height = cfg.size[1] + 'px';
      return el;
    }}
    w.addEventListener('load', function () {{
      for (var i = 0; i < w.ynaAdSlots.length; i++) {{
        if (!w.ynaAdSlots[i].lazy) {{ loadSlot(w.ynaAdSlots[i]); }}
      }}
    }});
  }})(window, document);
</script>"""

# Analytics and widget setup: per-section tracking ids and the labels the menu script renders.
WIDGET_SECTIONS = [(group, label, path) for group, items in MENU for label, path in items]
WIDGET_ROWS = "\n".join(
    f'    "{path}": {{name: "{label}", group: "{group}", trackId: "UA-{10000000 + i * 7919}-{i % 9 + 1}", '
    f'feed: "/RSS{path}.xml", widget: {{rows: {4 + i % 5}, thumbs: {"true" if i % 2 else "false"}, '
    f'more: "//en.yna.co.kr{path}"}}}},'
    for i, (group, label, path) in enumerate(WIDGET_SECTIONS * 3))
WIDGET_SCRIPT = f"""<script type="text/javascript">
  // replay: analytics and widget configuration (shape of the real page's tracking setup; values invented)
  window.dataLayer = window.dataLayer || [];
  window.ynaSections = {{
{WIDGET_ROWS}
  }};
  function ynaTrack(evt, label) {{
    window.dataLayer.push({{event: evt, label: label, section: sectionId, ts: Date.now()}});
  }}
  document.addEventListener('click', function (e) {{
    var a = e.target.closest ? e.target.closest('a') : null;
    if (a && a.href) {{ ynaTrack('link', a.getAttribute('href')); }}
  }});
</script>"""


@dataclass(frozen=True)
class SiteLinks:
    """Per-site lists shown in the chrome: newest headlines and a 'most viewed' pick, as (title, href)."""

    latest: list[tuple[str, str]]
    most_viewed: list[tuple[str, str]]


def head_links() -> str:
    css = "\n".join(f'<link rel="stylesheet" href="//r.yna.co.kr/{p}?v=20230508_0900">' for p in STYLESHEETS)
    js = "\n".join(f'<script type="text/javascript" src="//r.yna.co.kr/global/home/v01/js/{s}?v=20230508"></script>'
                   for s in SCRIPTS)
    return (f'<link rel="shortcut icon" type="image/x-icon" href="//r.yna.co.kr/global/favicon.ico">\n'
            f'<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Barlow:400,700">\n{css}\n{js}\n'
            f"{INLINE_SCRIPT}\n{WIDGET_SCRIPT}")


def _menu_lists() -> str:
    parts = []
    for group, items in MENU:
        dd = "\n".join(f'<dd><a href="{YNA}{path}">{label}</a></dd>' for label, path in items)
        parts.append(f'<dl>\n<dt><a href="{YNA}{items[0][1].rsplit("/", 1)[0]}/index">{group}</a></dt>\n{dd}\n</dl>')
    return "\n".join(parts)


def _gnb() -> str:
    items = ['<li class="depth01"><a href="/news" data-depth01="headlines">All News</a></li>']
    for group, links in MENU:
        sub = "\n".join(f'<li class="depth02"><a href="{YNA}{path}" data-depth02="{i + 1:02d}">{label}</a></li>'
                        for i, (label, path) in enumerate(links))
        items.append(f'<li class="main-menu depth01">\n<a href="{YNA}{links[0][1].rsplit("/", 1)[0]}/index">{group}</a>\n'
                     f'<ul class="sub-menu">\n{sub}\n</ul>\n</li>')
    items.append(f'<li class="depth01"><a href="{YNA}/nk/index" data-depth01="nk">North Korea</a></li>')
    items.append(f'<li class="last depth01"><a href="{YNA}/video/index" data-depth01="video">Videos</a></li>')
    return '<nav id="nav" class="nav">\n<ul class="gnb">\n' + "\n".join(items) + "\n</ul>\n</nav>"


def _plain_list(links: list[tuple[str, str]]) -> str:
    return "\n".join(f'<li><a href="{YNA}{path}">{escape(label, False)}</a></li>' for label, path in links)


def header(page_title: str) -> str:
    langs = "\n".join(f'<li class="{c}"><a href="{u}" lang="{c}"><span>{n}</span></a></li>' for c, u, n in LANGS)
    return f"""<div id="skipNav">
<a href="#container">Go to Contents</a>
<a href="#nav">Go to Navigation</a>
</div>
<header id="header" class="wrap-header">
<div class="header">
<div class="top-menu">
<button type="button" class="btn-pop-search"><span>SEARCH</span></button>
<button type="button" class="btn-history"><span>History</span></button>
<div id="langMenu" class="lang-menu">
<button type="button" class="btn-lang"><span>English</span></button>
<menu class="list">
{langs}
</menu>
</div>
</div>
<ul class="sns-link">
<li class="fb"><a href="https://www.facebook.com/yonhapenglish" target="_blank" rel="nofollow">Facebook</a></li>
<li class="tw"><a href="https://twitter.com/YonhapNews" target="_blank" rel="nofollow">Twitter</a></li>
<li class="rss"><a href="//en.yna.co.kr/channel/index">RSS Feed</a></li>
</ul>
</div>
<div id="allMenu" class="all-menu">
<div class="all-menu-layer"><div class="layer-inner"><div class="all-menu-wrap">
<div class="all-menu-list first">
<strong>News</strong>
<p><a href="/news">All Headlines</a></p>
{_menu_lists()}
</div>
<div class="all-menu-list">
<strong>Information</strong>
<ul>
{_plain_list(INFO_LINKS)}
</ul>
</div>
<div class="all-menu-list last">
<strong>About Yonhap</strong>
<ul>
{_plain_list(ABOUT_LINKS)}
</ul>
</div>
</div></div></div>
</div>
<div id="headerSearch" class="search-layer">
<div class="search-top">
<strong class="tit">SEARCH</strong>
<form action="/search" method="get">
<div class="box">
<div class="input-box">
<input type="text" id="index-sch-keyword" name="query" value="" placeholder="Input Keyword">
<input type="hidden" id="index-sch-lang" name="lang" value="EN">
<button type="button" class="btn-search"><span>SEARCH</span></button>
</div>
</div>
</form>
</div>
</div>
<strong class="header-logo"><a href="/">Yonhap News Agency</a></strong>
<div class="page-view-title"><strong>{escape(page_title, False)}</strong></div>
<div class="header-cont">
<div class="today-zone"><span class="tit">Today&#39;s date</span><strong class="date" id="today"></strong></div>
<div id="tickerWeather" class="weather-zone">
<span class="tit">Today&#39;s weather</span>
<div class="weather-layer"><div class="con-wrap">
<div class="tit-wrap"><strong class="tit">Seoul</strong><span class="btn"><a href="{YNA}/weather/index">Full Forecast</a></span></div>
<div class="temp-wrap"><span class="txt">Partly Sunny</span><span class="temp">19.4<span>℃</span></span>
<span class="min-max"><span class="min">13°</span> / <span class="max">26°</span></span></div>
<div class="temp-wrap02"><div class="con"><em class="tit">Precip</em>0mm</div><div class="con"><em class="tit">Wind</em>W 2.1m/s</div>
<div class="con"><em class="tit">Humidity</em>48%</div></div>
<div class="bot-wrap"><dl><dt>PM10</dt><dd>Good</dd><dt>PM2.5</dt><dd>Moderate</dd><dt>O₃</dt><dd>Moderate</dd></dl></div>
</div></div>
</div>
</div>
{_gnb()}
<div class="sub-menu-bar"></div>
</header>"""


def latest_news_box(links: SiteLinks) -> str:
    items = "\n".join(f'<li><a href="{href}">{escape(t, False)}</a></li>' for t, href in links.latest)
    return f"""<div id="latestNews" class="latest-news">
<span class="tit">Latest News</span>
<div id="latestNewsLayer" class="latest-news-layer">
<span class="btn-wrap"><button type="button" class="btn-close"><span>Close</span></button></span>
<ul>
{items}
</ul>
</div>
</div>"""


def right_rail(links: SiteLinks) -> str:
    def box(title: str, entries: list[tuple[str, str]]) -> str:
        lis = "\n".join(
            f'<li>\n<article>\n<a href="{href}">\n<figure class="img-cover">\n'
            f'<img src="//img{i}.yna.co.kr/etc/inner/EN/2023/05/{href[-12:-4]}_T2.jpg" alt="{escape(t)}">\n</figure>\n'
            f'<div class="txt-con01">\n<strong class="tit01">{escape(t, False)}</strong>\n</div>\n</a>\n</article>\n</li>'
            for i, (t, href) in enumerate(entries))
        return (f'<section class="most-news-zone right-list-zone">\n<div class="section-tit">\n'
                f'<span class="tit">{title}</span>\n</div>\n<ul class="list-box02 number01">\n{lis}\n</ul>\n</section>')

    ad = ('<aside class="right-bnr"><ins class="adsbygoogle" style="display:inline-block;width:250px;height:250px" '
          'data-ad-client="ca-pub-0000000000000000" data-ad-slot="9862152500"></ins></aside>')
    return (f'<div class="right-area">\n{ad}\n{box("Most Liked", links.most_viewed[:5])}\n'
            f'{box("Most Saved", links.latest[:5])}\n{box("Most Viewed", links.most_viewed)}\n'
            f'{box("Latest Headlines", links.latest)}\n</div>')


def right_now(links: SiteLinks) -> str:
    """The 'Main Article Right Now' strip under the article."""
    boxes = "\n".join(
        f'<div class="box-type">\n<article>\n<figure class="img-con img-cover">\n<a href="{href}">\n'
        f'<img src="//img{i}.yna.co.kr/photo/yna/YH/2023/05/{href[-12:-4]}_P2.jpg" alt="{escape(t)}">\n</a>\n</figure>\n'
        f'<div class="txt-con">\n<h4 class="tit">\n<a href="{href}">{escape(t, False)}</a>\n</h4>\n</div>\n'
        f'</article>\n</div>' for i, (t, href) in enumerate(links.latest[:6]))
    return (f'<div class="sub-section-wrap bg-area02">\n<section class="sub-section01 main-rightnow">\n'
            f'<div class="section-tit">\n<span class="tit">\n<a href="{YNA}/mostviewed/index">\nMain Article Right Now\n'
            f'</a>\n</span>\n</div>\n<div class="main-rightnow-list">\n{boxes}\n</div>\n</section>\n</div>')


def keyword_box(keywords: list[str]) -> str:
    # search links are disallowed by robots.txt: a polite crawler must not follow them
    tags = "\n".join(f'<span><a href="/search?query={escape(k.replace(" ", "+"))}&amp;lang=EN">#{escape(k, False)}</a></span>'
                     for k in keywords)
    return f'<div class="keyword-zone01">\n<strong class="tit">Keywords</strong>\n<div class="list">\n{tags}\n</div>\n</div>'


def footer() -> str:
    langs = "\n".join(f'<li class="{c}"><a href="{u}">{n}</a></li>' for c, u, n in LANGS)
    return f"""<footer id="footer">
<nav class="fnb">
<dl class="news">
<dt>News</dt>
<dd>
<p><a href="/news">All News</a></p>
<p><a href="{YNA}/national/index">National</a></p>
<p><a href="{YNA}/nk/index">North Korea</a></p>
<p><a href="{YNA}/economy-finance/index">Economy/Finance</a></p>
<p><a href="{YNA}/culture/index">Culture/K-pop</a></p>
<p><a href="{YNA}/sports/index">Sports</a></p>
<p><a href="{YNA}/summary/index">Yonhap News Summary</a></p>
</dd>
</dl>
<dl class="information">
<dt>Information</dt>
<dd>
{_plain_list(INFO_LINKS)}
</dd>
</dl>
<dl class="tools">
<dt>Tools</dt>
<dd><a href="/RSS/news.xml">RSS</a></dd>
<dd><a href="/news-sitemap.xml">Sitemap</a></dd>
<dd><a href="/private/cms/login" rel="nofollow">Staff Login</a></dd>
</dl>
</nav>
<div class="section-f-info">
<span class="copyright">Copyright (c) Yonhap News Agency. All Rights Reserved.</span>
<div id="f-langMenu" class="f-language">
<button class="f-btn-lang"><span>LANGUAGE</span></button>
<menu class="f-lang-list">
{langs}
</menu>
</div>
<div class="f-policy"><a href="{YNA}/policy/privacy/index" class="privacy">Privacy Policy</a></div>
</div>
</footer>
<div id="btn-go-wrap" class="btn-go-wrap">
<a href="/" title="HOME" class="go-quick-home"><span>HOME</span></a>
<a href="#header" title="TOP" class="go-to-top"><span>TOP</span></a>
</div>
<form action="//bbs.yna.co.kr/feedback/save" name="feedback_form" id="feedbackForm" method="get">
<div id="feedLayer" class="pop-layer">
<div class="pop-wrap poppos01">
<div class="pop-header">
<span class="pop-tit">Send Feedback</span>
<button type="button" class="pop-close">Close</button>
</div>
<div id="popContainer">
<div id="popContent" class="pop-con">
<div id="popCon01">
<strong>How can we improve?</strong>
<div class="textarea-box">
<label for="feedbackArea">Enter your feedback here. To help protect your privacy, don't include personal information, like your name or address.</label>
<textarea id="feedbackArea" class="textarea" name="content"></textarea>
</div>
<div class="btns-con"><input type="submit" title="submit" value="SUBMIT" class="btn-type01 btn-submit"></div>
</div>
<div id="popCon02" class="dis-none">
<strong class="txt-complete">Thanks for your feedback!</strong>
<div class="btns-con"><button class="btn-type02 m-l0 pop-close02">CLOSE</button></div>
</div>
</div>
</div>
</div>
</div>
</form>"""
