"""The spider fetches http(s) from public addresses only."""
import pytest

from spiders.safety import RefusedUrl, check_url


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://127.8.9.10:8080/x", "http://10.1.2.3/", "http://172.16.0.1/", "http://172.31.255.255/",
    "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:10.0.0.1]/", "http://0.0.0.0/", "http://localhost/", "http://[fe80::1]/", "http://[fc00::1]/",
])
def test_non_public_addresses_are_refused(url):
    with pytest.raises(RefusedUrl, match="refused_address"):
        check_url(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/", "gopher://x/", "data:text/html,hi"])
def test_other_schemes_are_refused(url):
    with pytest.raises(RefusedUrl, match="refused_scheme"):
        check_url(url)


def test_public_address_is_allowed():
    check_url("https://8.8.8.8/")  # no connection is made: only the address is checked


def test_loopback_allowance_admits_loopback_only():
    check_url("http://127.0.0.1:8765/news", allow_loopback=True)
    for url in ("http://10.0.0.1/", "http://169.254.169.254/", "http://192.168.0.2/"):
        with pytest.raises(RefusedUrl):
            check_url(url, allow_loopback=True)
