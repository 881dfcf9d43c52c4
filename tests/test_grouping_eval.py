"""Grouping on the labelled worlds built from ../shared/wiredata (skipped when it is absent)."""
from __future__ import annotations

import psycopg2
import pytest

from pipelines.grouping import assign_stories
from pipelines.grouping.dataset import build, shared_available
from pipelines.grouping.evaluate import evaluate
from tests.test_grouping import partition, pg_url  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(not shared_available(), reason="../shared/wiredata is absent")


def test_heldout_meets_targets_in_both_modes():
    worlds = build("heldout", 3)
    for mode, target in (("published", 0.99), ("opaque", 0.98)):
        result = evaluate(worlds, mode)
        assert result["wiredesk"]["f1"] >= target, (mode, result["wiredesk"])
        assert result["wiredesk"]["lookalike_false_merges"] == 0
        assert result["wiredesk"]["f1"] > result["headline-normalisation"]["f1"]
        assert result["wiredesk"]["f1"] >= result["id-lineage-only"]["f1"]


def test_postgres_index_gives_the_memory_partition(pg_url):  # noqa: F811
    from pipelines.grouping.evaluate import run_wiredesk

    items = build("heldout", 1)[0]
    expected = partition(run_wiredesk(items, seed=1))
    revisions = [it.revision for it in reversed(items)]
    conn = psycopg2.connect(pg_url)
    try:
        got = {}
        half = len(revisions) // 2
        for night in (revisions[:half], revisions[half:]):
            with conn:
                got.update(assign_stories(conn, night))
        with conn.cursor() as cur:
            cur.execute("SELECT rev_key, story_id FROM grouping_revisions")
            final = dict(cur.fetchall())
    finally:
        conn.close()
    assert partition(final) == expected
    assert partition(final) == partition({it.revision.key: it.story for it in items})
