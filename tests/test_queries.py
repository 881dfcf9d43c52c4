"""Every example query in sql/queries/ runs, with bound parameters, on a loaded night and returns rows."""
from __future__ import annotations

from datetime import date

import psycopg2
import pytest

from pipelines import nightly, queries
from pipelines.checks import DataQualityError

QUERY_FILES = sorted(p.name for p in queries.QUERY_DIR.glob("*.sql"))


@pytest.fixture(scope="module")
def loaded(module_pipeline_env):
    pipeline_env = module_pipeline_env
    for night in (date(2023, 5, 9), date(2023, 5, 10)):
        nightly.run_night(night, run_id=f"queries-{night}")
    pipeline_env["site"].add_fault("AEN20230511", "404")  # so the failures query has something to show
    try:
        nightly.run_night(date(2023, 5, 11), run_id="queries-2023-05-11")
    except DataQualityError:
        pass  # a night of only failures fails its check; the failures are what we want here
    return pipeline_env


def sample_parameters(cur) -> dict:
    cur.execute("SELECT story_id, headline FROM stories ORDER BY revision_count DESC, story_id LIMIT 1")
    story_id, headline = cur.fetchone()
    word = max(headline.split(), key=len).strip("()',.\"")  # a word of a real headline, for search_stories.sql
    return {"day": "2023-05-10", "failures_day": "2023-05-11", "story_id": story_id, "q": word,
            "date_from": "2023-05-01", "date_to": "2023-05-31", "section": None, "max_rows": 10}


@pytest.mark.parametrize("name", QUERY_FILES)
def test_example_query_runs_and_returns_rows(loaded, name):
    with psycopg2.connect(loaded["database_url"]) as conn, conn.cursor() as cur:
        samples = sample_parameters(cur)
        params = {key: samples["failures_day"] if (name.startswith("failures") and key == "day") else samples[key]
                  for key in queries.parameters(name)}
        columns, rows = queries.run_named(cur, name, params)
    assert columns and rows, f"{name} returned no rows for {params}"


def test_queries_bind_every_value():
    for name in QUERY_FILES:
        text = queries.query_text(name)
        assert "{" not in text and "%s" not in text.replace("%(", ""), f"{name} should use only named %(x)s binds"


def test_example_queries_run_in_psql_as_the_readme_shows(loaded):
    """`psql "$DATABASE_URL" -v day=... -f sql/queries/NAME.sql`: the same rows as from Python, every file."""
    import csv
    import io
    import shutil
    import subprocess

    psql = shutil.which("psql")
    if psql is None:
        pytest.skip("psql is not installed")
    for name in QUERY_FILES:
        with psycopg2.connect(loaded["database_url"]) as conn, conn.cursor() as cur:
            samples = sample_parameters(cur)
            params = {key: samples["failures_day"] if (name.startswith("failures") and key == "day") else samples[key]
                      for key in queries.parameters(name)}
            _, rows = queries.run_named(cur, name, params)
        args = [psql, loaded["database_url"], "-X", "--csv", "-t", "-v", "ON_ERROR_STOP=1",
                "-f", str(queries.QUERY_DIR / name)]
        for key, value in params.items():
            args[1:1] = ["-v", f"{key}={'' if value is None else value}"]  # psql: '' for NULL
        proc = subprocess.run(args, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, (name, proc.stderr)
        # CSV, since a value (a search snippet) may span lines
        assert len(list(csv.reader(io.StringIO(proc.stdout)))) == len(rows) > 0, name


def test_python_binds_psql_variables_and_keeps_casts():
    assert queries.to_bound("SELECT x::date = :'day'::date AND y LIKE '%a'") == \
        "SELECT x::date = %(day)s::date AND y LIKE '%%a'"
