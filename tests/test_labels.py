"""Label, ATTN, id and dateline parsers: fixed cases, then the real Yonhap titles and the
real Reuters/AP feed items from ../shared/wiredata (skipped where that folder is absent)."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest

from pipelines.labels import (
    parse_attn,
    parse_dateline,
    parse_reuters_slug_markers,
    parse_yonhap_id,
    revision_no,
    split_headline,
    split_wire_headline,
)

SHARED = Path(os.environ.get("WIREDESK_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared" / "wiredata")


@pytest.mark.parametrize("title, label, headline", [
    ("(URGENT) Rates on hold", "URGENT", "Rates on hold"),
    ("(LEAD) Rates on hold", "LEAD", "Rates on hold"),
    ("(2nd LD) Rates on hold", "2nd LD", "Rates on hold"),
    ("(3rd LD) Rates on hold", "3rd LD", "Rates on hold"),
    ("(10th LD) Rates on hold", "10th LD", "Rates on hold"),
    ("(2ND LD) Rates on hold", "2nd LD", "Rates on hold"),
    ("(2nd LD, CORRECTED) Rates on hold", "2nd LD", "Rates on hold"),
    ("(LEAD)(URGENT) Rates on hold", "LEAD", "Rates on hold"),
    ("(URGENT) (LEAD) Rates on hold", "LEAD", "Rates on hold"),
    ("Rates on hold", None, "Rates on hold"),
    ("  Rates on hold ", None, "Rates on hold"),
    ("(News Focus) Rates on hold", None, "(News Focus) Rates on hold"),
    ("(Yonhap Interview) Minister on rates", None, "(Yonhap Interview) Minister on rates"),
    ("(EDITORIAL from Korea Times on April 19) Rates", None, "(EDITORIAL from Korea Times on April 19) Rates"),
    ("(LEAD)(News Focus) Rates on hold", "LEAD", "(News Focus) Rates on hold"),
    ("(LEADER) Rates", None, "(LEADER) Rates"),
    ("(LEAD story) Rates", None, "(LEAD story) Rates"),
    ("Rates on hold (LEAD)", None, "Rates on hold (LEAD)"),
])
def test_split_headline(title, label, headline):
    assert split_headline(title) == (label, headline)


@pytest.mark.parametrize("label, number", [
    (None, 0), ("URGENT", 0), ("LEAD", 1), ("2nd LD", 2), ("3rd LD", 3), ("5th LD", 5), ("21st LD", 21),
    ("UPDATE 3", 3), ("CORRECTED, UPDATE 1", 1), ("CORRECTED", 0), ("3rd Ld-Writethru", 3),
    ("1stLd-Writethru", 1), ("nonsense", 0), ("", 0),
])
def test_revision_no(label, number):
    assert revision_no(label) == number


@pytest.mark.parametrize("title, marker, headline", [
    ("UPDATE 1-Gold rises", "UPDATE 1", "Gold rises"),
    ("CORRECTED-UPDATE 2-Gold rises", "CORRECTED, UPDATE 2", "Gold rises"),
    ("CORRECTED-S. Illinois battles flooding", "CORRECTED", "S. Illinois battles flooding"),
    ("REFILE-Gold rises", "REFILE", "Gold rises"),
    ("PRECIOUS-Gold rises", None, "PRECIOUS-Gold rises"),  # a topic slug, not a marker
    ("Giant Lobster Death, 1st Ld-Writethru", "1st Ld-Writethru", "Giant Lobster Death"),
    ("Mexico's economy grew 1.1%", None, "Mexico's economy grew 1.1%"),
    ("UPDATE 1-", None, "UPDATE 1-"),  # nothing after the marker: leave it alone
])
def test_split_wire_headline(title, marker, headline):
    assert split_wire_headline(title) == (marker, headline)


def test_reuters_slug_markers():
    assert parse_reuters_slug_markers("USA-WEATHER/ (UPDATE 1, PIX, CORRECTED)") == ["UPDATE 1", "PIX", "CORRECTED"]
    assert parse_reuters_slug_markers("US-SYRIA-CRISIS-ASSAD") == []


@pytest.mark.parametrize("text, note", [
    ("(ATTN: UPDATES with quotes in last 2 paras; ADDS photo)", "UPDATES with quotes in last 2 paras; ADDS photo"),
    ("(ATTN: ADDS photo)\nBy Kim Min-ji", "ADDS photo"),
    ("(ATTN: ADDS details in paras 2, 5 (new), photo; RECASTS lead)", "ADDS details in paras 2, 5 (new), photo; RECASTS lead"),
    ("(ATTN:  CHANGES   headline )", "CHANGES headline"),
    ("(ATTN: unclosed note\nBy Kim", "unclosed note"),
    ("(ATTN: )", None),
    ("By Kim Min-ji", None),
    ("", None),
    (None, None),
])
def test_parse_attn(text, note):
    assert parse_attn(text) == note


def test_parse_yonhap_id():
    assert parse_yonhap_id("AEN20230419003851320") == {
        "date": dt.date(2023, 4, 19), "serial": "0038", "version_digits": "51", "code": "320"}
    assert parse_yonhap_id(" AEN20230419000952325 ")["version_digits"] == "52"


@pytest.mark.parametrize("odd", [
    None, "", "AEN", "AEN2023041900385132", "AEN202304190038513200", "AEN20230231003851320",
    "AKR20230419003851320", "aen20230419003851320", "AEN2023041900385132x", 20230419, b"AEN20230419003851320",
    "https://en.yna.co.kr/view/AEN20230419003851320",
])
def test_parse_yonhap_id_rejects(odd):
    assert parse_yonhap_id(odd) is None


@pytest.mark.parametrize("paragraph, dateline", [
    ("SEOUL, April 19 (Yonhap) -- South Korea said", "SEOUL, April 19 (Yonhap)"),
    (" SEOUL, April 19 (Yonhap) -- Wednesday's closing prices (KRW) of\nKOSPI", "SEOUL, April 19 (Yonhap)"),
    ("HWASEONG, South Korea, April 19 (Yonhap) -- A fire", "HWASEONG, South Korea, April 19 (Yonhap)"),
    ("SEOUL, Sept. 5 (Yonhap) -- x", "SEOUL, Sept. 5 (Yonhap)"),
    ("NEW YORK, April 18 (Yonhap) -- x", "NEW YORK, April 18 (Yonhap)"),
    ("MEXICO CITY (AP) — Mexico's economy", "MEXICO CITY (AP)"),
    ("LONDON, May 16 (Reuters) - Nepal said", "LONDON, May 16 (Reuters)"),
    ("Asiana Airlines 13,310 UP 70", None),
    ("By Kang Yoon-seung", None),
    ("South Korea said on Wednesday (Yonhap) -- x", None),
    ("", None),
    (None, None),
])
def test_parse_dateline(paragraph, dateline):
    assert parse_dateline(paragraph) == dateline


# --- real titles and feed items -----------------------------------------------------------

def _yonhap_meta() -> list[dict]:
    path = SHARED / "yonhap" / "meta.json"
    if not path.is_file():
        pytest.skip(f"shared test data absent: {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def test_real_yonhap_titles_and_ids():
    for item in _yonhap_meta():
        label, headline = split_headline(item["title"])
        assert label == (item["headline_label"] or None), item["cid"]
        assert headline and not headline.startswith(("(LEAD)", "(URGENT)")), item["cid"]
        parts = parse_yonhap_id(item["cid"])
        assert parts is not None, item["cid"]
        assert (parts["date"].strftime("%Y%m%d"), parts["serial"], parts["version_digits"], parts["code"]) == (
            item["date"], item["serial"], item["version_digits"], item["trailing_code"])
        if item["attn"]:
            assert parse_attn(item["attn"]) == item["attn"][len("(ATTN: "):-1].strip()
        else:
            assert parse_attn(item["attn"]) is None


def test_real_related_titles_keep_or_split_labels():
    titles = [t for item in _yonhap_meta() for t in item["related_articles_in_article"]]
    labelled = [t for t in titles if re.match(r"\((LEAD|\d+(st|nd|rd|th) LD|URGENT)\)", t)]
    assert labelled, "expected some labelled related titles in the sample"
    for title in labelled:
        assert split_headline(title)[0] is not None, title
    for title in titles:
        if title.startswith("(Yonhap Interview)"):
            assert split_headline(title) == (None, title)


# Expected writethru number per AP item, read by eye from the files' keyword lines.
AP_WRITETHRU = {"anpa-2.tst": 1, "ap.xml": 1, "ap_anpa-1.tst": 1, "ap_anpa-3.tst": 1, "ap_anpa-4.tst": 3}


def test_real_ap_writethru_markers():
    folder = SHARED / "wire-items"
    if not folder.is_dir():
        pytest.skip(f"shared test data absent: {folder}")
    for name, number in AP_WRITETHRU.items():
        text = (folder / name).read_text(encoding="latin-1")
        lines = [line for line in text.splitlines() if "Ld-Writethru" in line]
        assert lines, name
        for line in lines:
            assert revision_no(line) == number, (name, line)


def test_real_reuters_markers():
    folder = SHARED / "wire-items"
    if not folder.is_dir():
        pytest.skip(f"shared test data absent: {folder}")
    texts = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in folder.glob("tag_reuters.com*")}
    corrected = [re.search(r"<(?:ns0:)?headline>([^<]*)", t).group(1) for t in texts.values() if "CORRECTED-" in t]
    assert corrected
    for headline in corrected:
        marker, rest = split_wire_headline(headline)
        assert marker == "CORRECTED" and not rest.startswith("CORRECTED"), headline
    slugs = [m.group(1) for t in texts.values() for m in re.finditer(r"<(?:ns0:)?slugline[^>]*>([^<]*)", t)]
    with_update = [s for s in slugs if "UPDATE" in s]
    assert with_update
    for slug in with_update:
        markers = parse_reuters_slug_markers(slug)
        assert "UPDATE 1" in markers and revision_no(", ".join(markers)) == 1, slug
