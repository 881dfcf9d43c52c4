"""The AP News parsers (pipelines/sources/apnews/parsers): golden pairs, the real pages, and variants of both
built on purpose (blocks reordered, metas or linked data missing, extra embeds, another generation's
leftovers, the story only in a second place, a cut page, an unknown layout).

1. The project's own pages (pipelines/sources/apnews/golden/<name>.html, stories written for this project in
   both generations) must give exactly <name>.json.
2. The three real pages in ../shared/wiredata/generic/us (skipped when absent) must match what is stored
   here about them (ids, times, counts, digests: no article text is copied) and, where fundus' APNews.json
   has the page, its title exactly and its body with token F1 >= 0.99.
"""
from __future__ import annotations

import collections
import gzip
import hashlib
import json
import os
from pathlib import Path

import pytest
from lxml import html as lxml_html

from pipelines.publishers import ExtractionError
from pipelines.sources.apnews import extract
from pipelines.sources.apnews.parsers import pick_parser
from pipelines.sources.apnews.parsers.conventions import is_trailer, parse_dateline, split_story
from test_extract_generic import token_f1  # the body token F1 the generic benchmark measures with

GOLDEN = Path(__file__).resolve().parents[1] / "pipelines" / "sources" / "apnews" / "golden"
GOLDEN_PAGES = sorted(GOLDEN.glob("*.html"))
SHARED = Path(os.environ.get("WIREDESK_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared" / "wiredata")
US = SHARED / "generic" / "us"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# --- the project's own golden pairs -------------------------------------------------------------------------

def test_golden_pairs_cover_both_generations():
    names = {p.stem for p in GOLDEN_PAGES}
    assert {n.split("_")[0] for n in names} == {"brightspot2024", "react2023"}
    for page in GOLDEN_PAGES:
        assert page.with_suffix(".json").is_file(), page
        assert page.stat().st_size < 20_000, page


@pytest.mark.parametrize("page", GOLDEN_PAGES, ids=lambda p: p.stem)
def test_golden_page(page):
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    assert extract(page.read_bytes()) == expected
    # fetched from apnews.com under its url, or from a replay on loopback: the same record
    assert extract(page.read_bytes(), url=expected["url"] + "?utm_source=x") == expected
    assert extract(page.read_text(encoding="utf-8"), url="http://127.0.0.1:8766" +
                   expected["url"].removeprefix("https://apnews.com")) == expected


# --- the real pages ---------------------------------------------------------------------------------------

# What the real pages must give, stored without their text: digests of headline, shown headline, byline,
# dateline, body (paragraphs joined by newlines) and the update note.
REAL = {
    "APNews_2023_03_29": dict(
        url_id="3dfb2fcbb22ff8638074fd90c7b266fd", version="apnews-react2023.1", section="Education",
        published="2023-03-29T17:00:28+00:00", updated="2023-03-30T13:32:03+00:00", paragraphs=28, captions=17,
        related=3, headline="f850cfe7b1236b51", shown="f850cfe7b1236b51", byline="eecd9af3155a6191",
        dateline="e4e3cc9da22542a0", attn="da307d085fc3994e", body="1b136da67786cac2", fundus=None),
    "APNews_2023_04_28": dict(
        url_id="3cc842471fb9df42315d658d88c8403a", version="apnews-react2023.1", section="Mexico",
        published="2023-04-28T17:40:08+00:00", updated="2023-04-28T17:39:55+00:00", paragraphs=4, captions=1,
        related=0, headline="60a8e2dde1745785", shown="758aef092fe8a861", byline="6cb88a7e5dbd008e",
        dateline="4ed8d3946dc67268", attn=None, body="589ff517c91d7a96", fundus="V1"),
    "APNews_2024_09_03": dict(
        url_id="151f82b59473d29a448ef1cea9afe471", version="apnews-brightspot2024.1", section="Politics",
        published="2024-09-03T04:03:19+00:00", updated="2024-09-03T13:11:33+00:00", paragraphs=44, captions=11,
        related=3, headline="dacf792c0d12bcb9", shown="0e475dc2e23e9455", byline="7dff95820bab66c1",
        dateline="b3bc8da595b97076", attn=None, body="0b5da3c59494c34b", fundus="V1_1"),
}
REAL_PRESENT = sorted(name for name in REAL if (US / f"{name}.html.gz").is_file())
needs_real = pytest.mark.skipif(not REAL_PRESENT, reason=f"shared test data absent: {US}")


def real_html(name: str) -> str:
    return gzip.decompress((US / f"{name}.html.gz").read_bytes()).decode("utf-8")


def real_url(name: str) -> str:
    info = json.loads((US / "meta.info").read_text(encoding="utf-8"))
    known = info.get(f"{name}.html.gz", {}).get("url")
    return known or f"https://apnews.com/article/{REAL[name]['url_id']}"


def fundus(name: str) -> dict | None:
    version = REAL[name]["fundus"]
    return json.loads((US / "APNews.json").read_text(encoding="utf-8"))[version] if version else None


def fundus_body(expected: dict) -> str:
    """The page's story as fundus lists it: subheads and paragraphs in order."""
    return "\n".join(part for section in expected["body"]["sections"]
                     for part in section["headline"] + section["paragraphs"])


@pytest.fixture(scope="module")
def real_records() -> dict[str, dict]:
    return {name: extract(real_html(name).encode("utf-8"), url=real_url(name)) for name in REAL_PRESENT}


def test_real_pages_present():
    if not US.is_dir():
        pytest.skip(f"shared test data absent: {US}")
    assert REAL_PRESENT == sorted(REAL)


@needs_real
@pytest.mark.parametrize("name", REAL_PRESENT)
def test_real_page(name, real_records):
    record, want = real_records[name], REAL[name]
    assert record["source"] == "apnews" and record["extractor_version"] == want["version"]
    assert record["article_id"] == want["url_id"] and record["url"].endswith("-" + want["url_id"])
    assert (record["published_at"], record["updated_at"]) == (want["published"], want["updated"])
    assert record["section"] == want["section"]
    assert len(record["body_paragraphs"]) == want["paragraphs"]
    assert (len(record["captions"]), len(record["related"])) == (want["captions"], want["related"])
    assert digest(record["headline"]) == want["headline"] and digest(record["title_raw"]) == want["shown"]
    assert digest(record["byline"]) == want["byline"] and digest(record["dateline"]) == want["dateline"]
    assert (digest(record["attn"]) if record["attn"] else None) == want["attn"]
    assert digest("\n".join(record["body_paragraphs"])) == want["body"]
    assert record["body_paragraphs"][0].startswith(record["dateline"])
    body = " ".join(record["body_paragraphs"])
    for caption in record["captions"]:
        assert caption not in body  # captions apart from the body
    assert record["revision_label"] is None and record["revision_no"] == 0
    expected = fundus(name)
    if expected is not None:
        assert record["headline"] == expected["title"]
        assert record["published_at"] == expected["publishing_date"].replace(" ", "T")
        assert token_f1("\n".join(record["body_paragraphs"]), fundus_body(expected)) >= 0.99


@needs_real
def test_real_react_page_agrees_with_its_state_script(real_records):
    """The 2023 page has no fundus entry: its story in the DOM must be the story in the React state
    (storyHTML), the app's own structured copy (which differs in typography only: straight quotes where
    the DOM has curly ones), and the update note must be the attn."""
    name = "APNews_2023_03_29"
    parser = pick_parser(lxml_html.document_fromstring(real_html(name)), real_url(name))
    from_state, notes = split_story(parser._more_story_blocks())
    body = real_records[name]["body_paragraphs"]
    assert len(from_state) == len(body)
    assert all(token_f1(a, b) >= 0.98 for a, b in zip(from_state, body))
    assert token_f1("\n".join(from_state), "\n".join(body)) >= 0.99
    assert notes and " ".join(notes) == real_records[name]["attn"]
    assert real_records[name]["attn"].startswith("This story was first published")


# --- variants built on purpose ---------------------------------------------------------------------------

def _tree(html: str):
    return lxml_html.document_fromstring(html)


def _out(tree) -> str:
    return lxml_html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")


def _story_box(tree):
    found = tree.xpath("//div[contains(@class,'RichTextStoryBody')] | //div[@data-key='article']")
    return found[0]


def without_linked_data(html: str) -> str:
    tree = _tree(html)
    for script in tree.xpath("//script[@type='application/ld+json']"):
        script.drop_tree()
    return _out(tree)


def without_metas(html: str) -> str:
    tree = _tree(html)
    for meta in tree.xpath("//meta[starts-with(@property,'article:') or starts-with(@property,'og:')]"):
        meta.drop_tree()
    return _out(tree)


def reordered(html: str) -> str:
    """Linked data, metas and canonical at the end of the body; the headline block after the story."""
    tree = _tree(html)
    body = tree.find("body")
    for element in tree.xpath("//script[@type='application/ld+json'] | //head/meta | //head/link"):
        element.getparent().remove(element)
        body.append(element)
    for lead in tree.xpath("//div[contains(@class,'Page-lead')] | //div[contains(@class,'CardHeadline')]"):
        lead.getparent().remove(lead)
        body.append(lead)
    return _out(tree)


EMBEDS = [
    '<div class="SovrnAd Advertisement"><p>ADVERTISEMENT</p></div>',
    '<div class="HTMLModuleEnhancement"><blockquote class="twitter-tweet"><p>An embedded post about something else '
    'entirely, with enough words to look like a sentence.</p></blockquote></div>',
    '<figure class="Figure"><img src="x.jpg" alt=""><figcaption>A photo caption inside the story, with a credit. '
    '(AP Photo/Someone)</figcaption></figure>',
    '<div class="Infobox"><div class="Infobox-items RichTextBody"><p><b>What to know:</b> a box of links that is '
    'not the story and has a sentence of its own.</p></div></div>',
    '<div class="PageListEnhancementGeneric Enhancement"><div class="PagePromo"><div class="PagePromo-title">'
    '<a href="https://apnews.com/article/other-story-0123456789abcdef0123456789abcdef">Another story\'s headline '
    'that goes on for a while</a></div></div></div>',
    '<aside class="ad-placeholder"><p>Related: an aside with a teaser sentence that must stay out.</p></aside>',
]


def with_embeds(html: str) -> str:
    tree = _tree(html)
    box = _story_box(tree)
    paragraphs = box.xpath("./p")
    for n, paragraph in enumerate(paragraphs[:len(EMBEDS)]):
        paragraph.addnext(lxml_html.fragment_fromstring(EMBEDS[n]))
    return _out(tree)


def with_other_generation_leftovers(html: str) -> str:
    """A stale React state and an empty React story box in a Brightspot page; an empty Brightspot story box
    and timestamp in a React page: the layout that holds the text must still read the page."""
    tree = _tree(html)
    body = tree.find("body")
    stale = {"content": {"data": {"urn:publicid:ap.org:ffffffffffffffffffffffffffffffff": {
        "shortId": "ffffffffffffffffffffffffffffffff", "headline": "A stale headline from the old app",
        "storyHTML": "<p>WASHINGTON (AP) — Stale text of another story that must not be read as this one.</p>",
        "published": "2001-01-01 00:00:00", "updated": "2001-01-01 00:00:00"}}}}
    for snippet in ('<div class="Article" data-key="article"></div>',
                    '<div class="RichTextStoryBody RichTextBody"><div class="SovrnAd Advertisement"></div></div>',
                    '<bsp-timestamp data-timestamp="978307200000"><template>Updated [hour]</template></bsp-timestamp>'):
        body.insert(0, lxml_html.fragment_fromstring(snippet))
    script = lxml_html.fragment_fromstring("<script></script>")
    script.text = "window['titanium-state'] = " + json.dumps(stale) + ";"
    body.append(script)
    return _out(tree)


def story_in_second_place(html: str) -> str:
    """React: the story box emptied (the state script still holds storyHTML); Brightspot: every paragraph
    wrapped one level deeper than the story box's own children."""
    tree = _tree(html)
    box = _story_box(tree)
    for paragraph in box.xpath("./p"):
        if box.get("data-key") == "article":
            paragraph.drop_tree()
        else:
            wrapper = lxml_html.fragment_fromstring('<div class="RichTextBody-paragraph"></div>')
            paragraph.addprevious(wrapper)
            wrapper.append(paragraph)
    return _out(tree)


def cut_with_article_body(html: str, body: list[str]) -> str:
    """The story box cut to two paragraphs; the whole story in ld+json articleBody."""
    tree = _tree(html)
    for paragraph in _story_box(tree).xpath("./p")[2:]:
        paragraph.drop_tree()
    for script in tree.xpath("//script[@type='application/ld+json']"):
        data = json.loads(script.text)
        for item in data if isinstance(data, list) else [data]:
            if item.get("@type") == "NewsArticle":
                item["articleBody"] = "\n\n".join(body)
        script.text = json.dumps(data)
    for script in tree.xpath("//script[contains(text(), 'titanium-state')]"):
        script.drop_tree()  # React's second place would hold the whole story too
    return _out(tree)


def without_canonical(html: str) -> str:
    tree = _tree(html)
    for element in tree.xpath("//link[@rel='canonical'] | //meta[@property='og:url']"):
        element.drop_tree()
    return _out(tree)


def _pages() -> list[tuple[str, str, str]]:
    """(name, html, url) for every own golden page and every real page present."""
    pages = []
    for page in GOLDEN_PAGES:
        expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        pages.append((page.stem, page.read_text(encoding="utf-8"), expected["url"]))
    pages += [(name, real_html(name), real_url(name)) for name in REAL_PRESENT]
    return pages


PAGES = _pages()
SAME_RECORD = {"reordered": reordered, "without_metas": without_metas, "with_embeds": with_embeds,
               "leftovers": with_other_generation_leftovers}


@pytest.fixture(scope="module")
def originals() -> dict[str, dict]:
    return {name: extract(html.encode("utf-8"), url=url) for name, html, url in PAGES}


@pytest.mark.parametrize("variant", sorted(SAME_RECORD))
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p[0])
def test_variant_gives_the_same_record(page, variant, originals):
    name, html, url = page
    record = extract(SAME_RECORD[variant](html).encode("utf-8"), url=url)
    original = originals[name]
    if variant == "with_embeds":  # a figure inside the story adds its caption; the body is untouched
        added = "A photo caption inside the story, with a credit. (AP Photo/Someone)"
        assert added in record["captions"] and [c for c in record["captions"] if c != added] == original["captions"]
        record = {**record, "captions": original["captions"], "related": original["related"]}
    if variant == "without_metas" and "react2023" in record["extractor_version"]:
        record = {**record, "section": original["section"]}  # the React page names its section in metas only
    assert record == original


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p[0])
def test_without_linked_data(page, originals):
    """Headline from the h1, times from the metas (zone-less ones read as UTC) or the state script."""
    name, html, url = page
    original = originals[name]
    record = extract(without_linked_data(html).encode("utf-8"), url=url)
    assert record["headline"] == original["title_raw"]  # the shown headline stands in
    assert record["published_at"] == original["published_at"]
    assert record["body_paragraphs"] == original["body_paragraphs"]
    assert record["article_id"] == original["article_id"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p[0])
def test_story_in_second_place(page, originals):
    name, html, url = page
    record, original = extract(story_in_second_place(html).encode("utf-8"), url=url), originals[name]
    if name == "APNews_2023_03_29":  # AP's storyHTML has straight quotes where its DOM has curly ones
        assert len(record["body_paragraphs"]) == len(original["body_paragraphs"])
        assert token_f1("\n".join(record["body_paragraphs"]), "\n".join(original["body_paragraphs"])) >= 0.99
    else:
        assert record["body_paragraphs"] == original["body_paragraphs"]
    assert record["attn"] == original["attn"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p[0])
def test_cut_page_with_article_body(page, originals):
    name, html, url = page
    original = originals[name]
    record = extract(cut_with_article_body(html, original["body_paragraphs"]).encode("utf-8"), url=url)
    assert token_f1("\n".join(record["body_paragraphs"]), "\n".join(original["body_paragraphs"])) >= 0.99


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p[0])
def test_ids_from_other_places_and_mismatches(page, originals):
    name, html, url = page
    article_id = originals[name]["article_id"]
    bare = without_canonical(html)
    assert extract(bare.encode("utf-8"), url=url)["article_id"] == article_id
    assert extract(bare.encode("utf-8"), url=f"https://apnews.com/article/{article_id.upper()}")["article_id"] \
        == article_id
    other = "0123456789abcdef0123456789abcdef"
    with pytest.raises(ExtractionError) as caught:
        extract(html.encode("utf-8"), url=f"https://apnews.com/article/some-slug-{other}")
    assert caught.value.code == "id_mismatch"


def test_page_in_no_known_layout_is_read_by_the_fallbacks():
    """An AP page whose layout matches neither generation: linked data gives headline and times, trafilatura
    the story; the record says which version read it."""
    paragraphs = [f"BOISE, Idaho (AP) — Paragraph {n} of a story in a layout nobody has seen, long enough to be "
                  f"read as text by any extractor that looks for sentences in a page." for n in range(6)]
    linked = {"@type": "NewsArticle", "headline": "A story in a new layout", "datePublished": "2025-02-03T04:05:06Z",
              "url": "https://apnews.com/article/new-layout-00112233445566778899aabbccddeeff"}
    html = ("<html><head><meta property='og:site_name' content='AP News'>"
            f"<script type='application/ld+json'>{json.dumps(linked)}</script></head><body>"
            "<nav><a href='/hub/us-news'>U.S.</a></nav><main><div class='StoryText2025'>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div></main><footer>AP</footer></body></html>")
    record = extract(html)
    assert (record["article_id"], record["headline"]) == ("00112233445566778899aabbccddeeff", linked["headline"])
    assert record["published_at"] == "2025-02-03T04:05:06+00:00"
    assert token_f1("\n".join(record["body_paragraphs"]), "\n".join(paragraphs)) >= 0.95


def test_brightspot_without_any_published_time_is_a_clear_failure():
    html = (GOLDEN / "brightspot2024_edited.html").read_text(encoding="utf-8")
    with pytest.raises(ExtractionError) as caught:
        extract(without_metas(without_linked_data(html)).encode("utf-8"))
    assert caught.value.code == "no_published_time"


def test_react_without_linked_data_or_metas_reads_the_state_script():
    html = (GOLDEN / "react2023_retopped.html").read_text(encoding="utf-8")
    expected = json.loads((GOLDEN / "react2023_retopped.json").read_text(encoding="utf-8"))
    record = extract(without_metas(without_linked_data(html)).encode("utf-8"))
    assert (record["published_at"], record["updated_at"]) == (expected["published_at"], expected["updated_at"])
    assert record["body_paragraphs"] == expected["body_paragraphs"]


def test_page_without_story_text_is_no_body():
    html = (GOLDEN / "brightspot2024_agency_byline.html").read_text(encoding="utf-8")
    tree = _tree(html)
    for paragraph in _story_box(tree).xpath("./p"):
        paragraph.drop_tree()
    for element in tree.xpath("//div[contains(@class,'Page-lead')] | //footer | //header"):
        element.drop_tree()
    with pytest.raises(ExtractionError) as caught:
        extract(_out(tree).encode("utf-8"))
    assert caught.value.code == "no_body"


# --- AP's conventions -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, dateline", [
    ("WASHINGTON (AP) — The Senate voted.", "WASHINGTON (AP)"),
    ("LA CROSSE, Wis. (AP) — After a summer.", "LA CROSSE, Wis. (AP)"),
    ("SÃO PAULO (AP) — Brazil's largest city.", "SÃO PAULO (AP)"),
    ("BOGOTÁ, Colombia (AP) -- Protesters", "BOGOTÁ, Colombia (AP)"),
    ("UNITED NATIONS (Associated Press) – The council", "UNITED NATIONS (Associated Press)"),
    ("Stocks rose on Wall Street (AP) — in early trading.", None),
    ("The Senate voted (AP) — ", None),
    ("“WASHINGTON (AP) — quoted", None),
    (None, None),
])
def test_dateline(text, dateline):
    assert parse_dateline(text) == dateline


def test_split_story_keeps_story_lines_that_look_like_trailers():
    story = ["WASHINGTON (AP) — Lawmakers met.", "Donors contributed more than $2 million to the effort.",
             "This story is far from over, she said, and it has changed the town."]
    assert split_story(story) == (story, [])
    tail = ["___", "Associated Press writer Jane Roe in Denver contributed to this report.", "___",
            "This story has been corrected to show the vote was 71-26.",
            "Follow AP’s coverage of Congress at https://apnews.com/hub/congress."]
    body, notes = split_story(story + tail)
    assert body == story and notes == ["This story has been corrected to show the vote was 71-26."]
    head = ["EDITOR’S NOTE — This story includes details of violence."]
    assert split_story(head + story) == (story, head)
    assert split_story(["___"] + story[:1] + ["___"] + story[1:]) == (story, [])


@pytest.mark.parametrize("line, trailer", [
    ("The Associated Press’ climate and environmental coverage receives financial support from private "
     "foundations. AP is solely responsible for all content.", True),
    ("Follow the AP’s coverage of the election at https://apnews.com/hub/election-2024.", True),
    ("More of AP’s coverage of the war: https://apnews.com/hub/russia-ukraine", True),
    ("Associated Press writers Jane Roe and John Doe contributed.", True),
    ("Jane Roe contributed reporting from Denver.", True),
    ("More than 300 people attended, the mayor said.", False),
    ("The AP tallied the votes on Tuesday night, finding a narrow lead.", False),
    ("Followers of the movement gathered at dawn.", False),
    ("Donors contributed more than $2 million to the effort.", False),
])
def test_trailer_lines(line, trailer):
    assert is_trailer(line) is trailer


def test_damaged_pages_give_a_record_or_a_clear_failure():
    """Pages cut short, with bytes flipped or markup dropped anywhere: a valid record or ExtractionError,
    never another exception (a bad page must not break a night)."""
    import random

    rng = random.Random(19)
    outcomes = collections.Counter()
    for page in GOLDEN_PAGES:
        data = page.read_bytes()
        for _ in range(12):
            cut = rng.randrange(len(data))
            damaged = [data[:cut], data[cut:], data[:cut] + data[cut + rng.randrange(1, 400):],
                       bytes(b ^ 0x20 if rng.random() < 0.01 else b for b in data)][rng.randrange(4)]
            try:
                record = extract(damaged)
                outcomes["record"] += 1
                assert record["source"] == "apnews" and record["body_paragraphs"]
            except ExtractionError as exc:
                outcomes[exc.code] += 1
    assert outcomes["record"] and sum(outcomes.values()) == 12 * len(GOLDEN_PAGES)
