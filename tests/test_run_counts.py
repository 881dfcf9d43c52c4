"""A night's story counts are its own totals, whichever run's group step grouped its revisions.

The e2e backfill failure `('ok', 0, 12) == ('ok', 0, 0)`: the backfill ran night 05-09 (new) and
a rerun of night 05-10 (already loaded) side by side; the rerun's group step ran after 05-09's load
and before 05-09's group, grouped 05-09's revisions (grouping takes every ungrouped revision) and
reported their stories as its own. Reproduced here step by step, without Airflow.
"""
from __future__ import annotations

from datetime import date

import psycopg2

from pipelines import nightly


def crawl_and_load(night: date, run_id: str) -> int:
    crawled = nightly.crawl_night(night, run_id)
    nightly.load_run(crawled["crawl_run_id"])
    return crawled["crawl_run_id"]


def test_interleaved_backfill_counts_each_night_as_its_own(pipeline_env):
    first = nightly.run_night(date(2023, 5, 10), run_id="scheduled__2023-05-10")
    assert first["group"]["stories_new"] > 0 and first["group"]["stories_revised"] == 0
    first_counts = {k: first["group"][k] for k in ("stories_new", "stories_revised", "stories_unchanged")}

    rerun = crawl_and_load(date(2023, 5, 10), "backfill__2023-05-10")
    other = crawl_and_load(date(2023, 5, 9), "backfill__2023-05-09")
    rerun_counts = nightly.group_run(rerun)  # groups night 05-09's revisions too
    assert rerun_counts["revisions_grouped"] > 0  # (the situation of the e2e failure)
    # the night's own totals (pipelines.night_totals), whoever grouped what: every story the night added
    # to, new unless the earlier night, archived since, holds a revision of it too
    assert rerun_counts["stories_new"] + rerun_counts["stories_revised"] == first_counts["stories_new"]
    assert rerun_counts["stories_unchanged"] == 0

    other_counts = nightly.group_run(other)  # nothing left to group, but the night's counts are right
    with psycopg2.connect(pipeline_env["database_url"]) as conn, conn.cursor() as cur:
        cur.execute("""SELECT count(DISTINCT r.story_id) FROM crawl_run_pages c JOIN raw_pages p USING (raw_key)
                       JOIN story_revisions r USING (article_id) WHERE c.crawl_run_id = %s""", (other,))
        (night_stories,) = cur.fetchone()
    assert other_counts["stories_new"] > 0
    assert other_counts["stories_new"] + other_counts["stories_revised"] + other_counts["stories_unchanged"] \
        == night_stories
    assert nightly.check_run(rerun)["stories_new"] == rerun_counts["stories_new"]
    # and the same run executed again (an Airflow clear of the whole run): the same totals
    again = nightly.run_night(date(2023, 5, 9), run_id="backfill__2023-05-09")
    assert {k: again["group"][k] for k in first_counts} == {k: other_counts[k] for k in first_counts}
