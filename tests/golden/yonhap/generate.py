"""Writes the project's own Yonhap golden pairs: <name>.html (2023 layout, reduced chrome,
invented stories) and <name>.json (the record extract() must return).

The expected record is built from the story data below, not by running extract(), so
the pair is an independent check. Run from the repo root after changing a story:
    .venv/bin/python tests/golden/yonhap/generate.py
and review the diff: the committed files are the golden pair, not this script.
"""
from __future__ import annotations

import json
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERSION = "yonhap-v2023.1"

STORIES = [
    {
        "name": "lead_attn_byline",
        "id": "AEN20230502004151320",
        "label": "LEAD",
        "headline": "Harbor city opens floating library for ferry commuters",
        "section": "National",
        "published": "2023-05-02T10:41:07+09:00",
        "modified": "2023-05-02T10:41:07+09:00",
        "attn": "UPDATES with mayor's remarks in paras 4-5; ADDS photo",
        "byline": "Han Do-yun",
        "dateline": "BUSAN, May 2 (Yonhap)",
        # Each entry: list of lines (a <br> between them); "{link:...}" marks inline hyperlinks.
        "paras": [
            ["BUSAN, May 2 (Yonhap) -- The southeastern port city of Busan opened a library on a moored "
             "ferry Tuesday, offering about 4,000 books to commuters who cross the harbor every day."],
            ["The vessel, retired from the Yeongdo route last year, was refitted with reading rooms "
             "and a children's corner, city officials said."],
            ["Commuters can borrow books on the morning crossing and return them {link:at any of six "
             "piers} on the way home."],
            ["\"A ferry ride is twenty quiet minutes, and we wanted to fill them with stories,\" "
             "the mayor told reporters at the opening ceremony."],
            ["He added that two more ferries will be converted by the end of the year if the "
             "pilot draws enough readers."],
        ],
        "photos_after": {1: ["Commuters browse shelves aboard a converted ferry in Busan on May 2, 2023. (Yonhap)"],
                         4: ["The floating library is seen moored at a pier in Busan on May 2, 2023. (Yonhap)"]},
        "video_after": 4,  # a video box is not a photo caption
        "email": "dyhan@yna.co.kr",
        "related": [("AEN20230428003600320", "Busan to add night ferry routes this summer"),
                    ("AEN20230415001251320", "(LEAD) Port city unveils waterfront culture plan")],
    },
    {
        "name": "urgent_oneliner",
        "id": "AEN20230502000600315",
        "label": "URGENT",
        "headline": "Central bank chief says rates to stay on hold for now",
        "section": "Economy Finance",
        "published": None,  # no meta time: the shown time (KST) is used
        "shown": "08:31 May 2, 2023",
        "expected_published": "2023-05-02T08:31:00+09:00",
        "modified": None,
        "attn": None,
        "byline": None,
        "dateline": "SEOUL, May 2 (Yonhap)",
        "paras": [["SEOUL, May 2 (Yonhap) -- The central bank governor said Tuesday that the key "
                   "interest rate will stay on hold for the time being.", "(END)"]],
        "photos_after": {},
        "email": None,
        "related": [],
    },
    {
        "name": "original_news_focus",
        "id": "AEN20230502002700325",
        "label": None,
        "headline": "(News Focus) Border town bets on birdwatching to draw visitors",
        "section": "Culture",
        "published": "2023-05-02T12:05:44+09:00",
        "modified": "2023-05-02T12:05:44+09:00",
        "attn": None,
        "byline": "Seo Min-ji and Park Jae-won",
        "dateline": "CHEORWON, South Korea, May 2 (Yonhap)",
        "paras": [
            ["CHEORWON, South Korea, May 2 (Yonhap) -- A small town near the inter-Korean border "
             "is building observation decks along its rice paddies, hoping that cranes wintering "
             "there will bring tourists in the off-season."],
            ["Local officials said the decks will open in November, when the first flocks arrive."],
            ["Visitor numbers:", "2021 31,000", "2022 44,500"],
            ["The town also plans a guided tour with retired farmers who have counted the birds "
             "for decades."],
        ],
        # An uncaptioned picture: empty p.txt-desc, auto alt "<headline> - 1": no caption.
        "photos_after": {1: [""]},
        "email": "mjseo@yna.co.kr",
        "related": [],
    },
    {
        "name": "second_ld_edited",
        "id": "AEN20230502001252315",
        "label": "2nd LD",
        "headline": "Storm cuts power to 12,000 homes on southern island",
        "section": "National",
        "published": "2023-05-02T09:05:12+09:00",
        "modified": "2023-05-02T16:40:03+09:00",  # edited in place after publication
        "attn": "ADDS details on restoration in paras 3-4; CHANGES headline",
        "byline": None,
        "dateline": "JEJU, May 2 (Yonhap)",
        "paras": [
            ["JEJU, May 2 (Yonhap) -- Strong winds and heavy rain knocked out power to some 12,000 "
             "homes on the southern island of Jeju on Tuesday, the utility said."],
            ["Gusts of up to 30 meters per second were recorded on the island's mountain slopes "
             "overnight, according to the weather agency."],
            ["Crews restored electricity to about two-thirds of the affected homes by the "
             "afternoon, and the rest are expected to be reconnected by nightfall."],
            ["Dozens of flights were canceled, stranding travelers at the airport."],
        ],
        "photos_after": {0: ["Fallen trees block a road in Jeju on May 2, 2023. (Yonhap)",
                             "Workers repair a power line in Jeju on May 2, 2023. (Yonhap)"]},
        "email": "storm.desk@yna.co.kr",
        "related": [("AEN20230501007800315", "Typhoon-like storm heads for southern coast")],
    },
]


def title_raw(story: dict) -> str:
    return f"({story['label']}) {story['headline']}" if story["label"] else story["headline"]


def render_line(line: str) -> str:
    """Escape a body line and turn "{link:text}" into Yonhap's inline hyperlink span."""
    out, rest = [], line
    while "{link:" in rest:
        before, _, after = rest.partition("{link:")
        text, _, rest = after.partition("}")
        out.append(escape(before, quote=False))
        out.append('<span class="txt-hyper"><a href="https://en.yna.co.kr/view/AEN20230401000100320" '
                   f'target="_blank" title="Opening new web browser window"> {escape(text)}</a></span>')
    out.append(escape(rest, quote=False))
    return "".join(out)


def plain_line(line: str) -> str:
    while "{link:" in line:
        before, _, after = line.partition("{link:")
        text, _, rest = after.partition("}")
        line = before + text + rest
    return line


def photo_box(story: dict, caption: str, n: int) -> str:
    alt = caption or f"{title_raw(story)} - {n}"
    return f"""<div class="comp-box photo-group">
<figure class="image-zone" data-mapping-filename="{story['id']}_0{n}_i_P2.jpg">
<div class="img-con">
<span class="img"><img src="//img1.yna.co.kr/etc/inner/EN/2023/05/02/{story['id']}_0{n}_i_P4.jpg" alt="{escape(alt)}"></span>
</div>
<figcaption class="desc-con">
<strong class="tit-cap"></strong>
<p class="txt-desc">{escape(caption)}</p>
<p class="txt-link" data-mapping-link=""><a href="" target="_blank" title="Opening new web browser window"></a></p>
</figcaption>
</figure>
</div>"""


VIDEO_BOX = """<div class="comp-box youtube-group">
<figure class="video-zone" data-mapping-desc="Floating library opens in Busan">
<div class="vid-con"><iframe class="ifm-youtube" src="https://www.youtube.com/embed/xxxxxxxxxxx"></iframe></div>
<figcaption class="desc-con">
<p class="txt-desc">Floating library opens in Busan</p><a href="https://youtu.be/xxxxxxxxxxx" class="txt-link">Youtube</a>
<p class="txt-link02">https://youtu.be/xxxxxxxxxxx</p>
</figcaption>
</figure>
</div>"""


def article_html(story: dict) -> str:
    parts = []
    head = []
    if story["attn"]:
        head.append(escape(f"(ATTN: {story['attn']})", quote=False))
    if story["byline"]:
        head.append(escape(f"By {story['byline']}", quote=False))
    if head:
        parts.append(f"<p>{'<br/>'.join(head)}</p>")
    photo_no = 0
    for i, lines in enumerate(story["paras"]):
        tail = "<br/>" if i % 2 else " "  # the site leaves stray trailing <br/> and spaces
        parts.append(f"<p> {'<br/>'.join(render_line(line) for line in lines)}{tail}</p>")
        for caption in story["photos_after"].get(i, []):
            photo_no += 1
            parts.append(photo_box(story, caption, photo_no))
        if story.get("video_after") == i:
            parts.append(VIDEO_BOX)
    if story["email"]:
        parts.append(f"<p> {story['email']}<br/>(END)</p>")
    if story["related"]:
        items = "\n".join(f'<li><a href="//en.yna.co.kr/view/{rid}">{escape(title, quote=False)}</a></li>'
                          for rid, title in story["related"])
        parts.append(f"""<div class="related-group">
<div class="related-zone rel">
<strong class="tit">Related Articles</strong>
<div class="article-list">
<ul id="moreArticleNews">
{items}
</ul>
</div>
</div>
</div>""")
    return "\n".join(parts)


def page_html(story: dict) -> str:
    title = escape(title_raw(story))
    url = f"https://en.yna.co.kr/view/{story['id']}"
    times = ""
    if story["published"]:
        times += f'<meta property="article:published_time" content="{story["published"]}" />\n'
    if story["modified"]:
        times += f'<meta property="article:modified_time" content="{story["modified"]}" />\n'
    id_meta = f'<meta property="yna:content_id" content="{story["id"]}">\n' if story["name"] != "urgent_oneliner" else ""
    shown = story.get("shown") or _shown(story["published"])
    return f"""<!doctype html>
<html lang="en" class="en">
<head>
<meta charset="utf-8">
<link rel="canonical" id="canonical" href="{url}" />
<meta property="og:url" content="{url}" />
<title>{title} | Yonhap News Agency</title>
<meta property="og:title" content="{title} | Yonhap News Agency">
<meta property="og:site_name" content="Yonhap News Agency" />
{id_meta}<meta property="article:section" content="{story['section']}" />
{times}<script>var _taboola = window._taboola || []; _taboola.push({{article:'auto'}});</script>
</head>
<body>
<div class="skip-nav"><a href="#container">Go to Contents</a> <a href="#gnb">Go to Navigation</a></div>
<nav id="gnb"><p><a href="//en.yna.co.kr/news">All Headlines</a></p><p><a href="//en.yna.co.kr/nk/index">North Korea</a></p></nav>
<div id="container">
<header class="title-article01">
<h1 class="tit" data-cid="">{escape(title_raw(story), quote=False)}</h1>
<div class="info-box">
<div class="info-con">
<span class="txt">
<strong>
<a href="//en.yna.co.kr/news">All News</a>
</strong>
{shown}</span>
</div>
</div>
</header>
<div class="view-body">
<div class="sub-content">
<article class="story-news">
{article_html(story)}
</article>
<div class="aside-box01"><aside class="bnr01"><ins class="adsbygoogle">Advertisement</ins></aside></div>
<div class="keyword-zone"><strong class="tit">Keywords</strong><a href="//en.yna.co.kr/search">#ferry</a></div>
<div class="feedback-zone"><p>Send Feedback</p><p>How can we improve?</p><textarea></textarea><p>Thanks for your feedback!</p></div>
</div>
</div>
<div class="list-type212"><article class="item-box"><p class="lead">Another story teaser that is not part of this article.</p></article></div>
</div>
<footer><p>Copyright (c) Yonhap News Agency. All rights reserved.</p></footer>
</body>
</html>
"""


def _shown(iso: str) -> str:
    """"2023-05-02T10:41:07+09:00" -> "10:41 May 2, 2023" as the page shows it."""
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    date, time = iso[:10], iso[11:16]
    year, month, day = (int(x) for x in date.split("-"))
    return f"{time} {months[month - 1]} {day}, {year}"


def expected_revision_no(label: str | None) -> int:
    """None/URGENT 0, LEAD 1, "2nd LD" 2: written out here rather than imported."""
    if label in (None, "URGENT"):
        return 0
    return 1 if label == "LEAD" else int(label.split()[0][:-2])


def expected_record(story: dict) -> dict:
    paras = ["\n".join(plain_line(line) for line in lines) for lines in story["paras"]]
    if paras and paras[-1].endswith("\n(END)"):  # the trailer is never body text
        paras[-1] = paras[-1][: -len("\n(END)")]
    published = story["published"] or story["expected_published"]
    return {
        "source": "yonhap",
        "article_id": story["id"],
        "url": f"https://en.yna.co.kr/view/{story['id']}",
        "headline": story["headline"],
        "title_raw": title_raw(story),
        "revision_label": story["label"],
        "revision_no": expected_revision_no(story["label"]),
        "attn": story["attn"],
        "byline": story["byline"],
        "dateline": story["dateline"],
        "section": story["section"],
        "published_at": published,
        "updated_at": story["modified"] or published,
        "body_paragraphs": paras,
        "captions": [c for i in sorted(story["photos_after"]) for c in story["photos_after"][i] if c],
        "related": [{"title": title, "url": f"https://en.yna.co.kr/view/{rid}"} for rid, title in story["related"]],
        "extractor_version": VERSION,
    }


def main() -> None:
    for story in STORIES:
        (HERE / f"{story['name']}.html").write_text(page_html(story), encoding="utf-8")
        (HERE / f"{story['name']}.json").write_text(
            json.dumps(expected_record(story), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
