# wiredesk: the two commands are `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv pywb-venv dev demo test test-fast test-e2e-loaded bench bench-archive bench-capture bench-celery bench-extract eval-grouping bench-grouping bench-search airflow airflow-demo airflow-stop db-stop clean

# The virtual environment, installed from the pinned constraints (uv if it installs, else pip).
$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "needs $(PYTHON) (set PYTHON=python3.12 to use another 3.11+)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip uv || true
	if $(VENV)/bin/uv --version >/dev/null 2>&1; then \
	  $(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements-dev.txt -c constraints.txt; \
	else \
	  $(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt; \
	fi
	touch $(STAMP)

venv: $(STAMP)

# pywb (WARC replay, docs/warc.md) in a venv of its own: it pins older libraries than wiredesk's.
pywb-venv: $(STAMP)
	$(PY) -m pipelines.warc pywb-venv

# Ingest the replay site's nights through the real DAG on the embedded defaults, then show what landed.
demo: $(STAMP)
	$(PY) -m pipelines.demo

# Everything, as CI runs it.
test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider tests

# Without the tests that start Airflow.
test-fast: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider -m "not slow" tests

# The end-to-end tests three rounds in a row with every core kept busy (about 10 min a round on 2 cores).
test-e2e-loaded: $(STAMP)
	$(PY) tests/run_loaded.py --rounds 3

bench: $(STAMP)
	$(PY) -m pipelines.bench

# Crawl + archive into S3 that answers each PUT in 3 s (moto behind a slow proxy): pages/s with the writes
# serial and concurrent (WIREDESK_ARCHIVE_CONCURRENCY), and whether every page was stored.
# Add ARGS="--slowdown-every 3" for 503 SlowDown answers too.
bench-archive: $(STAMP)
	$(PY) -m pipelines.archive_bench $(ARGS)

# A replayed day of 300 pages with in-place edits: capture every 20 min 06:00 -> 12:00 next day + the nightly.
bench-capture: $(STAMP)
	$(PY) -m pipelines.capture.bench

# A generated night through Airflow on CeleryExecutor, with one worker and with two (docs/scaling.md).
bench-celery: $(STAMP)
	$(PY) -m pipelines.bench_celery

eval-grouping: $(STAMP)
	$(PY) -m pipelines.grouping.evaluate

bench-grouping: $(STAMP)
	$(PY) -m pipelines.grouping.bench

# The generic extraction path on the public article-extraction benchmark (181 pages of other sites; not in
# this repository): mean body F1 beside plain trafilatura, and the pages refused with their reasons.
# WIREDESK_EXTRACT_BENCH_DIR=<a clone of github.com/scrapinghub/article-extraction-benchmark>
bench-extract: $(STAMP)
	$(PY) -m pipelines.extract_bench

# Full-text search over a generated year (~40k stories): milliseconds per query.
bench-search: $(STAMP)
	$(PY) -m pipelines.search_bench

# The Airflow UI on the embedded defaults (prints URL and login). Runs happen only when triggered;
# `make airflow SCHEDULE=1` lets the scheduler crawl WIREDESK_YONHAP_BASE_URL every night once the
# nightly is unpaused. airflow-stop stops it and the embedded PostgreSQL it started.
airflow: $(STAMP)
	$(PY) -m pipelines.airflow_local start $(if $(SCHEDULE),--schedule)

# An installation of its own (<WIREDESK_HOME>/demo) with the replay site as the source and its nights
# already run (a first look with history); it never changes what `make airflow` does.
airflow-demo: $(STAMP)
	$(PY) -m pipelines.airflow_local start --demo

airflow-stop: $(STAMP)
	$(PY) -m pipelines.airflow_local stop

db-stop: $(STAMP)
	$(PY) -m pipelines.db stop

clean:
	rm -rf $(VENV) .wiredesk
