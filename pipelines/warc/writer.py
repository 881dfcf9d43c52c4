"""WARC files written record by record, spooled locally, rotated by size, then put in the raw store.

A file is written under the spool folder (WIREDESK_HOME/warc-spool/<key>.open), one gzip member per
record, flushed after each record and held under an exclusive flock while its writer lives. When it
reaches the size limit (or the crawl closes) it is indexed (CDXJ beside it), put in the raw store
under its key, and removed from the spool.

Crash safety: a crawl killed mid-file leaves every record written before the kill whole (each is a
complete gzip member on disk); only the record being written can be cut. `recover_spool` (run
whenever a writer opens, and by `python -m pipelines.warc recover`) takes each spool file no live
writer holds, cuts it after its last complete member, and finishes it like a normal close, so
`warcio check` passes on every file in the store.
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
import tempfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from warcio.warcwriter import WARCWriter

from pipelines.warc import cdxj_key, warc_key

log = logging.getLogger(__name__)
SPOOL_SUFFIX = ".open"
DEFAULT_MAX_BYTES = 1024 ** 3  # about 1 GB a file, as CC-NEWS rotates
_SCAN_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class RecordLocation:
    """Where one record is: its file's key in the raw store, byte offset and length (gzip member)."""

    key: str
    offset: int
    length: int
    record_id: str
    warc_date: str
    record_type: str
    payload_digest: str | None


def new_run_name(now: datetime | None = None) -> str:
    """<UTC start time>-<random tag>: unique per crawl process, sorts by time."""
    now = now or datetime.now(timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def spool_path(spool_dir: Path, key: str) -> Path:
    return Path(spool_dir) / (key + SPOOL_SUFFIX)


def complete_members_end(path: Path) -> int:
    """Byte offset just after the last complete gzip member of the file (0 if none is whole)."""
    good = pos = 0
    inflater = zlib.decompressobj(wbits=31)
    with open(path, "rb") as handle:
        chunk = handle.read(_SCAN_CHUNK)
        while chunk:
            try:
                inflater.decompress(chunk)  # the output is not needed: only where members end
            except zlib.error:
                return good
            if inflater.eof:
                rest = inflater.unused_data
                good = pos + len(chunk) - len(rest)
                pos = good
                inflater = zlib.decompressobj(wbits=31)
                chunk = rest or handle.read(_SCAN_CHUNK)
            else:
                pos += len(chunk)
                chunk = handle.read(_SCAN_CHUNK)
    return good


def write_cdxj(warc_path: Path, out_path: Path, filename: str) -> None:
    from cdxj_indexer.main import CDXJIndexer

    CDXJIndexer(output=str(out_path), inputs=[str(warc_path)], filename=filename, sort=True).process_all()


def publish(store, path: Path, key: str) -> None:
    """Index the finished file and put both in the raw store (the index last: its presence says the
    file beside it is complete)."""
    with tempfile.TemporaryDirectory(prefix="wiredesk-cdxj-") as work:
        index = Path(work) / "index.cdxj"
        write_cdxj(path, index, os.path.basename(key))
        store.put_file(key, path, "application/warc")
        store.put_file(cdxj_key(key), index, "application/cdxj+json")


def key_of_spool(spool_dir: Path, path: Path) -> str:
    return str(path.relative_to(spool_dir)).removesuffix(SPOOL_SUFFIX)


def recover_spool(store, spool_dir: Path) -> list[dict]:
    """Finish every spool file no live writer holds: cut after the last whole record, publish, remove.
    Returns what was done, one dict a file ({key, kept_bytes, dropped_bytes})."""
    spool_dir = Path(spool_dir)
    done = []
    if not spool_dir.is_dir():
        return done
    for path in sorted(spool_dir.rglob("*" + SPOOL_SUFFIX)):
        with open(path, "r+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a running crawl is writing it
            size = os.fstat(handle.fileno()).st_size
            end = complete_members_end(path)
            key = key_of_spool(spool_dir, path)
            if end < size:
                handle.truncate(end)
                handle.flush()
                os.fsync(handle.fileno())
            if end > 0:
                publish(store, path, key)
            log.warning("finished the WARC file %s left by an interrupted crawl: kept %d bytes, dropped %d "
                        "(the record being written when it stopped)", key, end, size - end)
            path.unlink()
            done.append({"key": key, "kept_bytes": end, "dropped_bytes": size - end})
    return done


class RotatingWarcWriter:
    """WARC/1.1 files of one crawl process: <run>-00001.warc.gz, -00002, ... rotated at max_bytes.

    Each file opens with a warcinfo record (`info`). `write` keeps a group of records (a request and
    its response) in one file and returns where each went.
    """

    def __init__(self, store, spool_dir: Path, *, source: str, day: date, run: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES, info: dict | None = None):
        self.store = store
        self.spool_dir = Path(spool_dir)
        self.source, self.day = source, day
        self.run = run or new_run_name()
        self.max_bytes = max_bytes
        self.info = dict(info or {})
        self.seq = 0
        self.handle = None
        self.writer: WARCWriter | None = None
        self.key: str | None = None
        self.path: Path | None = None
        self.published: list[str] = []
        self.unpublished: list[str] = []  # files a store failure left in the spool (the next run publishes)

    # record construction is warcio's (WARCWriter is also its RecordBuilder)
    @property
    def builder(self) -> WARCWriter:
        return self.writer or WARCWriter(None, gzip=True, warc_version="1.1")

    def _open(self) -> None:
        self.seq += 1
        self.key = warc_key(self.source, self.day, self.run, self.seq)
        self.path = spool_path(self.spool_dir, self.key)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "xb")
        fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.writer = WARCWriter(self.handle, gzip=True, warc_version="1.1")
        info = self.writer.create_warcinfo_record(os.path.basename(self.key), self.info)
        self.writer.write_record(info)
        self.handle.flush()

    def write(self, records) -> list[RecordLocation]:
        if self.handle is None:
            self._open()
        placed = []
        for record in records:
            offset = self.handle.tell()
            self.writer.write_record(record)
            self.handle.flush()  # in the OS's hands: a killed process loses at most this record
            headers = record.rec_headers
            placed.append(RecordLocation(self.key, offset, self.handle.tell() - offset,
                                         headers.get_header("WARC-Record-ID"), headers.get_header("WARC-Date"),
                                         record.rec_type, headers.get_header("WARC-Payload-Digest")))
        if self.handle.tell() >= self.max_bytes:
            self._finish()
        return placed

    def _finish(self) -> None:
        handle, path, key = self.handle, self.path, self.key
        self.handle = self.writer = None
        try:
            handle.flush()
            os.fsync(handle.fileno())
            publish(self.store, path, key)  # still under our lock: no recovery takes it meanwhile
            path.unlink()
            self.published.append(key)
        except Exception as exc:  # noqa: BLE001 - the file stays in the spool, whole; the next run publishes it
            log.error("WARC file %s could not be put in the raw store (left in %s for the next run): %s",
                      key, path, exc)
            self.unpublished.append(key)
        finally:
            handle.close()

    def close(self) -> None:
        if self.handle is not None:
            self._finish()
        with contextlib.suppress(OSError):  # empty day folders of the spool
            for folder in sorted({p for p in self.spool_dir.rglob("*") if p.is_dir()}, reverse=True):
                folder.rmdir() if not any(folder.iterdir()) else None
