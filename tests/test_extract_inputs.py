"""Inputs to extraction that must cost a field or a character, never the page (issue 18, rows 12 and 17):
invalid bytes in a page, implausible optional fields, text in scripts without spaces between words. Pages
here are written for these tests (the Yonhap ones are the project's own golden pages, spoiled)."""
from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.extract import ExtractionError, extract
from pipelines.extract_bench import f1_of, tp_fp_fn

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden" / "yonhap"
SEED = (GOLDEN / "lead_attn_byline.html").read_bytes()
EXPECTED = json.loads((GOLDEN / "lead_attn_byline.json").read_text(encoding="utf-8"))
URL = "https://en.yna.co.kr/view/AEN20230502004151320"
MOJIBAKE = re.compile("[\u00c2\u00c3\u00e2][\u0080-\u00bf\u20ac\u201a-\u201e\u2018-\u201d]")  # UTF-8 read as cp1252


def body(record: dict) -> str:
    return "\n".join(record["body_paragraphs"])


# --- invalid bytes --------------------------------------------------------------------------------------

def spoil_paragraphs(page: bytes, inserts: list[bytes]) -> bytes:
    """Put one byte string after each of the first len(inserts) spaces inside the story's second paragraph."""
    start = page.index(b"BUSAN, May 2 (Yonhap) --")
    end = page.index(b"</p>", start)
    text, spaces = page[start:end], [m.start() for m in re.finditer(rb" ", page[start:end])]
    for offset, insert in sorted(zip(spaces, inserts), reverse=True):
        text = text[:offset + 1] + insert + text[offset + 1:]
    return page[:start] + text + page[end:]


@pytest.mark.parametrize("declared", [True, False], ids=["utf8-declared", "undeclared"])
def test_a_utf8_page_with_four_stray_bytes_is_kept_with_replacement_characters_and_a_note(declared):
    page = SEED if declared else SEED.replace(b'<meta charset="utf-8">', b"")
    spoiled = spoil_paragraphs(page.replace(b"Busan opened", "Busan\u2019s mayor opened".encode()),
                               [b"\xff", b"\x80", b"\xfe", b"\xc3"])  # valid UTF-8 around them (a curly quote)
    record = extract(spoiled, url=URL)
    assert body(record).count("\ufffd") == 4 and "Busan\u2019s mayor" in body(record)
    assert record["extraction_notes"] == ["decode: 4 invalid utf-8 byte sequences replaced with U+FFFD"]
    assert record["headline"] == EXPECTED["headline"] and record["section"] == EXPECTED["section"]


def test_an_ascii_page_with_broken_sequences_is_never_read_in_a_legacy_code_page():
    cut = b"\xe2\x80"  # the first two bytes of a curly quote, the third lost
    spoiled = spoil_paragraphs(SEED, [cut] * 6)
    record = extract(spoiled, url=URL)
    assert not MOJIBAKE.search(body(record)), body(record)
    assert body(record).count("\ufffd") == 6
    assert record["extraction_notes"] == ["decode: 6 invalid utf-8 byte sequences replaced with U+FFFD"]


def test_a_page_in_another_charset_than_declared_is_read_in_it_and_noted():
    korean = "부산시는 항구에 정박한 여객선에 도서관을 열었다고 밝혔다. 시민들의 반응이 좋았다."
    page = SEED.decode("utf-8").replace("The vessel, retired", f"{korean} The vessel, retired")
    record = extract(page.encode("euc-kr"), url=URL)  # still <meta charset="utf-8">
    assert korean in body(record) and "\ufffd" not in body(record)
    (note,) = record["extraction_notes"]
    assert note.startswith("decode: ") and "declared utf-8; read as" in note


def test_a_mostly_undecodable_page_is_still_refused():
    garbage = bytes(range(0x80, 0x100)) * 4
    spoiled = spoil_paragraphs(SEED, [garbage] * 3)
    with pytest.raises(ExtractionError) as info:
        extract(spoiled, url=URL)
    assert info.value.code == "decode_error" and "invalid byte sequences" in info.value.reason


# --- implausible optional fields --------------------------------------------------------------------------

def with_meta(page: bytes, prop: str, value: str) -> bytes:
    return re.sub(rf'(property="{prop}" content=")[^"]*'.encode(), lambda m: m.group(1) + value.encode(), page)


def test_an_implausible_optional_field_is_dropped_and_noted_and_the_page_kept():
    keywords = ",".join(f"topic-{n}-and-more-words" for n in range(15))  # a keyword list, as real pages have
    spoiled = with_meta(with_meta(SEED, "article:section", keywords), "article:modified_time",
                        "9999-12-31T23:59:59+09:00")
    record = extract(spoiled, url=URL)
    assert record["section"] is None and record["updated_at"] == EXPECTED["published_at"]
    assert [n.split(":")[0] for n in record["extraction_notes"]] == ["dropped section", "dropped updated_at"]
    assert f"{len(keywords)} characters (at most 200)" in record["extraction_notes"][0]
    for name in ("headline", "byline", "dateline", "attn", "body_paragraphs", "captions"):
        assert record[name] == EXPECTED[name], name


def test_a_control_byte_after_a_line_break_costs_nothing():
    """lxml refuses control characters in text it is given: the parser's <br> handling must not pass them on."""
    record = extract(SEED.replace(b"<br/>By Han Do-yun", b"<br/>\x0bBy Han Do-yun"), url=URL)
    assert record["byline"] == EXPECTED["byline"] and record["body_paragraphs"] == EXPECTED["body_paragraphs"]


FERRY = (b'<html><head><title>Ferry library opens</title>'
         b'<meta property="article:published_time" content="2023-05-02T10:41:07+09:00"></head><body><article>'
         b"<h1>Ferry library opens</h1><p>A converted ferry now lends books to commuters crossing the harbor every "
         b"morning, officials said on Tuesday.</p><p>The vessel was refitted with reading rooms and a corner for "
         b"children over the winter.</p><p>Books can be returned at any of the six piers on the way home, the "
         b"operator said.</p></article></body></html>")


def test_an_overlong_byline_and_a_section_with_a_line_break_are_dropped_on_the_generic_path():
    page = FERRY.replace(b"<title>", b'<meta name="author" content="Reporter ' + b"Longname" * 80 + b'">'
                         b'<meta property="article:section" content="News&#10;var s = 1;"><title>')
    record = extract(page, url="https://news.example.com/ferry-library")
    assert record["byline"] is None and record["section"] is None and len(record["body_paragraphs"]) == 3
    notes = record["extraction_notes"]
    assert sorted(n.split(":")[0] for n in notes) == ["dropped byline", "dropped section"], notes
    assert "control characters or line breaks" in " ".join(notes)


@pytest.mark.parametrize("spoil, code", [
    (lambda p: p.replace(b"Harbor city opens", b"Harbor city opens" + b" again" * 250), "field_too_long"),
    (lambda p: with_meta(p, "article:published_time", "0001-01-01T00:00:00+09:00"), "implausible_time"),
    (lambda p: with_meta(p, "yna:content_id", "AEN" + "7" * 300), "bad_article_id"),
], ids=["headline", "published_at", "article_id"])
def test_required_fields_still_refuse_the_page(spoil, code):
    with pytest.raises(ExtractionError) as info:
        extract(spoil(SEED))
    assert info.value.code == code


# --- text without spaces between words ----------------------------------------------------------------------

def generic_page(lang: str, title: str, paragraphs: list[str], chrome: str = "") -> bytes:
    story = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} | 市民新聞</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="市民新聞">
<meta property="article:published_time" content="2023-05-10T09:30:00+09:00">
<link rel="canonical" href="https://news.example.jp/articles/20230510-{lang}"></head>
<body><header><nav><a href="/">ホーム</a> <a href="/news">ニュース</a></nav></header>
<article><h1>{title}</h1>{story}</article>{chrome}</body></html>""".encode()


JAPANESE = generic_page("ja", "市立図書館、夜間の開館時間を延長へ", [
    "市立中央図書館は十日、来月から平日の開館時間を午後九時まで延長すると発表した。仕事帰りの利用者から要望が多かったという。",
    "同館によると、昨年度の来館者は約二十万人で、夕方以降の利用が全体の三割を占めた。延長に合わせて学習室の座席も増やす。",
    "館長は「Twitterやメールで寄せられた声を受けて決めた。多くの人に足を運んでほしい」と話している。",
], chrome="<footer><a href='#'>シェア</a> <a href='#'>Twitter</a> <a href='#'>LINE</a></footer>")
CHINESE = generic_page("zh", "市图书馆将延长夜间开放时间", [
    "市中央图书馆十日宣布，从下个月起工作日开放时间将延长至晚上九点，以方便下班后的读者。",
    "据馆方介绍，去年到馆人数约二十万人次，傍晚以后的使用占三成左右，届时还将增加自习室座位。",
])
KOREAN = generic_page("ko", "시립도서관 평일 야간 개관 연장", [
    "시립중앙도서관은 평일 개관시간을 오후아홉시까지 늘리기로 했다.",
    "퇴근길 이용자들의 요청이 많았다고 도서관 측은 설명했다.",
])


@pytest.mark.parametrize("page, words", [(JAPANESE, "午後九時まで延長"), (CHINESE, "延长至晚上九点"),
                                         (KOREAN, "오후아홉시까지")], ids=["ja", "zh", "ko"])
def test_text_without_spaces_between_words_is_story_text_not_chrome(page, words):
    record = extract(page, url="https://news.example.jp/articles/x")
    assert words in body(record) and record["extraction_notes"] == []
    assert "Twitter" not in record["headline"]


def test_a_japanese_page_of_share_buttons_only_is_still_no_body():
    page = generic_page("ja", "共有", ["シェア", "Facebook Twitter", "LINEで送る", "SHARE"])
    with pytest.raises(ExtractionError) as info:
        extract(page, url="https://news.example.jp/articles/y")
    assert info.value.code == "no_body"


# --- the benchmark command ----------------------------------------------------------------------------------

def test_benchmark_f1_is_the_benchmarks_own_shingle_f1():
    """evaluate.py of the benchmark: 4-token shingles, normalised per page, F1 of the mean precision and recall."""
    words = " ".join(f"w{i}" for i in range(20))
    assert tp_fp_fn(words, words) == (1.0, 0.0, 0.0)
    assert tp_fp_fn(words, "") == (0.0, 0.0, 1.0)
    tp, fp, fn = tp_fp_fn(words, words + " extra1 extra2")  # 17 shingles right, 2 extra
    assert (round(tp, 4), round(fp, 4), fn) == (round(17 / 19, 4), round(2 / 19, 4), 0.0)
    f1, precision, recall = f1_of([(1.0, 0.0, 0.0), (0.0, 0.0, 1.0)])  # a refused page: no precision, recall 0
    assert (precision, recall) == (1.0, 0.5) and abs(f1 - 2 / 3) < 1e-9


def run_bench(*args, env=None):
    return subprocess.run([sys.executable, "-m", "pipelines.extract_bench", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120, env=env)


def test_bench_extract_prints_both_figures_and_refusals_on_a_benchmark_folder(tmp_path):
    (tmp_path / "html").mkdir()
    pages = {"ferry": (FERRY, "A converted ferry now lends books to commuters crossing the harbor every morning, "
                              "officials said on Tuesday.\n\nThe vessel was refitted with reading rooms."),
             "broken": (b"<html><body><p>no title</p></body></html>", "Some text that is not there.")}
    for key, (page, _) in pages.items():
        (tmp_path / "html" / f"{key}.html.gz").write_bytes(gzip.compress(page))
    (tmp_path / "ground-truth.json").write_text(json.dumps(
        {key: {"articleBody": text, "url": f"https://news.example.jp/{key}"} for key, (_, text) in pages.items()}))
    done = run_bench("--dir", str(tmp_path), "--min-f1", "0.99")  # one page of two refused: below, exit 1
    assert done.returncode == 1 and "is below 0.990" in done.stderr, done.stdout + done.stderr
    assert re.search(r"wiredesk generic path\s+0\.\d{3}", done.stdout) and "plain trafilatura.extract" in done.stdout
    assert "refused: 1" in done.stdout and "broken" in done.stdout and "no_headline" in done.stdout


def test_bench_extract_without_the_benchmark_says_where_to_get_it(tmp_path):
    done = run_bench("--dir", str(tmp_path / "absent"))
    assert done.returncode == 2 and done.stdout == ""
    assert "article-extraction-benchmark" in done.stderr and "WIREDESK_EXTRACT_BENCH_DIR" in done.stderr
    assert "Traceback" not in done.stderr
