"""The raw archive: content-addressed, gzip, write-once, with metadata, on S3 (over HTTP) and locally."""
import gzip
import hashlib
from datetime import date

import pytest

from pipelines.rawstore import LocalRawStore, RawStoreError, S3RawStore, open_store, page_key
from pipelines import config

PAGE = "<html><body><p>Stored once, read back the same.</p></body></html>".encode()


def put(store, body=PAGE):
    return store.put_page(source="yonhap", night=date(2023, 5, 9), article_id="AEN20230509000100320", body=body,
                          url="http://example.test/view/AEN20230509000100320",
                          fetched_at="2023-05-10T00:00:00+00:00", status=200, content_type="text/html")


@pytest.fixture(params=["s3", "local"])
def store(request, tmp_path, monkeypatch):
    if request.param == "local":
        monkeypatch.delenv("WIREDESK_S3_BUCKET", raising=False)
        monkeypatch.setenv("WIREDESK_HOME", str(tmp_path))
        return open_store()
    request.getfixturevalue("s3_env")
    return open_store()


def test_key_names_source_night_article_and_content(store):
    stored = put(store)
    sha = hashlib.sha256(PAGE).hexdigest()
    assert stored.key == f"raw/yonhap/2023/05/09/AEN20230509000100320/{sha}.html.gz"
    assert stored.created
    assert store.get_page(stored.key) == PAGE
    assert gzip.decompress(store.get_compressed(stored.key)) == PAGE


def test_same_bytes_twice_is_a_no_op(store):
    first, second = put(store), put(store)
    assert first.key == second.key and not second.created
    assert store.keys() == [first.key]


def test_changed_bytes_get_a_new_key(store):
    first, second = put(store), put(store, PAGE + b"<!-- edited -->")
    assert first.key != second.key
    assert len(store.keys()) == 2


def test_metadata_kept(store):
    meta = store.head(put(store).key)
    assert meta["url"].endswith("/view/AEN20230509000100320")
    assert meta["status"] == "200" and meta["content-type"] == "text/html"
    assert meta["fetched-at"] == "2023-05-10T00:00:00+00:00"


def test_s3_store_is_used_over_http(s3_env):
    store = open_store()
    assert isinstance(store, S3RawStore)
    key = put(store).key
    listed = s3_env["client"].list_objects_v2(Bucket=s3_env["WIREDESK_S3_BUCKET"])["Contents"]
    assert [obj["Key"] for obj in listed] == [key]


def test_unreachable_s3_gives_clear_error_without_credentials(monkeypatch):
    monkeypatch.setenv("WIREDESK_S3_BUCKET", "nowhere")
    monkeypatch.setenv("WIREDESK_S3_ENDPOINT", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "very-secret-value-123")
    store = open_store()
    store.client.meta.config.retries["max_attempts"] = 1
    with pytest.raises(RawStoreError) as info:
        put(store)
    assert "unreachable" in str(info.value)
    assert "very-secret-value-123" not in str(info.value) and "AKIAEXAMPLEKEY" not in str(info.value)
    assert "very-secret-value-123" not in repr(config.s3_settings())


def test_local_store_refuses_keys_outside_its_folder(tmp_path):
    store = LocalRawStore(tmp_path)
    with pytest.raises(RawStoreError):
        store.get_compressed("../../etc/passwd")


def test_article_id_is_sanitised_in_key():
    key = page_key("yonhap", date(2023, 5, 9), "../evil id", "ab" * 32)
    assert "/../" not in key and key.startswith("raw/yonhap/2023/05/09/")
