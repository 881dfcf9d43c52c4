"""Grouping that cannot collapse: each failure of the connected-components grouper held as a test.

One story from page chrome, daily items chained across editions, stories with different Yonhap
serials merged, a hub revision merging everything it touches, boilerplate shared by many stored
revisions counted as evidence, and the generated worlds (pipelines.grouping.worlds, small scale)
meeting their targets with ids and opaque. The stories here are generated for the tests.
"""
from __future__ import annotations

import random
from collections import Counter, defaultdict

import psycopg2
import pytest

from pipelines.grouping import Revision, assign_stories
from pipelines.grouping.assign import MAX_LINKED_STORIES, assign, compare
from pipelines.grouping.dataset import opaque
from pipelines.grouping.evaluate import score_world
from pipelines.grouping.features import extract, is_chrome
from pipelines.grouping.index import MAX_CANDIDATES, MemoryIndex, PostgresIndex
from pipelines.grouping.worlds import DAILY_KINDS, bench_night, daily_year, dense_day
from tests.test_grouping import LEAD, P2, P3, P4, _insert_revision, partition, pg_url  # noqa: F401 (fixture)

CHROME = ["SHARE", "Facebook Twitter Pinterest Linked in Tumblr Reddit Facebook Messenger", "LIKE SAVE PRINT",
          "FONT SIZE ABCDEFG", "Send Feedback", "How can we improve?", "Thanks for your feedback!",
          "Copyright (c) Yonhap News Agency. All rights reserved."]


def grouped(revisions, nights=1, seed=None) -> dict[str, str]:
    revisions = list(revisions)
    if seed is not None:
        random.Random(seed).shuffle(revisions)
    index, keys = MemoryIndex(), []
    size = -(-len(revisions) // nights)
    for start in range(0, len(revisions), size):
        keys += list(assign(index, revisions[start:start + size]).stories)
    return index.stories_of(keys)


def truth_partition(items) -> set[frozenset]:
    return partition({it.revision.key: it.story for it in items})


def test_page_chrome_never_links_stories():
    stories = {}
    for it in bench_night(pages=60):
        stories.setdefault(it.story, it)
    distinct = list(stories.values())[:16]
    assert all(is_chrome(line) for line in CHROME)
    # bodies that fell back to the share buttons and feedback form: nothing to link on
    chrome_only = [Revision(f"c{i}", f"X{i:04d}chrome", headline=it.revision.headline,
                            published_at=it.revision.published_at, body_paragraphs=list(CHROME))
                   for i, it in enumerate(distinct)]
    # real bodies with the chrome around them: grouped by their text alone
    wrapped = [Revision(f"w{i}", f"X{i:04d}wrapped", headline=it.revision.headline,
                        published_at=it.revision.published_at,
                        body_paragraphs=CHROME[:2] + it.revision.body_paragraphs + CHROME[2:])
               for i, it in enumerate(distinct)]
    result = grouped(chrome_only + wrapped)
    assert len({result[r.key] for r in chrome_only}) == 16  # never one story from chrome
    assert len({result[r.key] for r in wrapped}) == 16
    assert all(extract(r).body_size == 0 for r in chrome_only)


@pytest.mark.parametrize("kind", DAILY_KINDS)
@pytest.mark.parametrize("ids", ["published", "opaque"])
def test_templated_daily_items_stay_one_story_per_edition(kind, ids):
    items = daily_year(kind, days=45)
    if ids == "opaque":
        items = opaque(items, seed=1)
    result = grouped([it.revision for it in items], nights=3, seed=2)
    assert partition(result) == truth_partition(items)


def _yonhap(serial: int, version: int, key: str, headline: str, when: str, body: list[str]) -> Revision:
    return Revision(key, f"AEN20230503{serial:04d}{version:02d}320", headline=headline,
                    published_at=f"2023-05-03T{when}:00+09:00", body_paragraphs=body)


def test_different_serials_of_one_day_are_never_one_story():
    first = _yonhap(41, 0, "a", "New rail line to link Incheon airport, Gangneung", "10:30", [LEAD, P2, P3])
    # the same text filed again under another serial of the same day (a different item by its id)
    again = _yonhap(57, 0, "b", "New rail line to link Incheon airport, Gangneung", "11:00", [LEAD, P2, P3, P4])
    ok, why = compare(extract(first), extract(again))
    assert not ok and "serial" in why
    # a revision carrying both texts under a third serial joins neither and merges nothing
    bridge = _yonhap(63, 0, "c", "Rail line to open in October", "11:30", [LEAD, P2, P3, P4])
    result = assign(MemoryIndex(), [first, again, bridge])
    assert len(set(result.stories.values())) == 3 and result.merges == []
    # the named exception: an (URGENT) flash under its own serial joins the full story
    flash = _yonhap(99, 0, "u", "(URGENT) New rail line to link Incheon airport, Gangneung", "10:02",
                    [LEAD.split(", cutting")[0] + "."])
    ok, why = compare(extract(flash), extract(first))
    assert ok and "flash under its own serial" in why
    assert len(set(assign(MemoryIndex(), [flash, first]).stories.values())) == 1


def test_a_revision_linking_many_stories_merges_none():
    # stories made of (opaque ids) paragraphs; a digest-like item contains them all
    stories = [it for it in bench_night(pages=80) if it.revision.headline and not it.revision.headline.startswith("(")]
    picked = list({it.story: it for it in stories}.values())[:MAX_LINKED_STORIES + 4]
    revisions = [Revision(f"s{i}", f"X{i}", headline=it.revision.headline, published_at="2023-06-01T10:00:00+09:00",
                          body_paragraphs=it.revision.body_paragraphs[:2]) for i, it in enumerate(picked)]
    hub = Revision("hub", "Xhub", headline="Roundup of the morning", published_at="2023-06-01T11:00:00+09:00",
                   body_paragraphs=[p for r in revisions for p in r.body_paragraphs])
    index = MemoryIndex()
    assign(index, revisions)
    result = assign(index, [hub])
    assert result.merges == []
    assert len({index.story_of(r.key) for r in revisions}) == len(revisions)


def test_boilerplate_shared_by_many_revisions_is_not_evidence_and_candidates_stay_bounded():
    items = dense_day(stories=160, seed=3)
    index = MemoryIndex()
    result = assign(index, [it.revision for it in items])
    lineage_max = max(Counter(it.revision.article_id[3:15] for it in items).values())
    assert result.comparisons <= len(items) * (MAX_CANDIDATES + lineage_max + 4)
    assert partition(result.stories) == truth_partition(items)
    # shared formula keys turned into stop keys: held by more than STOP_DF stored revisions
    stops = set()
    for it in items[-20:]:
        stops |= index.candidates(extract(it.revision))[1]
    assert stops


@pytest.mark.parametrize("world", ["dense-day", "bench-night"])
def test_generated_worlds_meet_targets(world):
    items = dense_day(stories=120) if world == "dense-day" else bench_night(pages=300)
    for mode, target in (("published", 0.99), ("opaque", 0.97)):
        score = score_world(items, mode)
        assert score["f1"] >= target, (mode, score)
        assert score["largest_found"] <= score["largest_true"], (mode, score)


def test_postgres_index_keeps_serials_apart_and_story_rows_incremental(pg_url):  # noqa: F811
    first = _yonhap(41, 0, "1", "New rail line to link Incheon airport, Gangneung", "10:30", [LEAD, P2, P3])
    again = _yonhap(57, 0, "2", "New rail line to link Incheon airport, Gangneung", "11:00", [LEAD, P2, P3, P4])
    lead = _yonhap(41, 51, "3", "(LEAD) New rail line to link Incheon airport, Gangneung", "12:00",
                   [LEAD, P2, P3, P4, "Officials said more details would follow."])
    conn = psycopg2.connect(pg_url)
    try:
        with conn:
            got = assign_stories(conn, [first, again])
        with conn:
            got.update(assign_stories(conn, [lead]))
        assert got["1"] == got["3"] != got["2"]
        with conn.cursor() as cur:
            cur.execute("SELECT story_id, size, recent_keys FROM grouping_stories ORDER BY story_id")
            rows = {r[0]: r[1:] for r in cur.fetchall()}
        assert rows[got["1"]] == (2, ["3", "1"]) and rows[got["2"]] == (1, ["2"])
        assert isinstance(PostgresIndex(conn).candidates(extract(lead))[1], set)
    finally:
        conn.close()


def test_late_revision_is_ordered_and_stories_refresh_from_new_revisions(pg_url, monkeypatch):  # noqa: F811
    from pipelines import stories

    monkeypatch.setenv("DATABASE_URL", pg_url)
    lead = _yonhap(41, 51, "l", "(LEAD) New rail line to link Incheon airport, Gangneung", "12:00", [LEAD, P2, P3, P4])
    second = _yonhap(41, 52, "2", "(2nd LD) New rail line to link Incheon airport, Gangneung", "14:00",
                     [LEAD, P2, P3, P4, "Officials said more details would follow."])
    original = _yonhap(41, 0, "o", "New rail line to link Incheon airport, Gangneung", "10:30", [LEAD, P2])
    conn = psycopg2.connect(pg_url)
    try:
        for n, night in enumerate([[lead], [second], [original]]):  # the original arrives last
            with conn, conn.cursor() as cur:
                for rev in night:
                    _insert_revision(cur, rev, 10 + n)
            stories.group_new_revisions()
        with conn.cursor() as cur:
            cur.execute("""SELECT article_id, story_seq, diff_from_previous IS NOT NULL FROM story_revisions
                           ORDER BY story_seq""")
            rows = cur.fetchall()
            cur.execute("SELECT revision_count, headline, first_published_at < last_updated_at FROM stories")
            story = cur.fetchall()
    finally:
        conn.close()
    assert [r[0] for r in rows] == [original.article_id, lead.article_id, second.article_id]
    assert [r[1] for r in rows] == [1, 2, 3] and [r[2] for r in rows] == [False, True, True]
    assert story == [(3, second.headline, True)]


def test_opaque_and_published_daily_items_never_span_days():
    items = daily_year("market-close", days=30)
    result = grouped([it.revision for it in opaque(items, seed=4)], nights=2, seed=5)
    days = defaultdict(set)
    for it in items:
        days[result[it.revision.key]].add(it.revision.published_at[:10])
    assert max(len(d) for d in days.values()) == 1


def test_check_fails_a_night_with_an_implausible_story_naming_it(pipeline_env, monkeypatch):
    from datetime import date

    from pipelines import nightly
    from pipelines.checks import DataQualityError

    night = date(2023, 5, 10)
    monkeypatch.setenv("WIREDESK_MAX_STORY_REVISIONS", "2")  # the night holds chains of 3 and more
    with pytest.raises(DataQualityError, match="larger than any plausible revision chain") as info:
        nightly.run_night(night, run_id="test-oversize")
    conn = psycopg2.connect(pipeline_env["database_url"])
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT story_id FROM stories WHERE revision_count > 2 ORDER BY story_id")
            oversized = [row[0] for row in cur.fetchall()]
            cur.execute("SELECT story_id FROM stories WHERE revision_count <= 2")
            fine = [row[0] for row in cur.fetchall()]
    finally:
        conn.close()
    assert oversized and all(story_id in str(info.value) for story_id in oversized)
    assert not any(f"{story_id} (" in str(info.value) for story_id in fine)
    # a story spanning more than the allowed days fails it too (here: more than ~15 minutes)
    monkeypatch.setenv("WIREDESK_MAX_STORY_REVISIONS", "12")
    monkeypatch.setenv("WIREDESK_MAX_STORY_SPAN_DAYS", "0.01")
    with pytest.raises(DataQualityError, match="days"):
        nightly.run_night(night, run_id="test-oversize")
