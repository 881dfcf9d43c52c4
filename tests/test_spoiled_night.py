"""Spoiled pages through the real spider, raw store, loader, grouping and check (issue 10).

Each test spoils pages of the replay site the way an outside test's proxy did (bad dates, huge
ids, script-only articles, ids naming other articles, bytes in another charset, pages changing
per fetch, raw objects damaged after the crawl) and checks with SQL that every fetched page ends
as a revision or a recorded failure with its reason, and that later nights are not blocked.
"""
from __future__ import annotations

import itertools
import re
from datetime import date

import psycopg2
import pytest

from helpers import count
from pipelines import nightly
from pipelines.checks import DataQualityError
from pipelines.rawstore import open_store
from test_hostile_input import night_ids, site  # noqa: F401  (site: the hostile replay, as a fixture)

NIGHT, NEXT_NIGHT = date(2023, 5, 10), date(2023, 5, 11)
CHROME = re.compile(r"\b(SHARE|Facebook|Twitter|Pinterest|FONT SIZE)\b")


@pytest.fixture
def env(database_url, s3_env, site, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("WIREDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WIREDESK_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("WIREDESK_THROTTLE", "0")
    monkeypatch.setenv("WIREDESK_EXTRACT_WORKERS", "1")
    return {"database_url": database_url, "site": site, **s3_env}


# --- page spoilers (each takes the replay page's bytes and returns the spoiled bytes) ------------------

def published_time(value: str):
    return lambda body: re.sub(rb'(property="article:published_time" content=")[^"]*', rb"\g<1>" + value.encode(),
                               body)


def content_id(value: str):
    return lambda body: re.sub(rb'(property="yna:content_id" content=")[^"]*', rb"\g<1>" + value.encode(), body)


def script_only_article(body: bytes) -> bytes:
    return re.sub(rb'(<article class="story-news">).*?(</article>)', rb"\1<script>var ad = 1;</script>\2", body,
                  count=1, flags=re.S)


def failures(url: str, stage: str = "extract") -> dict[str, str]:
    """article id (last url segment) -> reason of the open fetch_failures rows of a stage."""
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT url, reason FROM fetch_failures WHERE stage = %s AND resolved_at IS NULL", (stage,))
        return {row[0].rsplit("/", 1)[-1]: row[1] for row in cur.fetchall()}


def revisions(url: str) -> dict[str, list[str]]:
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT article_id, body_paragraphs FROM story_revisions")
        return dict(cur.fetchall())


def assert_every_page_accounted_for(url: str) -> None:
    """Every fetched page is a revision (by its raw key or its article) or an open recorded failure."""
    assert count(url, """SELECT count(*) FROM raw_pages p
                         WHERE NOT EXISTS (SELECT 1 FROM story_revisions r
                                           WHERE r.raw_key = p.raw_key OR r.article_id = p.article_id)
                           AND NOT EXISTS (SELECT 1 FROM fetch_failures f WHERE f.url = p.url
                                           AND f.resolved_at IS NULL)""") == 0
    assert count(url, "SELECT count(*) FROM story_revisions WHERE story_id IS NULL") == 0


# --- row 9 spoilers: bytes in another charset than declared ---------------------------------------

KOREAN = "북한이 한미 연합공중훈련을 비난했다. 정부는 새로운 대책을 발표했다."


def euc_kr_declared_utf8(body: bytes) -> bytes:
    head, story = body.decode("utf-8").split('<article class="story-news">', 1)
    text = head + '<article class="story-news">' + story.replace("<p>", f"<p>{KOREAN} ", 1)
    return text.encode("euc-kr", "replace")  # the page still says <meta charset="utf-8">


def stray_bytes(*inserts: bytes):
    """A page of the night with byte strings put after the first words of its first story paragraph."""
    def spoil(body: bytes) -> bytes:
        head, story = body.split(b'<article class="story-news">', 1)
        words = story.split(b" ")
        for n, insert in enumerate(inserts):
            words[2 + 2 * n] += insert
        return head + b'<article class="story-news">' + b" ".join(words)
    return spoil


def section(value: str):
    return lambda body: re.sub(rb'(property="article:section" content=")[^"]*', rb"\g<1>" + value.encode(), body)


def undecodable_declared_utf8(body: bytes) -> bytes:
    head, story = body.split(b'<article class="story-news">', 1)
    return head + b'<article class="story-news">' + story.replace(b"<p>", b"<p>" + bytes(range(0x80, 0x100)) * 8, 3)


# --- rows 2, 3, 4: a night with spoiled pages completes, and the next night passes -------------------

def test_a_night_with_bad_dates_huge_ids_and_script_only_articles_completes(env):
    ids = night_ids()
    site, url = env["site"], env["database_url"]
    year_one, huge_id, script_only = ids[0], ids[1], ids[2]
    site.edits[f"/view/{year_one}"] = published_time("0001-01-01T00:00:00+09:00")
    site.edits[f"/view/{huge_id}"] = content_id("AEN" + "7" * 9000)
    site.edits[f"/view/{script_only}"] = script_only_article

    steps = nightly.run_night(NIGHT, run_id="spoiled")  # raises if the check fails

    reasons = failures(url)
    assert set(reasons) == {year_one, huge_id, script_only}, reasons
    assert reasons[year_one].startswith("implausible_time: published_at '0001-01-01")
    assert reasons[huge_id].startswith("bad_article_id") and len(reasons[huge_id]) < 200
    assert reasons[script_only].startswith("no_body")
    stored = revisions(url)
    assert set(stored) == set(ids) - {year_one, huge_id, script_only}
    assert not [a for a, body in stored.items() if any(CHROME.search(p) for p in body)]
    assert steps["check"]["problems"] == [] and steps["check"]["failures_by_reason"] == {
        "extract:bad_article_id": 1, "extract:implausible_time": 1, "extract:no_body": 1}
    assert_every_page_accounted_for(url)
    # A row stored by an older version, before validation: year 1 (year 0 in UTC), not yet grouped.
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("""INSERT INTO story_revisions (source, article_id, content_hash, url, headline, published_at,
                              body_paragraphs, body_text, extractor_version, raw_key)
                       SELECT source, 'AEN00010101000000000', 'old-row', url, headline, '0001-01-01 00:00:00+09',
                              body_paragraphs, body_text, extractor_version, raw_key
                       FROM story_revisions LIMIT 1""")
    nightly.run_night(NEXT_NIGHT, run_id="next")  # the next night is not blocked, by either
    assert count(url, "SELECT count(*) FROM story_revisions WHERE story_id IS NULL") == 0


def test_a_chrome_body_counts_toward_layout_drift(env):
    ids = night_ids()
    for article_id in ids[:3]:
        env["site"].edits[f"/view/{article_id}"] = script_only_article
    with pytest.raises(DataQualityError, match="layout drift"):
        nightly.run_night(NIGHT, run_id="chrome-drift")
    assert set(failures(env["database_url"])) == set(ids[:3])


def test_far_future_times_ids_naming_other_articles_and_wrong_charsets(env):
    ids = night_ids()
    site, url = env["site"], env["database_url"]
    future, impostor, named = ids[0], ids[1], ids[2]
    site.edits[f"/view/{future}"] = published_time("9999-12-31T23:59:59+09:00")
    site.edits[f"/view/{impostor}"] = content_id(named)  # the page at /view/X says it is Y
    # row 9: EUC-KR bytes under <meta charset="utf-8">, and bytes no charset reads
    euc_kr, unreadable = ids[3], ids[4]
    assert re.search(rb"<meta[^>]*charset=\"?utf-8", site.route(f"/view/{euc_kr}")[2], re.I)
    site.edits[f"/view/{euc_kr}"] = euc_kr_declared_utf8
    site.edits[f"/view/{unreadable}"] = undecodable_declared_utf8
    # issue 18 rows 12 and 17: a few invalid bytes, broken sequences in ASCII, an implausible section: kept
    stray, broken, long_section = ids[5], ids[6], ids[7]
    site.edits[f"/view/{stray}"] = stray_bytes(b"\xff", b"\x80", b"\xfe", b"\xc3")
    site.edits[f"/view/{broken}"] = stray_bytes(*[b"\xe2\x80"] * 6)
    site.edits[f"/view/{long_section}"] = section(",".join(f"keyword-{n}-of-a-long-list" for n in range(12)))
    crawled = nightly.crawl_night(NIGHT, "spoiled-ids")
    loaded = nightly.load_run(crawled["crawl_run_id"])
    reasons = failures(url)
    assert set(reasons) == {future, impostor, unreadable}, reasons
    assert reasons[future].startswith("implausible_time")
    assert reasons[impostor].startswith("id_mismatch") and named in reasons[impostor]
    assert reasons[unreadable].startswith("decode_error")
    assert loaded["pages_failed"] == 3
    stored = revisions(url)
    assert KOREAN in "\n".join(stored[euc_kr])
    assert "\ufffd" not in "\n".join(p for a, body in stored.items() if a not in (stray, broken) for p in body)
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT article_id, section, body_text, extraction_notes FROM story_revisions WHERE article_id = ANY(%s)",
                    ([stray, broken, long_section, euc_kr],))
        kept = {row[0]: row[1:] for row in cur.fetchall()}
    assert kept[stray][1].count("\ufffd") == 4
    assert kept[stray][2] == ["decode: 4 invalid utf-8 byte sequences replaced with U+FFFD"]
    assert kept[broken][1].count("\ufffd") == 6 and "\u00e2\u20ac" not in kept[broken][1]  # never read as cp1252
    assert kept[long_section][0] is None and kept[long_section][2][0].startswith("dropped section: ")
    assert kept[euc_kr][2][0].startswith("decode: ") and "read as" in kept[euc_kr][2][0]
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*), min(raw_key) FROM story_revisions WHERE article_id = %s", (named,))
        n, raw_key = cur.fetchone()
    assert n == 1 and f"/{named}/" in raw_key  # only Y's own page is Y's revision


# --- row 6: pages whose bytes change per fetch, night rerun under a new run id ----------------------

def test_a_rerun_under_a_new_run_id_passes_when_page_bytes_change_per_fetch(env):
    counter = itertools.count()
    for article_id in night_ids():
        env["site"].edits[f"/view/{article_id}"] = (
            lambda body: body.replace(b"</body>", f"<!-- request {next(counter)} --></body>".encode()))
    first = nightly.run_night(NIGHT, run_id="first")
    second = nightly.run_night(NIGHT, run_id="second")  # new raw keys, the same revisions
    assert second["load"]["revisions_new"] == 0 and second["crawl"]["pages_archived_new"] == len(night_ids())
    assert second["check"]["stories"] == first["check"]["stories"] > 0
    assert second["check"]["problems"] == []


# --- row 5: raw objects truncated or deleted after the crawl ---------------------------------------

def test_damaged_raw_objects_are_recorded_by_key_and_the_next_crawl_repairs_them(env):
    url, client, bucket = env["database_url"], env["client"], env["WIREDESK_S3_BUCKET"]
    crawled = nightly.crawl_night(NIGHT, "damaged")
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT raw_key FROM raw_pages ORDER BY raw_key LIMIT 2")
        truncated, deleted = (row[0] for row in cur.fetchall())
    whole = client.get_object(Bucket=bucket, Key=truncated)["Body"].read()
    client.put_object(Bucket=bucket, Key=truncated, Body=whole[: len(whole) // 2])
    client.delete_object(Bucket=bucket, Key=deleted)

    loaded = nightly.load_run(crawled["crawl_run_id"])  # the rest of the night loads
    assert loaded["pages_failed"] == 2 and loaded["revisions_new"] == len(night_ids()) - 2
    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT raw_key, reason FROM fetch_failures WHERE resolved_at IS NULL ORDER BY raw_key")
        rows = cur.fetchall()
    assert [key for key, _ in rows] == sorted([truncated, deleted])
    assert all(reason.startswith("raw_unreadable") and key in reason for key, reason in rows), rows

    steps = nightly.run_night(NIGHT, run_id="repair")  # the next crawl re-fetches and re-archives them
    assert steps["check"]["problems"] == []
    store = open_store()
    assert store.get_page(truncated) and store.get_page(deleted)
    assert count(url, "SELECT count(*) FROM fetch_failures WHERE resolved_at IS NULL") == 0
    assert count(url, "SELECT count(DISTINCT article_id) FROM story_revisions") == len(night_ids())
    assert_every_page_accounted_for(url)
