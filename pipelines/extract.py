"""Turn one archived article page into one record (see pipelines.publishers.RECORD_KEYS).

    extract(html_bytes_or_str, url=None) -> dict     raises ExtractionError only
    python -m pipelines.extract PAGE.html[.gz] [--url URL]   prints the record as JSON

The page is decoded and parsed once; the Yonhap parser is chosen by host or by the
page's own markers, anything else goes to the generic trafilatura parser. What cost less
than the page (a few invalid bytes read as U+FFFD, another charset than the declared one, an
implausible optional field dropped) is said in the record's extraction_notes.
"""
from __future__ import annotations

import argparse
import codecs
import itertools
import json
import re
import sys
import zlib
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from pipelines import validate
from pipelines.publishers import ExtractionError, canonical_href, meta_map
from pipelines.publishers import generic, yonhap
from pipelines.rawstore import gunzip_capped, read_chunks

__all__ = ["ExtractionError", "extract", "decode_html", "decode_page"]

MAX_BYTES = 8 * 1024 * 1024  # article pages are < 500 KB; anything this big is not one
_SNIFF = 4096
# Invalid byte sequences a page may hold and still be read in its charset, with U+FFFD in their
# place (and a note): a cut multi-byte character, stray bytes. Beyond this, another charset is
# tried (when one was declared), and a page whose non-ASCII text is mostly invalid is refused.
FEW_INVALID_SEQUENCES = 16
UNDECODABLE_SHARE = 0.25
_DETECT_BYTES = 512 * 1024  # detection on the first half megabyte: enough, and bounded in time
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})""", re.IGNORECASE)
_TAG = re.compile(r"<(?:[A-Za-z!/?])")
# Control characters that never occur in text; many of them mean binary data.
_BINARY_BYTES = bytes(range(0, 9)) + b"\x0b\x0e\x0f" + bytes(range(0x10, 0x1b)) + bytes(range(0x1c, 0x20))


def decode_html(data: bytes | str) -> str:
    """Bytes -> text (see decode_page), without the notes."""
    return decode_page(data)[0]


def decode_page(data: bytes | str) -> tuple[str, list[str]]:
    """Bytes -> (text, notes): BOM, then <meta charset>, then UTF-8. Binary data (NULs, many control
    bytes, gzip) is not_html.

    A few invalid byte sequences (a character cut at a buffer edge, a stray byte) are replaced with
    U+FFFD and said in a note: the page is kept, and never read in a code page it does not declare.
    Many invalid sequences under a declared charset are taken as another charset when detection
    reads the bytes cleanly (EUC-KR served as UTF-8); bytes that stay mostly undecodable are a
    decode_error."""
    if isinstance(data, str):
        if len(data) > MAX_BYTES:
            raise ExtractionError(f"too_large: {len(data)} characters")
        if "\x00" in data:  # anywhere: PostgreSQL text cannot hold NUL, so it could never be stored as sent
            raise ExtractionError("not_html: NUL characters in text")
        return data, []
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ExtractionError(f"not_html: expected bytes or str, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise ExtractionError(f"too_large: {len(data)} bytes")
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            text = data[len(bom):].decode(encoding, "replace")
            return text, replaced_note(invalid_sequences(text, data, encoding), encoding)
    _reject_binary(data[:_SNIFF])
    if b"\x00" in data:  # past the sniffed head too: lxml would turn it into U+FFFD, not store it as sent
        raise ExtractionError("not_html: NUL bytes")
    declared = _CHARSET.search(data[:_SNIFF])
    if declared:
        try:
            encoding = codecs.lookup(declared.group(1).decode("ascii")).name
        except (LookupError, UnicodeDecodeError):
            encoding = None
        if encoding and encoding not in ("utf-16-le", "utf-16-be", "utf-16", "utf-32"):
            return decode_declared(data, encoding)  # a declared UTF-16 page is a lie: it had no NULs
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
    invalid = invalid_sequences(text, data, "utf-8")
    # No charset named, so no other one is guessed: a page of legacy bytes is refused, not misread.
    if mostly_undecodable(text, invalid):
        raise ExtractionError(f"decode_error: not UTF-8 ({invalid} invalid byte sequences) and no charset declared")
    return text, replaced_note(invalid, "utf-8")


def decode_declared(data: bytes, declared: str) -> tuple[str, list[str]]:
    """Bytes in their declared charset, with a few invalid sequences replaced (and noted); when many
    are invalid (EUC-KR served as UTF-8), the charset charset_normalizer detects; decode_error when
    neither reads them."""
    try:
        return data.decode(declared), []
    except UnicodeDecodeError:
        pass
    text = data.decode(declared, "replace")
    invalid = invalid_sequences(text, data, declared)
    # A character or two cut at a buffer edge, a stray byte: a damaged page in its charset, not another charset.
    if invalid <= FEW_INVALID_SEQUENCES:
        return text, replaced_note(invalid, declared)
    detected = detect_charset(data)
    if detected is not None:
        found, encoding = detected
        return found, [f"decode: {invalid} byte sequences invalid in the declared {declared}; "
                       f"read as {encoding} (detected)"]
    if mostly_undecodable(text, invalid):
        raise ExtractionError(f"decode_error: not valid {declared} as declared ({invalid} invalid byte sequences), "
                              "and no charset detected")
    return text, replaced_note(invalid, declared)


def invalid_sequences(text: str, data: bytes, encoding: str) -> int:
    """How many U+FFFD the decoding put in: those in `text` beyond the ones the bytes spelled out."""
    try:
        spelled = data.count("\ufffd".encode(encoding))
    except (UnicodeEncodeError, LookupError):
        spelled = 0
    return max(0, text.count("\ufffd") - spelled)


def mostly_undecodable(text: str, invalid: int) -> bool:
    """More than a few invalid sequences, and they are a large share of the page's non-ASCII text: the
    bytes are in another charset, or not text."""
    if invalid <= FEW_INVALID_SEQUENCES:
        return False
    non_ascii = sum(1 for ch in text if ord(ch) > 0x7F)  # U+FFFD included
    return invalid > UNDECODABLE_SHARE * non_ascii


def replaced_note(invalid: int, encoding: str) -> list[str]:
    if not invalid:
        return []
    return [f"decode: {invalid} invalid {encoding} byte sequence{'s' if invalid > 1 else ''} replaced with U+FFFD"]


def detect_charset(data: bytes) -> tuple[str, str] | None:
    """(text, charset) by charset detection (charset_normalizer), or None when no charset decodes the
    bytes cleanly."""
    from charset_normalizer import from_bytes

    # Only the lines holding non-ASCII bytes: in a page of ASCII markup, a paragraph of Korean is
    # too thin a signal for detection over the whole page (it then picks a Latin code page).
    sample = b"\n".join(line for line in data[:_DETECT_BYTES].splitlines() if re.search(rb"[\x80-\xff]", line))
    best = from_bytes(sample).best()
    if best is None:
        return None
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    letters = sum(ch.isprintable() or ch.isspace() for ch in text[:_SNIFF * 4])
    return (text, best.encoding) if letters >= 0.95 * len(text[:_SNIFF * 4]) else None


def _reject_binary(sample: bytes) -> None:
    if sample.startswith(b"\x1f\x8b"):
        raise ExtractionError("not_html: gzip data (decompress first)")
    if b"\x00" in sample:
        raise ExtractionError("not_html: NUL bytes")
    control = sum(sample.count(bytes([b])) for b in _BINARY_BYTES)
    if sample and control / len(sample) > 0.02:
        raise ExtractionError("not_html: binary data")


def parse_tree(text: str):
    """One lxml tree for the page. The text is re-encoded as UTF-8 so that an XML
    declaration with another encoding cannot confuse lxml."""
    if not _TAG.search(text[:200_000]):
        raise ExtractionError("not_html: no markup")
    try:
        parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True)
        tree = lxml_html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.LxmlError, ValueError) as exc:
        raise ExtractionError(f"parse_error: {type(exc).__name__}: {str(exc)[:80]}") from exc
    if tree is None:
        raise ExtractionError("parse_error: empty document")
    return tree


def pick_parser(tree, url: str | None):
    meta = meta_map(tree)
    if yonhap.is_yonhap_page(url, meta, canonical_href(tree)):
        for parser_class in yonhap.PARSERS:
            if parser_class.matches(tree):
                return parser_class(tree, url)
        raise ExtractionError("unknown_layout: Yonhap page without a known article layout")
    return generic.GenericParser(tree, url)


def extract(html: bytes | str, url: str | None = None) -> dict:
    """One record for one page, or ExtractionError (never another exception for bad input)."""
    try:
        text, notes = decode_page(html)
        record = validate.check_record(pick_parser(parse_tree(text), url).parse(), url)
        record["extraction_notes"] = notes + record["extraction_notes"]
        return record
    except ExtractionError:
        raise
    except RecursionError as exc:
        raise ExtractionError("parse_error: document nested too deeply") from exc
    except AssertionError:  # a parser broke its own contract: a bug, not a bad page
        raise
    except Exception as exc:
        # Hostile markup reaching lxml/trafilatura internals; the page is unparseable,
        # and a caller must be able to rely on the one exception type.
        raise ExtractionError(f"parse_error: {type(exc).__name__}: {str(exc)[:80]}") from exc


def read_page(path: Path, cap: int = MAX_BYTES) -> bytes:
    """The page bytes of a saved .html or .html.gz, read and decompressed in chunks: a gzip bomb
    or an endless file (/dev/zero) stops at `cap` bytes with ExtractionError("too_large: ...")
    instead of filling memory. A truncated gzip file is a decode_error."""
    with open(path, "rb") as handle:
        head = handle.read(2)
        if head == b"\x1f\x8b":  # .html.gz as the raw archive stores it
            compressed = itertools.chain([head], read_chunks(handle))
            try:
                return gunzip_capped(compressed, cap)
            except (ValueError, zlib.error) as exc:
                code = "too_large" if str(exc).startswith("too_large") else "decode_error"
                detail = str(exc).split(": ", 1)[-1] if code == "too_large" else f"broken gzip data: {exc}"
                raise ExtractionError(f"{code}: {detail}") from None
        data = head + handle.read(cap - len(head) + 1)
    if len(data) > cap:
        raise ExtractionError(f"too_large: more than {cap} bytes")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.extract", description=__doc__.split("\n")[0])
    parser.add_argument("page", type=Path, help="saved page, .html or .html.gz")
    parser.add_argument("--url", help="the URL the page was fetched from")
    args = parser.parse_args(argv)
    try:
        data = read_page(args.page)
    except OSError as exc:
        print(f"error: cannot read {args.page}: {exc}", file=sys.stderr)
        return 2
    except ExtractionError as exc:
        print(f"error: {args.page}: {exc.reason}", file=sys.stderr)
        return 2
    try:
        record = extract(data, url=args.url)
    except ExtractionError as exc:
        print(f"error: {args.page}: {exc.reason}", file=sys.stderr)
        return 2
    json.dump(record, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    from pipelines import cli

    sys.exit(cli.run(main, prog="python -m pipelines.extract"))
