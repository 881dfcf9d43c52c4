"""Property tests: extract() on random or mangled input only ever returns a record or
raises ExtractionError; the label/ATTN/id/dateline parsers never raise at all."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.extract import ExtractionError, extract
from pipelines.labels import (
    parse_attn,
    parse_dateline,
    parse_reuters_slug_markers,
    parse_yonhap_id,
    revision_no,
    split_headline,
    split_wire_headline,
)
from pipelines.publishers import RECORD_KEYS

GOLDEN_PAGE = Path(__file__).resolve().parent / "golden" / "yonhap" / "lead_attn_byline.html"
SEED_PAGE = GOLDEN_PAGE.read_bytes()
# WIREDESK_FUZZ_EXAMPLES=5000 for a long run; no example database, so no .hypothesis/ folder.
FUZZ = settings(max_examples=int(os.environ.get("WIREDESK_FUZZ_EXAMPLES", "150")), deadline=None,
                database=None, suppress_health_check=[HealthCheck.too_slow])


def check_extract(data, url=None) -> None:
    try:
        record = extract(data, url=url)
    except ExtractionError as exc:
        assert exc.code and exc.reason.startswith(exc.code)
        return
    assert tuple(record) == RECORD_KEYS
    assert record["headline"] and record["body_paragraphs"]
    assert all(isinstance(p, str) and p for p in record["body_paragraphs"])
    json.dumps(record)


# --- parsers on arbitrary text -------------------------------------------------------------

@FUZZ
@given(st.one_of(st.none(), st.text(max_size=300), st.integers(), st.binary(max_size=50)))
def test_label_parsers_never_raise(value):
    label, headline = split_headline(value)
    assert label is None or isinstance(label, str)
    assert isinstance(headline, str)
    marker, rest = split_wire_headline(value)
    assert isinstance(rest, str)
    assert revision_no(value) >= 0 and revision_no(label) >= 0 and revision_no(marker) >= 0
    assert parse_attn(value) is None or isinstance(parse_attn(value), str)
    assert parse_yonhap_id(value) is None or isinstance(parse_yonhap_id(value), dict)
    assert parse_dateline(value) is None or isinstance(parse_dateline(value), str)
    assert isinstance(parse_reuters_slug_markers(value), list)


_LABELISH = st.sampled_from(["(URGENT)", "(LEAD)", "(2nd LD)", "(13th LD, CORRECTED)", "(News Focus)", "(ATTN:",
                             "(", ")", "AEN2023", "0419", "(Yonhap) --", "SEOUL, ", "UPDATE 1-", "CORRECTED-",
                             "1st Ld-Writethru", " ", "\n"])


@FUZZ
@given(st.lists(st.one_of(_LABELISH, st.text(max_size=8)), max_size=30).map("".join))
def test_label_parsers_on_near_miss_text(text):
    test_label_parsers_never_raise.hypothesis.inner_test(text)
    label, headline = split_headline(text)
    if label is None:
        assert headline == text.strip()


@FUZZ
@given(st.text(alphabet="AEN0123456789 x", min_size=0, max_size=25))
def test_yonhap_id_only_valid_dates(text):
    parts = parse_yonhap_id(text)
    if parts is not None:
        assert len(parts["serial"]) == 4 and len(parts["code"]) == 3


# --- extract() on arbitrary and mutated pages ------------------------------------------------

@FUZZ
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000)))
def test_extract_random_input(data):
    check_extract(data)


_TAGS = st.sampled_from(["p", "div", "article", "header", "h1", "br", "span", "a", "figure", "figcaption",
                         "script", "meta", "link", "html", "body", "table", "td"])
_ATTRS = st.sampled_from(['', ' class="story-news"', ' class="title-article01"', ' class="tit"',
                          ' class="comp-box photo-group"', ' class="txt-desc"', ' class="related-group"',
                          ' property="yna:content_id" content="AEN20230419003851320"',
                          ' property="article:published_time" content="2023-04-19T14:53:59+09:00"',
                          ' property="article:published_time" content="yesterday"',
                          ' rel="canonical" href="https://en.yna.co.kr/view/AEN20230419003851320"',
                          ' rel="canonical" href="//[::1"', ' href="javascript:void(0)"'])
_TEXT = st.sampled_from(["(LEAD) Headline", "(ATTN: ADDS photo)", "By Kim Min-ji", "SEOUL, April 19 (Yonhap) -- x",
                         "a@yna.co.kr", "(END)", "(MORE)", "&nbsp;", "&#0;", "\x00", "\ufffd", "é", "<", ">", "&", ""])


@st.composite
def tag_soup(draw) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.integers(0, 3))
        tag = draw(_TAGS)
        if kind == 0:
            parts.append(f"<{tag}{draw(_ATTRS)}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        else:
            parts.append(draw(st.one_of(_TEXT, st.text(max_size=20))))
    return "".join(parts)


@FUZZ
@given(tag_soup(), st.sampled_from([None, "https://en.yna.co.kr/view/AEN20230419003851320",
                                    "http://127.0.0.1:8765/x", "not a url", "http://[::1"]))
def test_extract_tag_soup(html, url):
    check_extract(html, url)


@FUZZ
@given(st.data())
def test_extract_mutated_golden_page(data):
    """Cut, duplicate, flip and insert bytes in a real-layout page."""
    page = bytearray(SEED_PAGE)
    for _ in range(data.draw(st.integers(1, 8))):
        op = data.draw(st.sampled_from(["cut", "dup", "flip", "insert", "truncate"]))
        if not page:
            break
        i = data.draw(st.integers(0, len(page) - 1))
        j = data.draw(st.integers(i, min(len(page), i + 400)))
        if op == "cut":
            del page[i:j]
        elif op == "dup":
            page[i:i] = page[i:j]
        elif op == "flip":
            page[i] = data.draw(st.integers(0, 255))
        elif op == "insert":
            page[i:i] = data.draw(st.binary(max_size=30))
        else:
            del page[j:]
    check_extract(bytes(page), data.draw(st.sampled_from([None, "https://en.yna.co.kr/view/x"])))


@pytest.mark.parametrize("data, code", [
    (b"", "not_html"),
    ("", "not_html"),
    (b"\x1f\x8b\x08\x00rest", "not_html"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_html"),
    (b"just some words, no markup at all", "not_html"),
    (b"<html><body><p>no title, little text</p></body></html>", "no_headline"),
    (b"<html><head><title>A title</title></head><body></body></html>", "no_body"),
    (b"<html>" + bytes(range(0x80, 0x100)) * 20 + b"</html>", "decode_error"),
    (None, "not_html"),
    (12345, "not_html"),
])
def test_extract_rejects_with_stable_codes(data, code):
    with pytest.raises(ExtractionError) as info:
        extract(data)
    assert info.value.code == code


def test_extract_too_large():
    with pytest.raises(ExtractionError) as info:
        extract(b"<html>" + b" " * (9 * 1024 * 1024))
    assert info.value.code == "too_large"


def test_deeply_nested_page():
    page = "<html><body>" + "<div>" * 50_000 + "<p>deep</p>" + "</div>" * 50_000 + "</body></html>"
    check_extract(page)


def test_yonhap_layout_without_article_is_unknown_layout():
    html = ('<html><head><meta property="yna:content_id" content="AEN20230419003851320"></head>'
            "<body><div class='new-layout'><p>text</p></div></body></html>")
    with pytest.raises(ExtractionError) as info:
        extract(html)
    assert info.value.code == "unknown_layout"


def test_charset_declared_and_undeclared():
    page = SEED_PAGE.decode("utf-8")
    latin = page.replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">').replace(
        "Commuters browse", "Commut\u00e9rs browse").encode("latin-1", "replace")
    assert "Commut\u00e9rs browse" in extract(latin)["captions"][0]
    broken = page.replace('<meta charset="utf-8">', '<meta charset="no-such-charset">').encode("utf-8")
    assert extract(broken)["headline"] == extract(SEED_PAGE)["headline"]
    invalid_utf8 = page.encode("utf-8").replace(b"Commuters browse", b"Commut\xe9rs browse")
    assert "Commut\ufffdrs browse" in extract(invalid_utf8)["captions"][0]
