"""The raw archive: every fetched page, gzip-compressed, under a content-addressed key.

Key layout (the same on S3 and in the local folder):
    raw/<source>/<YYYY>/<MM>/<DD>/<article_id>/<sha256 of the page bytes>.html.gz
The date is the night (KST) the page was crawled for. Because the key names the bytes,
storing the same page again is a no-op and an overwrite could only write identical bytes.
"""
from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import re
import tempfile
import time
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines import config

SAFE_PART = re.compile(r"[^A-Za-z0-9._-]")
# After this many consecutive connection failures an S3 store stops trying for a while: a crawl
# archives pages one by one, and each attempt on a dead endpoint costs seconds of boto retries.
UNREACHABLE_AFTER = 3
UNREACHABLE_COOLDOWN_SECONDS = 30.0


class RawStoreError(RuntimeError):
    """The raw store could not be reached or refused a write; the message names no credentials."""


class RawPageUnreadable(RawStoreError):
    """An archived object is missing, truncated or not gzip: the page must be fetched again."""


# A raw page is at most this big once decompressed (pages are < 500 KB; the spider caps at 10 MB).
MAX_PAGE_BYTES = 16 * 1024 * 1024
_CHUNK = 64 * 1024


def gunzip_capped(chunks, cap: int = MAX_PAGE_BYTES) -> bytes:
    """Decompress gzip data given as an iterable of byte chunks, never holding more than `cap`
    bytes of output: a bomb fails at the cap instead of at the machine's memory. Raises ValueError
    ("too_large: ..." or "truncated: ...") for what cannot be a page."""
    inflater = zlib.decompressobj(wbits=31)
    out = bytearray()
    for chunk in chunks:
        while chunk:
            out += inflater.decompress(chunk, cap + 1 - len(out))
            if len(out) > cap:
                raise ValueError(f"too_large: more than {cap} bytes once decompressed")
            chunk = inflater.unconsumed_tail
        if inflater.eof:
            break
    if not inflater.eof:
        raise ValueError("truncated: the gzip stream ends early")
    return bytes(out)


def read_chunks(handle, size: int = _CHUNK):
    while chunk := handle.read(size):
        yield chunk


@dataclass(frozen=True)
class StoredPage:
    key: str
    sha256: str
    size_bytes: int
    created: bool  # False when the same bytes were already archived


def page_key(source: str, night: date, article_id: str, sha256: str) -> str:
    article_part = SAFE_PART.sub("_", article_id)[:120] or "unknown"
    return f"raw/{source}/{night:%Y/%m/%d}/{article_part}/{sha256}.html.gz"


def _metadata(url: str, fetched_at: str, status: int, content_type: str | None) -> dict[str, str]:
    # S3 user metadata must be ASCII: urls are percent-encoded by the spider already.
    return {
        "url": url.encode("ascii", "backslashreplace").decode(),
        "fetched-at": fetched_at,
        "status": str(status),
        "content-type": (content_type or "").encode("ascii", "replace").decode(),
    }


class RawStore:
    """Common behaviour; subclasses implement _exists, _put, get_compressed, head."""

    def put_page(self, *, source: str, night: date, article_id: str, body: bytes, url: str,
                 fetched_at: str, status: int, content_type: str | None) -> StoredPage:
        sha = hashlib.sha256(body).hexdigest()
        key = page_key(source, night, article_id, sha)
        # mtime=0 keeps the gzip bytes a pure function of the page bytes.
        compressed = gzip.compress(body, compresslevel=6, mtime=0)
        stored = self._stored_state(key, compressed, sha)
        if stored == "intact":
            return StoredPage(key, sha, len(body), created=False)
        # A damaged object (truncated, emptied) under the key is replaced: the fetch that just
        # happened is the repair, and the key still names exactly these bytes.
        self._put(key, compressed, _metadata(url, fetched_at, status, content_type), replace=stored == "damaged")
        return StoredPage(key, sha, len(body), created=True)

    def _stored_state(self, key: str, compressed: bytes, sha: str) -> str:
        """'missing', 'intact' (the object holds the page whose sha256 the key names) or 'damaged'."""
        stored = self._get_if_exists(key, compressed)
        if stored is None:
            return "missing"
        if stored == compressed:
            return "intact"
        try:
            return "intact" if hashlib.sha256(gunzip_capped([stored])).hexdigest() == sha else "damaged"
        except (ValueError, zlib.error):
            return "damaged"

    def get_page(self, key: str) -> bytes:
        """The page bytes, or RawPageUnreadable naming the key (missing, truncated, not gzip, a bomb)."""
        try:
            return gunzip_capped([self.get_compressed(key)])
        except RawPageUnreadable:
            raise
        except (OSError, ValueError, zlib.error, EOFError) as exc:
            detail = ("missing" if isinstance(exc, FileNotFoundError)
                      else getattr(exc, "strerror", None) or str(exc) or type(exc).__name__)
            raise RawPageUnreadable(f"raw object {key} in {self.describe()} is unreadable: {detail}") from None

    def exists(self, key: str) -> bool:
        return self._exists(key)

    def check(self) -> None:
        """Raise RawStoreError unless the store can be reached (before a crawl fetches pages it cannot keep)."""


class LocalRawStore(RawStore):
    """A folder with the same key layout; metadata beside each object as <key>.meta.json."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def describe(self) -> str:
        return f"local folder {self.root}"

    def check(self) -> None:
        if not os.access(self.root, os.W_OK):
            raise RawStoreError(f"raw store {self.describe()} is not writable")

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise RawStoreError(f"key escapes the store: {key!r}")
        return path

    def _exists(self, key: str) -> bool:
        return self._path(key).exists()

    def _get_if_exists(self, key: str, expected: bytes) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise RawStoreError(f"raw store {self.describe()} cannot read {key}: {exc.strerror or exc}") from None

    def _put(self, key: str, data: bytes, metadata: dict[str, str], replace: bool = False) -> None:
        """Both files written to temporary names first, then renamed: a full disk, a read-only
        folder or a crash never leaves a half-written object (nor a temporary file behind)."""
        path = self._path(key)
        written: list[tuple[str, Path]] = []
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            for target, payload in ((path.with_name(path.name + ".meta.json"), json.dumps(metadata).encode()),
                                    (path, data)):
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
                written.append((tmp, target))
                with os.fdopen(fd, "wb") as handle:  # ENOSPC shows in write() or, delayed, in close()
                    handle.write(payload)
            for tmp, target in written:
                os.replace(tmp, target)
        except OSError as exc:
            for tmp, _ in written:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
            raise RawStoreError(f"raw store {self.describe()} refused a write of {key}: "
                                f"[Errno {exc.errno}] {exc.strerror or exc}") from None

    def get_compressed(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def put_curated(self, key: str, data: bytes, content_type: str) -> None:
        """Write (or replace) a derived object such as a night's Parquet export, atomically."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)

    def get_object(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def head(self, key: str) -> dict[str, str]:
        return json.loads(self._path(key).with_name(self._path(key).name + ".meta.json").read_text())

    def keys(self, prefix: str = "raw/") -> list[str]:
        base = self.root
        return sorted(str(p.relative_to(base)) for p in base.glob(prefix + "**/*.html.gz") if p.is_file())

    def put_file(self, key: str, source: Path, content_type: str) -> None:
        """Copy a finished file (a WARC, its index) under `key`, atomically (temporary name, rename)."""
        import shutil

        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle, open(source, "rb") as src:
                shutil.copyfileobj(src, handle, 1024 * 1024)
            os.replace(tmp, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise RawStoreError(f"raw store {self.describe()} refused a write of {key}: "
                                f"[Errno {exc.errno}] {exc.strerror or exc}") from None

    def get_range(self, key: str, offset: int, length: int) -> bytes:
        with open(self._path(key), "rb") as handle:
            handle.seek(offset)
            return handle.read(length)

    def list_keys(self, prefix: str) -> list[str]:
        base = self.root
        return sorted(str(p.relative_to(base)) for p in base.glob(prefix + "**/*")
                      if p.is_file() and not p.name.startswith(".tmp-"))


class S3RawStore(RawStore):
    def __init__(self, settings: config.S3Settings):
        import boto3
        from botocore.config import Config

        self.bucket = settings.bucket
        self.endpoint = settings.endpoint_url
        self._connection_failures = 0  # consecutive; reset by any answer from the server
        self._down_until = 0.0  # monotonic time before which calls fail without trying
        self.client = boto3.client(
            "s3",
            endpoint_url=settings.endpoint_url,
            aws_access_key_id=settings.access_key,
            aws_secret_access_key=settings.secret_key,
            region_name=settings.region,
            config=Config(
                retries={"max_attempts": 5, "mode": "standard"},
                connect_timeout=5,
                # one connection per concurrent archive write (spiders.pipelines.ArchiveRawPipeline)
                max_pool_connections=max(10, config.archive_concurrency()),
                read_timeout=30,
                # Some S3-compatible servers reject the CRC checksums boto3 sends by default.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    def describe(self) -> str:
        return f"s3://{self.bucket} at {self.endpoint or 'AWS'}"

    def _call(self, what: str, func, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError

        if time.monotonic() < self._down_until:
            raise RawStoreError(f"raw store {self.describe()} unreachable during {what}: {self._connection_failures} "
                                f"consecutive connection failures, not trying again for a while")
        try:
            result = func(Bucket=self.bucket, **kwargs)
        except ClientError:
            self._connection_failures = 0  # the server answered
            raise
        except BotoCoreError as exc:  # connection refused, timeouts: say where, never with credentials
            self._connection_failures += 1
            if self._connection_failures >= UNREACHABLE_AFTER:
                self._down_until = time.monotonic() + UNREACHABLE_COOLDOWN_SECONDS
            raise RawStoreError(f"raw store {self.describe()} unreachable during {what}: {type(exc).__name__}") from None
        self._connection_failures = 0
        return result

    def _exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._call("head_object", self.client.head_object, Key=key)
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise RawStoreError(f"raw store {self.describe()} refused head_object: {exc.response.get('Error', {}).get('Code')}") from None

    def _get_if_exists(self, key: str, expected: bytes) -> bytes | None:
        """The stored object, or None. A HEAD whose ETag is the MD5 of the expected bytes answers
        without downloading them (single-part uploads: the ETag is the body's MD5)."""
        from botocore.exceptions import ClientError

        try:
            head = self._call("head_object", self.client.head_object, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise RawStoreError(f"raw store {self.describe()} refused head_object: "
                                f"{exc.response.get('Error', {}).get('Code')}") from None
        if head.get("ETag", "").strip('"') == hashlib.md5(expected, usedforsecurity=False).hexdigest():
            return expected
        try:
            return self.get_compressed(key)
        except RawPageUnreadable:
            return None

    def _put(self, key: str, data: bytes, metadata: dict[str, str], replace: bool = False) -> None:
        from botocore.exceptions import ClientError

        # IfNoneMatch: write-once where the server supports it (the key names the bytes anyway);
        # not when replacing a damaged object under the same key.
        condition = {} if replace else {"IfNoneMatch": "*"}
        try:
            self._call("put_object", self.client.put_object, Key=key, Body=data, Metadata=metadata,
                        ContentType="application/gzip", **condition)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in ("PreconditionFailed", "412"):
                return  # a concurrent writer stored the same bytes first
            raise RawStoreError(f"raw store {self.describe()} refused put_object: {code}") from None

    def get_compressed(self, key: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self._call("get_object", self.client.get_object, Key=key)["Body"].read()
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in ("404", "NoSuchKey", "NotFound"):
                raise RawPageUnreadable(f"raw object {key} in {self.describe()} is unreadable: missing") from None
            raise RawStoreError(f"raw store {self.describe()} refused get_object: {code}") from None
        except BotoCoreError as exc:  # the body stream broke off mid-read
            raise RawStoreError(f"raw store {self.describe()} failed reading {key}: {type(exc).__name__}") from None

    def put_curated(self, key: str, data: bytes, content_type: str) -> None:
        """Write (or replace: a re-export of a night brings it up to date) a derived object."""
        from botocore.exceptions import ClientError

        try:
            self._call("put_object", self.client.put_object, Key=key, Body=data, ContentType=content_type)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            raise RawStoreError(f"raw store {self.describe()} refused put_object: {code}") from None

    def get_object(self, key: str) -> bytes:
        return self.get_compressed(key)

    def head(self, key: str) -> dict[str, str]:
        return self._call("head_object", self.client.head_object, Key=key)["Metadata"]

    def keys(self, prefix: str = "raw/") -> list[str]:
        found = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            found.extend(obj["Key"] for obj in page.get("Contents", []))
        return sorted(found)

    def put_file(self, key: str, source: Path, content_type: str) -> None:
        """Upload a finished file (multipart when large: a WARC may be about 1 GB)."""
        from boto3.s3.transfer import TransferConfig
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.upload_file(str(source), self.bucket, key, ExtraArgs={"ContentType": content_type},
                                    Config=TransferConfig(multipart_threshold=64 * 1024 * 1024))
        except (BotoCoreError, ClientError, OSError) as exc:
            code = exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else type(exc).__name__
            raise RawStoreError(f"raw store {self.describe()} refused an upload of {key}: {code}") from None

    def get_range(self, key: str, offset: int, length: int) -> bytes:
        answer = self._call("get_object", self.client.get_object, Key=key, Range=f"bytes={offset}-{offset + length - 1}")
        return answer["Body"].read()

    def list_keys(self, prefix: str) -> list[str]:
        return self.keys(prefix)

    def check(self) -> None:
        from botocore.exceptions import ClientError

        try:
            self._call("head_bucket", self.client.head_bucket)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            raise RawStoreError(f"raw store {self.describe()} refused head_bucket: {code}") from None

    def ensure_bucket(self) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)


def open_store() -> RawStore:
    settings = config.s3_settings()
    if settings is None:
        config.refuse_single_machine("a local raw folder (WIREDESK_S3_BUCKET is unset)",
                                     "Set WIREDESK_S3_BUCKET (and WIREDESK_S3_ENDPOINT for an S3-compatible "
                                     "server) to a bucket every worker reaches.")
        return LocalRawStore(config.home() / "raw")
    return S3RawStore(settings)
