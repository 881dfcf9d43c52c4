"""The generic (non-Yonhap) path on other publishers' saved pages with fundus' expected
output (../shared/wiredata/generic; skipped where absent): the title matches and the
body is no worse than plain trafilatura.extract() on the same page."""
from __future__ import annotations

import collections
import gzip
import json
import os
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
import trafilatura

from pipelines.extract import ExtractionError, extract

SHARED = Path(os.environ.get("WIREDESK_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared" / "wiredata")
GENERIC = SHARED / "generic"
F1_MARGIN = 0.02

# Pages where fundus' title is not the headline the page shows: fundus reads <title>,
# which on these pages is an older wording than the h1/og:title the generic path uses.
TITLE_DIFFERS = {
    ("TheIndependent", "V1"): "fundus title is <title>; og:title/h1 carry a reworded headline",
    ("APNews", "V1_1"): "fundus title is <title>; h1/og:title say 'an intense sprint'",
}
# Pages whose article text is only in a script state blob: no HTML text to extract.
NO_HTML_BODY = {("HankookIlbo", "V2"): "body only in a Next.js JSON blob; plain trafilatura finds nothing too"}


def _cases() -> list[tuple[str, str, Path, dict, str | None]]:
    """(publisher, version, page, expected, url). Fundus pairs the versions in order with
    the pages sorted by date (<Publisher>_<YYYY_MM_DD>.html.gz)."""
    cases = []
    for expected_file in sorted(GENERIC.glob("*/*.json")) if GENERIC.is_dir() else []:
        publisher, folder = expected_file.stem, expected_file.parent
        info = json.loads((folder / "meta.info").read_text(encoding="utf-8"))
        pages = sorted(folder.glob(f"{publisher}_*.html.gz"))
        versions = sorted(json.loads(expected_file.read_text(encoding="utf-8")).items())
        if len(pages) > len(versions):  # a page saved beside them for other uses (APNews_2023_03_29)
            pages = _pages_nearest_in_date(versions, pages)
        for (version, expected), page in zip(versions, pages):
            cases.append((publisher, version, page, expected, info.get(page.name, {}).get("url")))
    return cases


def _page_day(page: Path) -> date:
    return datetime.strptime(page.name.split("_", 1)[1][:10], "%Y_%m_%d").date()


def _pages_nearest_in_date(versions: list, pages: list[Path]) -> list[Path]:
    """For each expected version, in order, the unused page whose file date is nearest its publishing date."""
    chosen, left = [], list(pages)
    for _version, expected in versions:
        day = datetime.fromisoformat(expected["publishing_date"]).date()
        best = min(left, key=lambda page: abs((_page_day(page) - day).days))
        chosen.append(best)
        left.remove(best)
    return chosen


CASES = _cases()
pytestmark = pytest.mark.skipif(not CASES, reason=f"shared test data absent: {GENERIC}")


def tokens(text: str) -> collections.Counter:
    return collections.Counter(re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower()))


def token_f1(candidate: str, reference: str) -> float:
    got, want = tokens(candidate), tokens(reference)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def expected_body(expected: dict) -> str:
    body = expected.get("body", {})
    parts = list(body.get("summary", []))
    for section in body.get("sections", []):
        parts += section.get("headline", []) + section.get("paragraphs", [])
    return "\n".join(parts)


def normalised_title(title: str) -> str:
    """Whitespace and quote marks aside (fundus drops some quotes from Korean titles)."""
    title = unicodedata.normalize("NFKC", title)
    title = re.sub(r"[\"'‘’“”]", "", title)
    return re.sub(r"\s+", " ", title).strip()


def _id(case) -> str:
    return f"{case[0]}-{case[1]}"


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_generic_page(case):
    publisher, version, page, expected, url = case
    html = gzip.decompress(page.read_bytes())
    plain = trafilatura.extract(html) or ""
    reference = expected_body(expected)
    try:
        record = extract(html, url=url)
    except ExtractionError as exc:
        assert (publisher, version) in NO_HTML_BODY, f"{publisher} {version}: {exc.reason}"
        assert exc.code == "no_body"
        assert token_f1(plain, reference) <= F1_MARGIN
        return
    assert record["source"] == "generic"
    assert record["extractor_version"].startswith(f"generic-trafilatura-{trafilatura.__version__}")
    if (publisher, version) in TITLE_DIFFERS:
        assert token_f1(record["headline"], expected["title"]) >= 0.5, record["headline"]
    else:
        assert normalised_title(record["headline"]) == normalised_title(expected["title"])
    ours = token_f1("\n".join(record["body_paragraphs"]), reference)
    assert ours >= token_f1(plain, reference) - F1_MARGIN
    assert ours >= 0.8, f"{publisher} {version}: body F1 {ours:.3f}"
    if record["published_at"] and expected.get("publishing_date"):
        assert record["published_at"][:10] == expected["publishing_date"][:10]
    assert record["article_id"] and re.fullmatch(r"[0-9a-f]{24}", record["article_id"])
    json.dumps(record)


def test_generic_published_times_exact():
    """Where the page carries a full timestamp, the record keeps it exactly (with offset)."""
    checked = 0
    for publisher, version, page, expected, url in CASES:
        if (publisher, version) in NO_HTML_BODY or not expected.get("publishing_date"):
            continue
        record = extract(gzip.decompress(page.read_bytes()), url=url)
        want = expected["publishing_date"].replace(" ", "T")
        assert record["published_at"] == want, (publisher, version)
        checked += 1
    assert checked >= 10


def test_generic_reuters_marker_in_title():
    """A Reuters-style marker in a page title becomes the revision label."""
    html = ("<html><head><title>UPDATE 2-Gold rises on haven demand | Reuters</title>"
            '<meta property="og:site_name" content="Reuters">'
            '<meta property="article:published_time" content="2024-03-07T07:55:25Z"></head><body><article>'
            "<h1>UPDATE 2-Gold rises on haven demand</h1>"
            + "".join(f"<p>LONDON, March 7 (Reuters) - Gold prices rose for a {i}th day on Thursday as "
                      "investors sought safety, traders said, and more words follow here.</p>" for i in range(4))
            + "</article></body></html>")
    record = extract(html, url="https://www.reuters.com/markets/gold-2024-03-07/")
    assert record["source"] == "generic"
    assert (record["revision_label"], record["revision_no"]) == ("UPDATE 2", 2)
    assert record["headline"] == "Gold rises on haven demand"
    assert record["published_at"] == "2024-03-07T07:55:25+00:00"
    assert record["dateline"] == "LONDON, March 7 (Reuters)"
    assert record["url"] == "https://www.reuters.com/markets/gold-2024-03-07/"
