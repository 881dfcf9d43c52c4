"""Reading a page back from WARC: one record by (file key, offset, length), or a raw page by raw_key."""
from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from warcio.archiveiterator import ArchiveIterator


class WarcRecordMissing(LookupError):
    """The page has no WARC record (archived before WARC was written) or the record is not where it says."""


@dataclass
class WarcRecordRead:
    record_type: str
    target_uri: str
    warc_headers: list[tuple[str, str]]
    status_line: str | None
    http_headers: list[tuple[str, str]]
    payload: bytes  # as received: before content decoding
    content: bytes  # content-decoded (what the content-addressed raw object holds)

    def warc_header(self, name: str) -> str | None:
        return next((v for k, v in self.warc_headers if k.lower() == name.lower()), None)

    def http_header(self, name: str) -> str | None:
        return next((v for k, v in self.http_headers if k.lower() == name.lower()), None)


def parse_record(data: bytes) -> WarcRecordRead:
    """One record from the bytes of its gzip member."""
    for record in ArchiveIterator(BytesIO(data)):
        http = record.http_headers
        payload = record.raw_stream.read()
        content = payload
        if http is not None:  # a second pass: the stream decodes content once, as it is read
            try:
                content = next(iter(ArchiveIterator(BytesIO(data)))).content_stream().read()
            except Exception:  # noqa: BLE001 - an undecodable encoding: the bytes as received are still there
                content = payload
        return WarcRecordRead(record.rec_type, record.rec_headers.get_header("WARC-Target-URI") or "",
                              list(record.rec_headers.headers), http.statusline if http else None,
                              list(http.headers) if http else [], payload, content)
    raise WarcRecordMissing("no WARC record in the given bytes")


def read_record(store, key: str, offset: int, length: int) -> WarcRecordRead:
    return parse_record(store.get_range(key, offset, length))


def read_raw_page(conn, store, raw_key: str) -> WarcRecordRead:
    """The response record of a page in raw_pages (the first capture of its payload)."""
    with conn.cursor() as cur:
        cur.execute("SELECT warc_key, warc_offset, warc_length, url FROM raw_pages WHERE raw_key = %s", (raw_key,))
        row = cur.fetchone()
    if row is None or row[0] is None:
        raise WarcRecordMissing(f"raw page {raw_key} has no WARC record")
    record = read_record(store, row[0], row[1], row[2])
    if record.record_type != "response" or record.target_uri != row[3]:
        raise WarcRecordMissing(f"{row[0]} at {row[1]} is a {record.record_type} of {record.target_uri}, "
                                f"not the response for {row[3]}")
    return record
