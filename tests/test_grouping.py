"""Story grouping: chains grouped, look-alikes kept apart, order and night independence, merges
recorded, the PostgreSQL index used, bad input kept. Stories here are written for the tests."""
from __future__ import annotations

import os
import random
import uuid

import psycopg2
import pytest

from pipelines.grouping import Revision, assign_stories, order_key
from pipelines.grouping.assign import assign, compare
from pipelines.grouping.diff import paragraph_diff
from pipelines.grouping.features import extract
from pipelines.grouping.index import MemoryIndex, PostgresIndex

SERVER = os.environ.get("WIREDESK_TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"

LEAD = ("SEOUL, May 3 (Yonhap) -- The transport ministry said Wednesday it will open a new high-speed rail line "
        "linking Incheon airport and Gangneung in October, cutting travel time to under two hours.")
P2 = ("The line, built at a cost of 3.2 trillion won, will run 14 trains a day in each direction, the ministry "
      "said in a press release.")
P3 = ("Construction started in 2019 but was delayed by a dispute over land compensation in two rural counties "
      "along the route.")
P4 = ("Tickets will go on sale in September, with fares set at about 30 percent below current airport bus "
      "prices for the same trip.")
P5 = ("Minister Park Sang-woo told reporters the line would help spread tourism to the east coast and relieve "
      "congestion on the expressway during holidays.")
RECAST = ("SEOUL, May 3 (Yonhap) -- A new high-speed rail line between Incheon airport and Gangneung will open in "
          "October after a two-year delay, the government said, as it unveiled fares and a timetable.")

COUNT = ("SEOUL, May {d} (Yonhap) -- South Korea's daily COVID-19 cases stayed in the 10,000 range on {w}, with "
         "{n} new infections reported, the health authorities said.")
COUNT2 = ("The {n} new cases, including {m} from overseas, raised the total caseload to {t}, the Korea Disease "
          "Control and Prevention Agency said.")


def chain(prefix: str = "AEN2023050300", serial: str = "41") -> list[Revision]:
    """(URGENT) under its own serial, original, (LEAD) with added paragraphs, (2nd LD) recast lead and
    a reworded headline."""
    return [
        Revision("u", f"AEN20230503009900320", headline="(URGENT) New rail line to link Incheon airport, Gangneung",
                 published_at="2023-05-03T10:02:00+09:00", body_paragraphs=[LEAD.split(",  ")[0]]),
        Revision("o", f"{prefix}{serial}00320", headline="New rail line to link Incheon airport, Gangneung in October",
                 published_at="2023-05-03T10:30:00+09:00", body_paragraphs=[LEAD, P2, P3]),
        Revision("l", f"{prefix}{serial}51320", headline="(LEAD) New rail line to link Incheon airport, Gangneung",
                 published_at="2023-05-03T13:10:00+09:00",
                 body_paragraphs=["(ATTN: ADDS paras 4-5)", LEAD, P2, P3, P4, P5]),
        Revision("2", f"{prefix}{serial}52320", headline="(2nd LD) Airport-Gangneung trains to cut trip below two hours",
                 published_at="2023-05-03T23:40:00+09:00",
                 body_paragraphs=["(ATTN: RECASTS lead; CHANGES headline)", RECAST, LEAD.split("-- ")[1], P2, P3,
                                  P4, P5]),
    ]


def lookalikes() -> list[Revision]:
    out = []
    for i, (d, w, n) in enumerate([(3, "Wednesday", "12,345"), (4, "Thursday", "11,020"), (5, "Friday", "13,870")]):
        out.append(Revision(f"c{i}", f"AEN2023050{d}00{20 + i}00315",
                            headline="S. Korea's new COVID-19 cases stay in 10,000 range",
                            published_at=f"2023-05-0{d}T09:35:00+09:00",
                            body_paragraphs=[COUNT.format(d=d, w=w, n=n),
                                             COUNT2.format(n=n, m=30 + i, t=f"31,0{i}0,000")]))
    for part in (1, 2):
        rows = "\n".join(f"Company{part}{k} {1000 * k + part:,} UP {k}" for k in range(1, 12))
        out.append(Revision(f"list{part}", f"AEN20230503006{part}00320", headline=f"KOSDAQ Closing Price List-{part}",
                            published_at=f"2023-05-03T15:4{part}:00+09:00",
                            body_paragraphs=["SEOUL, May 3 (Yonhap) -- Wednesday's closing prices.", rows]))
    out.append(Revision("sum", "AEN20230503009100300", headline="Yonhap News Summary",
                        published_at="2023-05-03T23:50:00+09:00",
                        body_paragraphs=["The following is a summary of major news.",
                                         "New rail line to link Incheon airport, Gangneung", LEAD,
                                         "Other headline here", "SEOUL -- Something else entirely happened today."]))
    out.append(Revision("follow", "AEN20230504005500320", headline="Rail operator names chief for airport line",
                        published_at="2023-05-04T14:00:00+09:00",
                        body_paragraphs=["SEOUL, May 4 (Yonhap) -- Korail on Thursday named a former deputy minister "
                                         "to run the new airport line, a day after its opening date was announced.",
                                         "The appointment needs approval from the board next week.", P3]))
    return out


def partition(mapping: dict[str, str]) -> set[frozenset]:
    groups: dict[str, set] = {}
    for key, story in mapping.items():
        groups.setdefault(story, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def run_memory(revisions, nights=1, seed=None) -> dict[str, str]:
    revisions = list(revisions)
    if seed is not None:
        random.Random(seed).shuffle(revisions)
    index = MemoryIndex()
    size = -(-len(revisions) // nights)
    keys = []
    for start in range(0, len(revisions), size):
        result = assign(index, revisions[start:start + size])
        keys += list(result.stories)
    return index.stories_of(keys)


EXPECTED = {frozenset({"u", "o", "l", "2"}), frozenset({"c0"}), frozenset({"c1"}), frozenset({"c2"}),
            frozenset({"list1"}), frozenset({"list2"}), frozenset({"sum"}), frozenset({"follow"})}


def test_chain_grouped_and_lookalikes_apart():
    assert partition(run_memory(chain() + lookalikes())) == EXPECTED


def test_chain_grouped_on_content_alone_with_opaque_ids():
    revs = [Revision(r.key, f"X{uuid.uuid4().hex}", headline=r.headline, published_at=r.published_at,
                     body_paragraphs=r.body_paragraphs) for r in chain() + lookalikes()]
    assert partition(run_memory(revs)) == EXPECTED


@pytest.mark.parametrize("seed", range(8))
def test_order_and_nights_do_not_change_stories(seed):
    revs = chain() + lookalikes()
    assert partition(run_memory(revs, nights=1 + seed % 4, seed=seed)) == EXPECTED


def test_compare_is_symmetric_and_explains():
    feats = [extract(r) for r in chain() + lookalikes()]
    for a in feats:
        for b in feats:
            assert compare(a, b)[0] == compare(b, a)[0]
    ok, why = compare(extract(chain()[1]), extract(chain()[3]))
    assert ok and "lineage" in why


def test_story_ids_are_readable_and_stable():
    index = MemoryIndex()
    first = assign(index, chain()[1:2]).stories
    assert first == {"o": "yonhap-AEN20230503004100320"}
    later = assign(index, chain()[2:] + chain()[:1]).stories
    assert set(later.values()) == {"yonhap-AEN20230503004100320"}


def test_bad_input_grouped_as_singletons_with_reasons():
    bad = [
        Revision("n1", "", headline="No id at all", body_paragraphs=[P2]),
        Revision("n2", "AEN20230503004100320", headline=None, body_paragraphs=[]),
        Revision("n3", "reuters:xyz", headline="Something", published_at="2999-01-01", body_paragraphs=["Text."]),
        Revision("n4", "weird", headline=None, published_at="not a date", body_paragraphs=[None, 5, "x"]),
        Revision("n5", "AEN20230503004200320", headline="Date only", published_at="2023-05-03", body_paragraphs=[P4]),
    ]
    result = assign(MemoryIndex(), bad)
    assert set(result.stories) == {"n1", "n2", "n3", "n4", "n5"}
    assert result.notes["n1"] == "missing_article_id"
    assert result.notes["n2"] == "no_headline_no_body"
    assert result.notes["n3"] == "absurd_date"
    assert result.notes["n4"] == "unparseable_date"
    assert "n5" not in result.notes
    assert len(set(result.stories.values())) == 5


def test_paragraph_diff_added_removed_changed():
    diff = paragraph_diff([LEAD, P2, P3], [RECAST, P2, P3.replace("2019", "2020"), P4])
    assert diff["added"] == [RECAST, P4]  # a recast lead shares too little with the old one to be "changed"
    assert diff["removed"] == [LEAD]
    assert diff["changed"] == [{"before": P3, "after": P3.replace("2019", "2020")}]
    assert paragraph_diff([P2], [P2]) == {"added": [], "removed": [], "changed": []}


def test_order_key_published_then_updated_then_revision():
    rows = [{"revision_id": 3, "published_at": None}, {"revision_id": 2, "published_at": "2023-05-03T10:00:00+09:00",
            "revision_no": 1}, {"revision_id": 1, "published_at": "2023-05-03T10:00:00+09:00", "revision_no": 0}]
    assert [r["revision_id"] for r in sorted(rows, key=order_key)] == [1, 2, 3]


# --- PostgreSQL ------------------------------------------------------------------------------

@pytest.fixture
def pg_url():
    try:
        admin = psycopg2.connect(SERVER, connect_timeout=3)
    except psycopg2.OperationalError:
        if os.environ.get("DATABASE_URL"):
            raise
        pytest.skip(f"no PostgreSQL server at {SERVER}")
    admin.autocommit = True
    name = f"wiredesk_grouping_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    from pipelines import db

    url = db.with_database(SERVER, name)
    try:
        db.migrate(url)
        yield url
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_postgres_index_matches_memory_over_nights(pg_url):
    revs = chain() + lookalikes()
    random.Random(3).shuffle(revs)
    conn = psycopg2.connect(pg_url)
    try:
        got = {}
        for start in (0, 4, 9):
            with conn:  # the caller commits once per night
                got.update(assign_stories(conn, revs[start:start + (4 if start == 0 else 5 if start == 4 else 99)]))
        with conn, conn.cursor() as cur:
            cur.execute("SELECT rev_key, story_id FROM grouping_revisions")
            final = dict(cur.fetchall())
            # rerun: already indexed revisions keep their stories and nothing is added
            assert assign_stories(conn, revs) == final
            cur.execute("SELECT count(*) FROM grouping_revisions")
            assert cur.fetchone()[0] == len(revs)
    finally:
        conn.close()
    assert partition(final) == EXPECTED


def test_postgres_candidates_stay_few_among_many_stored(pg_url):
    rng = random.Random(7)
    words = [f"w{i}" for i in range(5000)]
    stored = [Revision(f"bg{i}", f"AEN20230503{i:04d}00315", headline=" ".join(rng.sample(words, 6)),
                       published_at="2023-05-03T08:00:00+09:00",
                       body_paragraphs=[" ".join(rng.sample(words, 40)) + "." for _ in range(4)]) for i in range(400)]
    conn = psycopg2.connect(pg_url)
    try:
        with conn:
            index = PostgresIndex(conn)
            assign(index, stored)
            result = assign(index, chain())
        assert len(set(result.stories.values())) == 1
        assert result.comparisons <= 12, result.comparisons  # 4 new revisions, never the 400 stored ones
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM grouping_keys")
            assert cur.fetchone()[0] > 400 * 10
    finally:
        conn.close()


def _insert_revision(cur, rev: Revision, n: int) -> int:
    raw_key = f"raw/yonhap/{rev.article_id}/{n}.html.gz"
    cur.execute("""INSERT INTO raw_pages (raw_key, source, article_id, url, sha256, http_status, size_bytes, fetched_at)
                   VALUES (%s, 'yonhap', %s, %s, %s, 200, 1, now())""", (raw_key, rev.article_id, "u", str(n)))
    cur.execute("""INSERT INTO story_revisions (source, article_id, content_hash, url, headline, published_at,
                       body_paragraphs, body_text, extractor_version, raw_key)
                   VALUES ('yonhap', %s, %s, %s, %s, %s, %s::jsonb, %s, 'test', %s) RETURNING revision_id""",
                (rev.article_id, str(n), f"https://en.yna.co.kr/view/{rev.article_id}", rev.headline or "",
                 rev.published_at, psycopg2.extras.Json(rev.body_paragraphs), "\n".join(rev.body_paragraphs), raw_key))
    return cur.fetchone()[0]


def test_new_evidence_merges_stories_and_records_it(pg_url, monkeypatch):
    import psycopg2.extras

    from pipelines import stories

    monkeypatch.setenv("DATABASE_URL", pg_url)
    first = Revision("a", "XA1", headline="Rail line opening date set", published_at="2023-05-03T10:00:00+09:00",
                     body_paragraphs=[LEAD, P2])
    other = Revision("b", "XB2", headline="Fares for new line announced", published_at="2023-05-03T11:00:00+09:00",
                     body_paragraphs=[P4, P5, "Officials said discounts would apply to students and the elderly.", P3])
    both = Revision("c", "XC3", headline="(LEAD) Rail line to open in October",
                    published_at="2023-05-03T12:00:00+09:00", body_paragraphs=first.body_paragraphs + other.body_paragraphs)
    conn = psycopg2.connect(pg_url)
    with conn, conn.cursor() as cur:
        _insert_revision(cur, first, 1)
        _insert_revision(cur, other, 2)
    stories.group_new_revisions()
    with conn, conn.cursor() as cur:
        cur.execute("SELECT article_id, story_id FROM story_revisions ORDER BY article_id")
        night1 = dict(cur.fetchall())
        assert night1["XA1"] != night1["XB2"]
        _insert_revision(cur, both, 3)
    stories.group_new_revisions()
    with conn, conn.cursor() as cur:
        cur.execute("SELECT article_id, story_id, story_seq FROM story_revisions ORDER BY story_seq")
        rows = cur.fetchall()
        assert {r[1] for r in rows} == {night1["XA1"]}  # the earlier story survives, its id unchanged
        assert [r[0] for r in rows] == ["XA1", "XB2", "XC3"]
        cur.execute("SELECT merged_story_id, into_story_id, reason FROM story_merges")
        (merged, into, reason), = cur.fetchall()
        assert (merged, into) == (night1["XB2"], night1["XA1"]) and "XC3" in reason
        cur.execute("SELECT story_id, revision_count FROM stories")
        assert cur.fetchall() == [(night1["XA1"], 3)]
        cur.execute("SELECT story_seq, diff_from_previous FROM story_timeline ORDER BY story_seq")
        timeline = cur.fetchall()
        assert timeline[0][1] is None and timeline[2][1]["added"]
        cur.execute("SELECT headline, revision_count FROM current_stories")
        assert cur.fetchall() == [("(LEAD) Rail line to open in October", 3)]
        from pipelines import queries

        cur.execute(queries.query_text("revision_changes_for_day.sql"), {"day": "2023-05-03"})
        changes = cur.fetchall()
        assert len(changes) == 2 and changes[-1][2] == "XC3"
    conn.close()
