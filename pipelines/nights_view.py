"""The "wiredesk nights" view inside the Airflow UI: a FastAPI app that plugins/wiredesk_nights.py
mounts at /wiredesk in Airflow's API server, shown by the UI as a nav entry and as a tab on every
DAG run page (external views, in an iframe).

    GET /wiredesk/nights                    the last 90 nights: chart and table (nav entry)
    GET /wiredesk/runs/{dag_id}/{run_id}    the night of one run (DAG run tab)
    GET /wiredesk/api/nights?days=90        the same rows as JSON
    GET /wiredesk/static/...                the vendored chart library (uPlot, MIT; see nights_static/README)

Every route requires Airflow's own login (the UI's `_token` cookie or a bearer token) and read access
to yonhap_nightly's runs: plugin endpoints are not protected by Airflow unless they ask, so the app
carries the dependency itself. wiredesk data is read as the analyst role where configured
(pipelines.nights.reader_url).
"""
from __future__ import annotations

import html
import json
import re
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from pipelines import nights

STATIC = Path(__file__).with_name("nights_static")
STATIC_FILES = {"uPlot.iife.min.js": "text/javascript", "uPlot.min.css": "text/css"}
DAG_ID = nights.NIGHTLY_DAG_ID
WHERE_AIRFLOW_SHOWS_IT = ("Airflow itself shows a run's summary on the check task's XCom (return_value) and on the "
                          "run's event of the asset <code>wiredesk://yonhap/stories</code> (Assets, or the check "
                          "task's Asset Events); the run's own Asset Events tab lists consumed events only.")


def require_nightly_run_access():
    """Airflow's own authentication and authorization: a logged-in user allowed to read yonhap_nightly's runs."""
    from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity
    from airflow.api_fastapi.core_api.security import requires_access_dag

    return requires_access_dag("GET", DagAccessEntity.RUN, param_dag_id=DAG_ID)


MAX_PATH_VALUE = 250  # Airflow's own limit on DAG and run ids
_BAD_PATH_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\ufffd\ud800-\udfff]")


def bad_path_value(value: str) -> str | None:
    """Why a DAG or run id from the url can be no id (NUL or other control bytes, bytes that were no
    UTF-8, too long), or None. Refused with 400 before anything reads it: PostgreSQL cannot even take
    a NUL as a query parameter."""
    if len(value) > MAX_PATH_VALUE:
        return f"longer than {MAX_PATH_VALUE} characters"
    if _BAD_PATH_CHARACTERS.search(value):
        return "control characters or bytes that are not UTF-8 in it"
    return None


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


# Links into the Airflow UI (a run, a task's log) carry data-airflow; AIRFLOW_NAV_JS makes them work
# inside the UI's plugin iframe (see there). Opened on its own, the page follows them as plain links.
MAX_TASK_LINKS = 10


def _airflow_link(path: str, text: str, css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return f'<a{klass} data-airflow target="_top" href="{_e(path)}">{_e(text)}</a>'


def run_path(dag_id: str, run_id: str) -> str:
    return f"/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}"


def task_path(dag_id: str, run_id: str, task: dict) -> str:
    """The task instance in the UI; a mapped one (map_index >= 0) at .../tasks/<task>/mapped/<i>."""
    path = f"{run_path(dag_id, run_id)}/tasks/{quote(task['task_id'], safe='')}"
    map_index = task.get("map_index")
    return f"{path}/mapped/{map_index}" if isinstance(map_index, int) and map_index >= 0 else path


def _run_link(dag_id: str, run_id: str) -> str:
    return _airflow_link(run_path(dag_id, run_id), run_id)


def _task_links(dag_id: str, run_id: str, failed: list[dict]) -> str:
    def label(task: dict) -> str:
        map_index = task.get("map_index")
        mapped = f" [{map_index}]" if isinstance(map_index, int) and map_index >= 0 else ""
        return f"{task['task_id']}{mapped} log"

    links = [_airflow_link(task_path(dag_id, run_id, t), label(t), "bad") for t in failed[:MAX_TASK_LINKS]]
    if len(failed) > MAX_TASK_LINKS:
        links.append(f"<span class='small'>and {len(failed) - MAX_TASK_LINKS} more</span>")
    return " ".join(links)


def _compact(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {_compact(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:.1%}" if 0 <= value <= 1 else f"{value:.2f}"
    if isinstance(value, list):
        return ", ".join(_compact(v) for v in value)
    return str(value)


def coverage_line(cov: dict, short: bool = False) -> str:
    """A night's discovery coverage (pipelines.discovery.coverage.night_coverage) in one readable line;
    `short` (the nights table) says EMPTY without the reasons and leaves out the overlap: the run tab
    keeps the whole record."""
    line = f"{cov.get('in_window', 0)} in the night: {cov.get('fetched', 0)} fetched, {cov.get('failed', 0)} failed"
    if cov.get("named_not_fetched"):
        line += f", {cov['named_not_fetched']} named but not fetched"
    surfaces = []
    for name, entry in (cov.get("surfaces") or {}).items():
        text = f"{name} {entry.get('in_window', 0)} of {entry.get('seen', 0)} seen"
        if entry.get("unread"):
            text += f", {len(entry['unread'])} reads failed"
        if entry.get("empty_reason"):
            text += " (EMPTY)" if short else f" (EMPTY: {entry['empty_reason']})"
        surfaces.append(text)
    if surfaces:
        line += "; " + ", ".join(surfaces)
    if cov.get("overlap") and not short:
        line += "; overlap " + ", ".join(f"{k} {v}" for k, v in cov["overlap"].items())
    serials = cov.get("serials") or {}
    if serials.get("highest"):
        line += (f"; serials 1-{serials['highest']}, {serials.get('missing', 0)} missing "
                 f"({serials.get('missing_share', 0):.0%})")
    if cov.get("fetched_out_of_window"):
        line += f"; {cov['fetched_out_of_window']} fetched outside the night"
    return line


TABLE_CELL_CHARS = 300  # a cell of the nights table; the run tab shows everything


def _coverage(summary: dict, short: bool = False) -> str:
    cov = summary.get("coverage")
    parts = [f"coverage: {coverage_line(cov, short)}" if isinstance(cov, dict) and "surfaces" in cov
             else f"coverage: {_compact(cov)}"] if cov else []
    parts += [f"{k}: {_compact(v)}" for k, v in summary.items()
              if (k.startswith("coverage") and k != "coverage") or "drift" in k]
    return _cut("; ".join(parts)) if short else "; ".join(parts)


def headline(problem: str) -> str:
    """What a problem is, without its evidence: its first line, up to its second ": " ("discovery drift:
    surface feeds yielded no item ... (it yielded 5, 6 on the previous nights)", without the failed
    reads that follow), at most 160 characters."""
    first = (problem.strip().splitlines() or [""])[0]
    return _cut(": ".join(first.split(": ")[:2]), 160)


def _cut(text: str, limit: int = TABLE_CELL_CHARS) -> str:
    """The first line of `text`, at most `limit` characters (the rest is in the run tab)."""
    line = (text.strip().splitlines() or [""])[0]
    return line if len(line) <= limit and line == text.strip() else line[:limit - 1].rstrip() + "…"


def night_state(row: dict, airflow: dict | None) -> str:
    """One word for the night: the Airflow run's state when known, else wiredesk's status."""
    if airflow and airflow.get("state") in ("failed", "running", "queued"):
        return airflow["state"]
    return "failed" if row["status"] == "failed" else ("ok" if row["status"] == "ok" else row["status"])


PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/wiredesk/static/uPlot.min.css">
<style>
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 16px; color: #1a202c; background: #fff; }}
h1 {{ font-size: 20px; margin: 0 0 4px; }} h2 {{ font-size: 16px; margin: 18px 0 6px; }}
.sub {{ color: #4a5568; margin-bottom: 12px; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #e2e8f0; padding: 4px 6px; text-align: left; vertical-align: top; }}
th {{ background: #f7fafc; position: sticky; top: 0; }} td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
.ok {{ color: #276749; font-weight: 600; }} .failed, .bad {{ color: #c53030; font-weight: 600; }}
.running, .queued {{ color: #b7791f; font-weight: 600; }} .small {{ color: #4a5568; font-size: 12px; }}
#chart {{ margin: 8px 0 16px; }} code {{ background: #edf2f7; padding: 0 3px; }}
</style></head><body>{body}</body></html>"""


def render_nights(rows: list[dict], airflow: dict[str, dict], who: str, apart: list[dict] | None = None) -> str:
    chart_data = [{"night": r["night"].isoformat(), "pages": r["pages_fetched"], "stories": r["stories"],
                   "stories_new": r["stories_new"], "failed_pages": r["pages_failed"] + r["pages_failed_extract"],
                   "failed": night_state(r, airflow.get(r["run_id"])) == "failed"} for r in reversed(rows)]
    body = [f"<h1>wiredesk nights</h1><div class='sub'>The latest run of each KST night, {len(rows)} night(s)"
            f"{' up to ' + rows[0]['night'].isoformat() if rows else ''} (at most 90). Data read through {_e(who)}."
            f"<br><span class='small'>{WHERE_AIRFLOW_SHOWS_IT}</span></div>"]
    if not rows:
        body.append("<p>No night has been crawled yet: unpause or trigger <code>yonhap_nightly</code>.</p>")
    else:
        body.append('<div id="chart"></div>')
        body.append(nights_table(rows, airflow))
    if apart:
        first, last = nights.plausible_nights()
        body.append(f"<h2>Runs of nights outside {first.isoformat()} .. {last.isoformat()} (KST)</h2>"
                    "<div class='sub'>A crawl of a night no wire copy can be of (before 1990, or after tomorrow in "
                    "KST): kept apart so that it never moves the window above.</div>" + nights_table(apart, airflow))
    body.append(f"<script>{AIRFLOW_NAV_JS}</script>")
    if rows:
        body.append("<script src='/wiredesk/static/uPlot.iife.min.js'></script><script>"
                    f"const rows = {json.dumps(chart_data)};" + CHART_JS + "</script>")
    return PAGE.format(title="wiredesk nights", body="".join(body))


def _number(key: str):
    return lambda r, af: f"<td class='n'>{_e(r.get(key))}</td>"


def _night_cell(r: dict, af: dict | None) -> str:
    return (f"<td><a target='_self' href='/wiredesk/runs/{DAG_ID}/{quote(r['run_id'], safe='')}'>"
            f"{r['night'].isoformat()}</a></td>")


def _state_cell(r: dict, af: dict | None) -> str:
    state = night_state(r, af)
    return f"<td class='{_e(state)}'>{_e(state)}</td>"


def _run_cell(r: dict, af: dict | None) -> str:
    more = f"<div class='small'>{r['runs_of_night']} runs of this night</div>" if r["runs_of_night"] > 1 else ""
    return f"<td>{_run_link(DAG_ID, r['run_id'])}{more}</td>"


def _reasons_cell(r: dict, af: dict | None) -> str:
    return "<td>" + ", ".join(f"{_e(k)} {v}" for k, v in sorted(r["failures_by_reason"].items())) + "</td>"


def _coverage_cell(r: dict, af: dict | None) -> str:
    return f"<td>{_e(_coverage(r['summary'] or {}, short=True))}</td>"


def _capture_cell(r: dict, af: dict | None) -> str:
    from pipelines.capture.coverage import line

    return f"<td>{_e(line((r['summary'] or {}).get('capture')))}</td>"


def _problems_cell(r: dict, af: dict | None) -> str:
    flagged = "<br>".join(_e(headline(p)) for p in nights.problems_and_warnings(r["summary"] or {}))
    return f"<td class='bad'>{flagged}</td>"


def _task_logs_cell(r: dict, af: dict | None) -> str:
    return f"<td>{_task_links(DAG_ID, r['run_id'], (af or {}).get('failed_tasks', []))}</td>"


# The nights table, one (header, cell) per column; a cell is given the night's row (pipelines.nights) and
# the Airflow run (or None) and returns its <td>, short: the run tab holds the whole record. A new figure
# per night is one more entry here (and its column in pipelines.nights.COLUMNS).
NIGHT_COLUMNS = [
    ("night (KST)", _night_cell), ("state", _state_cell), ("run", _run_cell),
    ("pages fetched", _number("pages_fetched")), ("failed fetch", _number("pages_failed")),
    ("failed extract", _number("pages_failed_extract")), ("failures by reason", _reasons_cell),
    ("revisions new", _number("revisions_new")), ("stories", _number("stories")), ("new", _number("stories_new")),
    ("revised", _number("stories_revised")), ("unchanged", _number("stories_unchanged")),
    ("coverage / drift", _coverage_cell), ("problems, warnings", _problems_cell),
    ("failed task logs", _task_logs_cell), ("capture", _capture_cell),
]


def nights_table(rows: list[dict], airflow: dict[str, dict]) -> str:
    """One row per night, every cell short: the night's link opens its run tab with the whole record."""
    head = "<tr>" + "".join(f"<th>{_e(name)}</th>" for name, _ in NIGHT_COLUMNS) + "</tr>"
    lines = ["<tr>" + "".join(cell(r, airflow.get(r["run_id"])) for _, cell in NIGHT_COLUMNS) + "</tr>"
             for r in rows]
    return f"<table>{head}{''.join(lines)}</table>"


# Airflow 3.3 shows plugin views in an iframe sandboxed with "allow-scripts allow-same-origin allow-forms
# allow-downloads": no allow-top-navigation (target=_top does nothing) and no allow-popups (nor does
# target=_blank). The iframe is same-origin with the Airflow UI, a single-page app routed on the browser's
# history: a link into the UI pushes its path onto the parent's history and tells the UI's router with a
# popstate event, as the browser's own Back and Forward do. Not framed, the link is followed as it is.
AIRFLOW_NAV_JS = """
document.addEventListener('click', function (event) {
  var link = event.target.closest ? event.target.closest('a[data-airflow]') : null;
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey
      || event.altKey) return;
  var ui = null;
  try {
    if (window.parent !== window && window.parent.location.origin === window.location.origin) ui = window.parent;
  } catch (e) { ui = null; }
  if (!ui) return;
  event.preventDefault();
  var base = new URL(ui.document.baseURI);
  var target = new URL(link.getAttribute('href').replace(/^\//, ''), base.origin + base.pathname.replace(/\/?$/, '/'));
  var previous = ui.history.state || {};
  var index = typeof previous.idx === 'number' ? previous.idx + 1 : 0;
  ui.history.pushState({usr: null, key: Math.random().toString(36).slice(2, 10), idx: index}, '',
                       target.pathname + target.search + target.hash);
  ui.dispatchEvent(new ui.PopStateEvent('popstate', {state: ui.history.state}));
});
"""


# Pages and stories per night as lines, failed pages as bars, failed nights as red markers.
CHART_JS = """
// x: the night as a day (its date at 00:00 UTC), labelled with the KST date whatever the browser's zone
const xs = rows.map(r => Date.parse(r.night + 'T00:00:00Z') / 1000);
const day = v => new Date(v * 1000).toISOString().slice(0, 10);
const DAY = 86400;
const pages = rows.map(r => r.pages), stories = rows.map(r => r.stories), newStories = rows.map(r => r.stories_new);
const failedPages = rows.map(r => r.failed_pages);
const failedNights = rows.map(r => r.failed ? Math.max(r.pages, 1) : null);
const width = Math.max(600, document.body.clientWidth - 40);
new uPlot({
  title: 'Pages and stories per night (red: failed night)', width: width, height: 280,
  scales: { x: { time: false, range: (u, min, max) => [min - DAY / 2, max + DAY / 2] } },
  series: [
    { label: 'night (KST)', value: (u, v) => v == null ? '' : day(v) },
    { label: 'pages fetched', stroke: '#3182ce', width: 2, points: { show: true } },
    { label: 'stories', stroke: '#38a169', width: 2, points: { show: true } },
    { label: 'new stories', stroke: '#805ad5', width: 1, dash: [4, 4] },
    { label: 'pages failed', stroke: '#dd6b20', fill: 'rgba(221,107,32,0.25)', paths: uPlot.paths.bars({ size: [0.4, 30] }) },
    { label: 'failed night', stroke: '#e53e3e', fill: '#e53e3e', paths: () => null,
      points: { show: true, size: 12, stroke: '#e53e3e', fill: '#e53e3e' } },
  ],
  axes: [{ incrs: [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY], values: (u, splits) => splits.map(day), space: 70 },
         { label: 'count' }],
}, [xs, pages, stories, newStories, failedPages, failedNights], document.getElementById('chart'));
"""


def _kv_table(summary: dict) -> str:
    rows = "".join(f"<tr><th>{_e(k)}</th><td><code>{_e(json.dumps(v, default=_json_default))[:2000]}</code></td></tr>"
                   for k, v in summary.items())
    return f"<table>{rows}</table>"


def render_run(dag_id: str, run_id: str, night: dict | None, others: list[dict], airflow: dict[str, dict],
               who: str) -> str:
    if night is None:
        note = ("only runs of <code>yonhap_nightly</code> crawl a night" if dag_id != DAG_ID else
                "this run has not recorded a crawl yet (its crawl task has not started, or failed before "
                "reaching the database)")
        af = airflow.get(run_id) or {}
        links = _task_links(dag_id, run_id, af.get("failed_tasks", []))
        body = (f"<h1>wiredesk: run {_e(run_id)}</h1><p>No wiredesk night for this run: {note}.</p>"
                + (f"<p>Failed task logs: {links}</p>" if links else "")
                + "<p><a href='/wiredesk/nights'>All nights</a></p>" + f"<script>{AIRFLOW_NAV_JS}</script>")
        return PAGE.format(title="wiredesk night", body=body)
    af = airflow.get(run_id)
    state = night_state(night, af)
    summary = night["summary"] or {}
    counts = [("state", f"<span class='{_e(state)}'>{_e(state)}</span> (wiredesk status {_e(night['status'])})"),
              ("run", _run_link(dag_id, run_id)),
              ("pages discovered / fetched", f"{night['pages_discovered']} / {night['pages_fetched']}"),
              ("pages failed: fetch or archive / extract", f"{night['pages_failed']} / {night['pages_failed_extract']}"),
              ("failures by reason", _e(", ".join(f"{k} {v}" for k, v in sorted(night["failures_by_reason"].items()))
                                        or "none")),
              ("revisions new", night["revisions_new"]),
              ("stories (new / revised / unchanged)", f"{night['stories']} ({night['stories_new']} / "
                                                      f"{night['stories_revised']} / {night['stories_unchanged']})"),
              ("coverage / drift", _e(_coverage(summary) or "not recorded")),
              ("problems, warnings", "<br>".join(_e(p) for p in nights.problems_and_warnings(summary)) or "none"),
              ("failed task logs", _task_links(dag_id, run_id, (af or {}).get("failed_tasks", [])) or "none"),
              ("started / finished (UTC)", f"{_e(night['started_at'])} / {_e(night['finished_at'])}")]
    body = [f"<h1>wiredesk night {night['night'].isoformat()} (KST)</h1>"
            f"<div class='sub'>Run {_e(run_id)}; data read through {_e(who)}. <a href='/wiredesk/nights'>All nights</a>"
            f"<br><span class='small'>{WHERE_AIRFLOW_SHOWS_IT}</span></div>",
            "<table>" + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in counts) + "</table>"]
    if night["failures"]:
        body.append("<h2>Open failures</h2><table><tr><th>stage</th><th>url</th><th>http</th><th>reason</th>"
                    "<th>attempts</th></tr>" + "".join(
                        f"<tr><td>{_e(f['stage'])}</td><td>{_e(f['url'])}</td><td>{_e(f['http_status'])}</td>"
                        f"<td>{_e(f['reason'])}</td><td class='n'>{f['attempts']}</td></tr>" for f in night["failures"])
                    + "</table>")
    others = [o for o in others if o["run_id"] != run_id]
    if others:
        body.append("<h2>Other runs of this night</h2><ul>" + "".join(
            f"<li>{_run_link(DAG_ID, o['run_id'])}: {_e(o['status'])}, revisions new {o['revisions_new']}, "
            f"stories new {o['stories_new']}</li>" for o in others) + "</ul>")
    body.append("<h2>The whole summary (crawl_runs.summary)</h2>" + (_kv_table(summary) if summary else
                                                                      "<p>Not written yet: the check has not run.</p>"))
    body.append(f"<script>{AIRFLOW_NAV_JS}</script>")
    return PAGE.format(title=f"wiredesk night {night['night'].isoformat()}", body="".join(body))


def create_app() -> FastAPI:
    app = FastAPI(title="wiredesk nights", dependencies=[Depends(require_nightly_run_access())],
                  docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/nights", response_class=HTMLResponse)
    def nights_page(days: int = Query(90, ge=1, le=366)):
        url, who = nights.reader_url()
        rows = nights.latest_nights(days, url)
        apart = nights.implausible_nights(url)
        airflow = nights.airflow_runs(DAG_ID, [r["run_id"] for r in rows + apart])
        return HTMLResponse(render_nights(rows, airflow, who, apart))

    @app.get("/api/nights")
    def nights_json(days: int = Query(90, ge=1, le=366)):
        url, _ = nights.reader_url()
        rows = nights.latest_nights(days, url)
        airflow = nights.airflow_runs(DAG_ID, [r["run_id"] for r in rows])
        for r in rows:
            r["airflow"] = airflow.get(r["run_id"])
            r["state"] = night_state(r, r["airflow"])
        return JSONResponse(json.loads(json.dumps(rows, default=_json_default)))

    @app.get("/runs/{dag_id}/{run_id}", response_class=HTMLResponse)
    def run_page(dag_id: str, run_id: str):
        for name, value in (("DAG id", dag_id), ("run id", run_id)):
            refusal = bad_path_value(value)
            if refusal:
                raise HTTPException(status_code=400, detail=f"no such {name}: {refusal}")
        url, who = nights.reader_url()
        night = nights.night_of_run(run_id, url) if dag_id == DAG_ID else None
        others = nights.runs_of_night(night["night"], url) if night else []
        airflow = nights.airflow_runs(dag_id, [run_id] + [o["run_id"] for o in others])
        return HTMLResponse(render_run(dag_id, run_id, night, others, airflow, who))

    @app.get("/static/{name}")
    def static(name: str):
        if name not in STATIC_FILES:
            raise HTTPException(status_code=404)
        return FileResponse(STATIC / name, media_type=STATIC_FILES[name],
                            headers={"Cache-Control": "private, max-age=86400"})

    return app
