"""pipelines.redaction: a password is masked however the connection string is written."""
from __future__ import annotations

import pytest

from pipelines import alerts, redaction

PASSWORD = "p@ss/w%rd-Zq9"


@pytest.mark.parametrize("url", [
    f"postgresql://wiredesk:{PASSWORD}@db:5432/wiredesk",  # unencoded: no valid URL
    "postgresql://wiredesk:p%40ss%2Fw%25rd-Zq9@db:5432/wiredesk",  # percent-encoded, as it should be
    f"host=db user=wiredesk password='{PASSWORD}' dbname=wiredesk",  # libpq keywords
])
def test_the_password_and_its_pieces_are_masked_in_any_text(url):
    text = (f"connecting with {url} failed: invalid percent-encoded token: \"w%rd-Zq9@db:5432/wiredesk\"; "
            f"password was {PASSWORD!r}")
    masked = redaction.redact(text, [url])
    assert "w%rd-Zq9" not in masked and "p@ss" not in masked and PASSWORD not in masked, masked
    assert "db:5432/wiredesk" in masked  # the rest stays readable
    assert PASSWORD not in alerts.redact(text, environ={"DATABASE_URL": url})


def test_ordinary_urls_in_text_are_left_alone():
    text = "fetched http://127.0.0.1:8765/view/AEN20230510000800320 and https://host:443/a@b"
    assert redaction.redact(text, environ={}) == text
