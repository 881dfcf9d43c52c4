"""The generic extractor's times (issue 10, row 11): placeholder dates are no dates, and a day
without a time stays a day. Crafted pages, no shared data needed."""
from __future__ import annotations

import pytest

from pipelines.extract import extract


def generic_page(head: str) -> str:
    return (f"<html><head><title>Council approves budget</title>{head}</head><body><article>"
            "<h1>Council approves budget</h1>"
            + "".join(f"<p>The city council approved the {i}th budget item after a long debate on Tuesday "
                      "evening, officials said, with more words to follow here.</p>" for i in range(4))
            + "</article></body></html>")


@pytest.mark.parametrize("placeholder", ["0001-01-01T00:00:00+00:00", "0001-01-01", "1970-01-01T00:00:00Z",
                                         "9999-12-31T23:59:59Z"])
def test_generic_rejects_placeholder_dates_and_takes_the_next_source(placeholder):
    """A placeholder in structured data is no date; a real one in another place is used instead."""
    ld = '{"@type": "NewsArticle", "datePublished": "2024-03-07T07:55:25+01:00"}'
    html = generic_page(f'<meta property="article:published_time" content="{placeholder}">'
                        f'<script type="application/ld+json">{ld}</script>')
    assert extract(html, url="https://example.org/news/1")["published_at"] == "2024-03-07T07:55:25+01:00"
    only = extract(generic_page(f'<meta property="article:published_time" content="{placeholder}">'),
                   url="https://example.org/news/2")
    assert only["published_at"] is None or not only["published_at"].startswith(placeholder[:4])


@pytest.mark.parametrize("day_only", ["2024-03-07", "2024-03-07T00:00:00"])
def test_generic_keeps_a_day_only_date_a_date(day_only):
    """No time of day is invented: a date without a time stays "YYYY-MM-DD" (not midnight UTC)."""
    record = extract(generic_page(f'<meta property="article:published_time" content="{day_only}">'),
                     url="https://example.org/news/3")
    assert record["published_at"] == "2024-03-07"
