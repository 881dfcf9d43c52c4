"""Golden tests for the Yonhap parser.

1. The project's own pages (tests/golden/yonhap/<name>.html, invented stories in the 2023
   layout) must give exactly <name>.json.
2. The 15 real pages in ../shared/wiredata/yonhap (not part of the repo; skipped when the
   folder is absent) must match their meta.json and gold paragraphs.
"""
from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

import pytest

from pipelines.extract import extract
from pipelines.labels import split_headline

GOLDEN = Path(__file__).resolve().parent / "golden" / "yonhap"
SHARED = Path(os.environ.get("WIREDESK_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared" / "wiredata")
YONHAP = SHARED / "yonhap"

# Entries of meta.json "photo_captions" that come from a video box (its title and its
# URL), not from a photo: the record's captions are photo captions only.
VIDEO_CAPTION_ENTRIES = {"AEN20230419000952325": 2}


# --- the project's own golden pairs ------------------------------------------------------

GOLDEN_PAGES = sorted(GOLDEN.glob("*.html"))


def test_golden_pairs_exist():
    names = {p.stem for p in GOLDEN_PAGES}
    assert {"lead_attn_byline", "urgent_oneliner", "original_news_focus", "second_ld_edited"} <= names
    for page in GOLDEN_PAGES:
        assert page.with_suffix(".json").is_file(), page
        assert page.stat().st_size < 15_000, page


@pytest.mark.parametrize("page", GOLDEN_PAGES, ids=lambda p: p.stem)
def test_golden_page(page):
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    assert extract(page.read_bytes()) == expected


@pytest.mark.parametrize("page", GOLDEN_PAGES, ids=lambda p: p.stem)
def test_golden_page_on_replay_host(page):
    """The replay site serves these pages from 127.0.0.1: same record, canonical URL kept."""
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    record = extract(page.read_text(encoding="utf-8"), url=f"http://127.0.0.1:8765/view/{expected['article_id']}")
    assert record == expected


def test_unseen_article_variant_falls_back_to_trafilatura():
    """Story paragraphs in <div>s instead of direct <p>s: trafilatura supplies the text,
    the ATTN/byline and trailer rules still apply."""
    page = (GOLDEN / "second_ld_edited.html").read_text(encoding="utf-8")
    expected = json.loads((GOLDEN / "second_ld_edited.json").read_text(encoding="utf-8"))
    start, end = page.index('<article class="story-news">'), page.index("</article>")
    article = re.sub(r"<p>(.*?)</p>", r'<div class="para">\1</div>', page[start:end], flags=re.S)
    record = extract(page[:start] + article + page[end:])
    assert record["body_paragraphs"] == expected["body_paragraphs"]
    assert record["attn"] == expected["attn"] and record["dateline"] == expected["dateline"]


# --- the real pages ------------------------------------------------------------------------

def _real_ids() -> list[str]:
    folder = YONHAP / "pages"
    return sorted(p.name[: -len(".html.gz")] for p in folder.glob("*.html.gz")) if folder.is_dir() else []


REAL_IDS = _real_ids()


@pytest.fixture(scope="module")
def meta() -> dict[str, dict]:
    return {item["cid"]: item for item in json.loads((YONHAP / "meta.json").read_text(encoding="utf-8"))}


def _record(cid: str) -> dict:
    with gzip.open(YONHAP / "pages" / f"{cid}.html.gz") as fh:
        return extract(fh.read(), url=f"https://en.yna.co.kr/view/{cid}")


def gold_body(cid: str) -> list[str]:
    """Gold paragraphs (blank-line separated, <br> as newline) between the ATTN/byline
    paragraph and the reporter e-mail; trailing "(END)"/"(MORE)" marker lines dropped."""
    paragraphs = (YONHAP / "gold" / f"{cid}.txt").read_text(encoding="utf-8").strip("\n").split("\n\n")
    if paragraphs and re.match(r"\(ATTN:|By [A-Z]", paragraphs[0]):
        paragraphs = paragraphs[1:]
    lines = paragraphs[-1].split("\n")
    while lines and re.fullmatch(r"\((?:END|MORE)\)|\S+@yna\.co\.kr", lines[-1]):
        lines.pop()
    return paragraphs[:-1] + (["\n".join(lines)] if lines else [])


def test_real_pages_present():
    if not YONHAP.is_dir():
        pytest.skip(f"shared test data absent: {YONHAP}")
    assert len(REAL_IDS) == 15


@pytest.mark.skipif(not REAL_IDS, reason=f"shared test data absent: {YONHAP}")
@pytest.mark.parametrize("cid", REAL_IDS)
def test_real_page(cid, meta):
    record, item = _record(cid), meta[cid]
    assert record["source"] == "yonhap"
    assert record["article_id"] == cid
    assert record["url"] == f"https://en.yna.co.kr/view/{cid}"
    assert record["title_raw"] == item["title"]
    assert record["headline"] == split_headline(item["title"])[1]
    assert record["revision_label"] == (item["headline_label"] or None)
    assert record["attn"] == (item["attn"][len("(ATTN: "):-1] if item["attn"] else None)
    assert record["section"] == item["section"]
    assert record["published_at"] == item["published_time"]
    assert record["updated_at"] == item["modified_time"]
    assert record["body_paragraphs"] == gold_body(cid)
    assert len(record["body_paragraphs"]) == item["n_body_paras"] - _head_paragraphs(cid)
    photo = item["photo_captions"][: len(item["photo_captions"]) - VIDEO_CAPTION_ENTRIES.get(cid, 0)]
    assert record["captions"] == photo
    assert [link["title"] for link in record["related"]] == item["related_articles_in_article"]
    assert all(link["url"].startswith("https://en.yna.co.kr/view/AEN") for link in record["related"])
    json.dumps(record)  # serialisable as is


def _head_paragraphs(cid: str) -> int:
    """meta's n_body_paras counts every p of the article including ATTN/byline and trailer."""
    text = (YONHAP / "gold" / f"{cid}.txt").read_text(encoding="utf-8").strip("\n")
    paragraphs = text.split("\n\n")
    head = 1 if re.match(r"\(ATTN:|By [A-Z]", paragraphs[0]) else 0
    trailer_alone = 1 if re.fullmatch(r"\S+@yna\.co\.kr\n\((?:END|MORE)\)", paragraphs[-1]) else 0
    return head + trailer_alone


@pytest.mark.skipif(not REAL_IDS, reason=f"shared test data absent: {YONHAP}")
def test_real_bylines_and_datelines():
    bylines = {cid: _record(cid)["byline"] for cid in REAL_IDS}
    assert bylines["AEN20230419003851320"] == "Kang Yoon-seung"  # shares a <p> with the ATTN note
    assert bylines["AEN20230419004700315"] == "Yoo Jee-ho"
    assert bylines["AEN20230419000952325"] is None  # ATTN only
    # The second KOSPI list continues the first: no dateline of its own.
    assert _record("AEN20230419006200320")["dateline"] is None
    assert _record("AEN20230419006100320")["dateline"] == "SEOUL, April 19 (Yonhap)"


@pytest.mark.skipif(not REAL_IDS, reason=f"shared test data absent: {YONHAP}")
def test_real_revision_pair_and_in_place_edit():
    original, lead = _record("AEN20230419003800320"), _record("AEN20230419003851320")
    assert (original["revision_no"], lead["revision_no"]) == (0, 1)
    assert original["headline"] == lead["headline"]
    assert lead["body_paragraphs"][: len(original["body_paragraphs"])] == original["body_paragraphs"]
    edited = _record("AEN20230419000952325")
    assert edited["revision_no"] == 2 and edited["updated_at"] > edited["published_at"]


@pytest.mark.skipif(not REAL_IDS, reason=f"shared test data absent: {YONHAP}")
def test_real_page_detected_by_markers_alone():
    """No URL, or the replay site's loopback URL: the page's markers pick the parser."""
    cid = "AEN20230419002000320"
    with gzip.open(YONHAP / "pages" / f"{cid}.html.gz") as fh:
        data = fh.read()
    for url in (None, "http://127.0.0.1:8765/view/" + cid):
        record = extract(data, url=url)
        assert record["source"] == "yonhap" and record["url"] == f"https://en.yna.co.kr/view/{cid}"
