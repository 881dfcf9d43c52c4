"""Pack a range of nights into one WARC (and optionally WACZ): `python -m pipelines.warc export`.

    python -m pipelines.warc export --from 2023-05-09 --to 2023-05-11 OUT_DIR [--wacz] [--source yonhap]

Writes OUT_DIR/wiredesk-<source>-<from>-<to>.warc.gz, its .cdxj index, and with --wacz a .wacz
(the `wacz` package; pages detected from the records). A range holds every raw page a crawl of one
of its KST nights fetched, once each, in fetch order:
- a page archived since WARC is written: its response record copied byte for byte from the night's
  WARC file (the gzip member raw_pages points to: status line, headers, payload as received);
- a page archived before: a response record rebuilt from its content-addressed object, marked
  `WARC-Wiredesk-Rebuilt` (the decoded body; status line from raw_pages; only Content-Type kept).
The file's warcinfo record counts both. The output is written to temporary names, then renamed.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines.warc.writer import write_cdxj

REBUILT_NOTE = ("rebuilt from the content-addressed raw object {raw_key}: archived before WARC was written; "
                "the body is the decoded page, the status from raw_pages, headers other than Content-Type "
                "were not kept")


@dataclass
class ExportResult:
    warc: Path
    cdxj: Path
    wacz: Path | None
    copied: int
    rebuilt: int


def pages_of_range(conn, source: str, first: date, last: date) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute("""
            SELECT p.raw_key, p.url, p.http_status, p.content_type, p.fetched_at, p.warc_key, p.warc_offset,
                   p.warc_length, coalesce(p.warc_date, p.fetched_at)
            FROM raw_pages p
            WHERE p.source = %s AND p.raw_key IN (
                SELECT rp.raw_key FROM crawl_run_pages rp JOIN crawl_runs r USING (crawl_run_id)
                WHERE r.source = %s AND (r.interval_start AT TIME ZONE 'Asia/Seoul')::date BETWEEN %s AND %s)
            ORDER BY p.fetched_at, p.raw_key""", (source, source, first, last))
        return cur.fetchall()


def _software() -> str:
    from importlib.metadata import version

    return f"wiredesk/0.1 pipelines.warc export (warcio {version('warcio')})"


def rebuilt_record(writer: WARCWriter, raw_key: str, url: str, status: int, content_type: str | None,
                   fetched_at: datetime, body: bytes):
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    headers = [("Content-Type", content_type)] if content_type else []
    headers.append(("Content-Length", str(len(body))))
    http = StatusAndHeaders(f"{status} {phrase}".rstrip(), headers, protocol="HTTP/1.1")
    when = fetched_at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body), http_headers=http,
                                     warc_headers_dict={"WARC-Date": when,
                                                        "WARC-Wiredesk-Rebuilt": REBUILT_NOTE.format(raw_key=raw_key)})


def write_pages(path: Path, rows: list[tuple]) -> None:
    """The WACZ page list (json-pages-1.0): each archived page, by url and capture time."""
    import json

    with open(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}) + "\n")
        for raw_key, url, *_, captured in rows:  # the record's WARC-Date: wacz matches pages by it
            handle.write(json.dumps({"id": raw_key, "url": url,
                                     "ts": captured.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}) + "\n")


def export_range(conn, store, source: str, first: date, last: date, out_dir: Path, wacz: bool = False) -> ExportResult:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = f"wiredesk-{source}-{first.isoformat()}-{last.isoformat()}"
    rows = pages_of_range(conn, source, first, last)
    copied = sum(1 for row in rows if row[5] is not None)
    final = out_dir / f"{name}.warc.gz"
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".tmp-", suffix=".warc.gz")
    try:
        with os.fdopen(fd, "wb") as handle:
            writer = WARCWriter(handle, gzip=True, warc_version="1.1")
            writer.write_record(writer.create_warcinfo_record(final.name, {
                "software": _software(), "format": "WARC File Format 1.1",
                "isPartOf": f"{source} {first.isoformat()}..{last.isoformat()}",
                "description": (f"{len(rows)} raw pages of the KST nights {first} to {last}: {copied} response "
                                f"records copied as received from the nights' WARC files, {len(rows) - copied} "
                                f"rebuilt from content-addressed objects (marked WARC-Wiredesk-Rebuilt)"),
            }))
            for raw_key, url, status, content_type, fetched_at, key, offset, length, _captured in rows:
                if key is not None:
                    handle.write(store.get_range(key, offset, length))  # one whole gzip member
                else:
                    writer.write_record(rebuilt_record(writer, raw_key, url, status, content_type, fetched_at,
                                                       store.get_page(raw_key)))
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    cdxj = out_dir / f"{name}.cdxj"
    write_cdxj(final, cdxj, final.name)
    wacz_path = None
    if wacz:
        wacz_path = out_dir / f"{name}.wacz"
        tmp_wacz = out_dir / f".tmp-{name}.wacz"
        pages = out_dir / f".tmp-{name}.pages.jsonl"
        write_pages(pages, rows)
        proc = subprocess.run([str(Path(sys.executable).with_name("wacz")), "create", "-o", str(tmp_wacz),
                               "-p", str(pages), "--title", f"wiredesk {source} {first}..{last}", str(final)],
                              capture_output=True, text=True, timeout=3600)
        pages.unlink(missing_ok=True)
        if proc.returncode != 0:
            tmp_wacz.unlink(missing_ok=True)
            raise RuntimeError(f"wacz create failed: {proc.stderr.strip()[-500:]}")
        os.replace(tmp_wacz, wacz_path)
    return ExportResult(final, cdxj, wacz_path, copied, len(rows) - copied)
