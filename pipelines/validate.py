"""The extraction boundary: every field of a record checked before anything is stored.

    check_record(record, fetched_url) -> record      raises ExtractionError

A parser says what the page holds; this module says whether that can be a news article
revision at all. A required value that would break a later step (a 9,000-character id in a
btree index, year 1 in a timestamp that grouping turns into year -1, an id that names another
article than the url) is never stored: the page becomes a recorded failure with one of these
codes, and the rest of the night goes on.

    bad_article_id     the id does not match its source's id grammar
    id_mismatch        the page's own id names another article than the url it was fetched from
    implausible_time   the published time before 1990 or in the future
    field_too_long     the url, headline or body longer than any article's
    no_body            the body is page chrome (share buttons, menus), not story text

An implausible OPTIONAL field (section, byline, dateline, ATTN note, label, captions, related
links, the update time) costs that field only: it is dropped from the record (None, or the items
dropped from a list), the record's extraction_notes say which and why, and the page is kept.
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from pipelines.publishers import ExtractionError

ID_GRAMMAR = {
    "yonhap": re.compile(r"AEN\d{17}"),
    "generic": re.compile(r"[0-9a-f]{24}"),
}
ANY_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
VIEW_ID = re.compile(r"/view/([^/?#]*)")

EARLIEST = dt.datetime(1990, 1, 1, tzinfo=dt.timezone.utc)  # older than any wire copy online
FUTURE_SLACK = dt.timedelta(days=2)  # clocks and time zones; a page from further ahead is wrong

MAX_CHARS = {"url": 2048, "headline": 1000, "extractor_version": 100}  # required: too long refuses the page
# Optional text fields: too long, or holding control characters (a one-line field with a line break
# is markup or script text caught by a selector), drops the field.
OPTIONAL_MAX_CHARS = {"title_raw": 1200, "revision_label": 100, "attn": 2000, "byline": 500, "dateline": 200,
                      "section": 200}
MULTI_LINE_FIELDS = frozenset({"attn", "title_raw"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_BODY_CHARS = 1_000_000
MAX_PARAGRAPHS = 5000
MAX_LIST_ITEMS = 500
MAX_ITEM_CHARS = 10_000

# Words of page furniture: share and font buttons, menus, feedback boxes. A body made of lines
# of these (and nothing with a sentence in it) is what a fallback extractor finds on a page
# whose article holds no text.
CHROME_WORDS = frozenset("""
share facebook twitter pinterest linked linkedin in tumblr reddit messenger kakao kakaotalk line band whatsapp
telegram email e-mail mail like save print font size fontsize abcdefg copy url link scrap subscribe
all headlines send feedback how can we improve thanks for your menu search close top more
home login logout sign up news latest most viewed related articles keywords x
""".split())
SENTENCE_WORDS = 6  # a story paragraph has at least one line this long
# Scripts written without spaces between words (Chinese, Japanese; Korean is counted with them, as
# its phrases are long): there a sentence is a run of characters, not of space-separated words.
UNSPACED_LETTER = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]")
SENTENCE_UNSPACED_LETTERS = 15  # about six words' worth of kanji, kana or hangul


def check_record(record: dict, fetched_url: str | None = None) -> dict:
    """The record with implausible optional fields dropped (and noted in extraction_notes);
    ExtractionError when a required field is implausible."""
    check_lengths(record)
    check_article_id(record, fetched_url)
    check_time("published_at", record.get("published_at"))
    check_body(record.get("body_paragraphs") or [])
    record.setdefault("extraction_notes", [])
    record["extraction_notes"] += drop_implausible_optional_fields(record)
    return record


def drop_implausible_optional_fields(record: dict) -> list[str]:
    """Drop each optional field no article could hold, in place; one note per field dropped."""
    notes = []
    for name, limit in OPTIONAL_MAX_CHARS.items():
        value = record.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            why = f"not text ({type(value).__name__})"
        elif len(value) > limit:
            why = f"{len(value)} characters (at most {limit})"
        elif (_CONTROL if name in MULTI_LINE_FIELDS else _CONTROL_OR_BREAK).search(value):
            why = "control characters or line breaks in it"
        else:
            continue
        record[name] = None
        if name == "revision_label":
            record["revision_no"] = 0  # read from the label
        notes.append(f"dropped {name}: {why}: {_shown(value)}")
    if not plausible_time(record.get("updated_at")):
        notes.append(f"dropped updated_at: {_shown(record['updated_at'])} is before 1990 or in the future "
                     "(the published time stands for the last update)")
        record["updated_at"] = record.get("published_at")
    for name in ("captions", "related"):
        items = record.get(name) or []
        if len(items) > MAX_LIST_ITEMS:
            record[name] = []
            notes.append(f"dropped {name}: {len(items)} items (at most {MAX_LIST_ITEMS})")
            continue
        kept = [item for item in items if len(_item_text(item)) <= MAX_ITEM_CHARS]
        if len(kept) < len(items):
            record[name] = kept
            notes.append(f"dropped {len(items) - len(kept)} of {len(items)} {name}: longer than "
                         f"{MAX_ITEM_CHARS} characters")
    return notes


def _item_text(item) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        return " ".join(map(str, item.values()))
    return str(item)


def _shown(value) -> str:
    """A dropped value as a note shows it: its start, on one line."""
    text = _CONTROL_OR_BREAK.sub(" ", str(value))
    return repr(text[:60] + ("..." if len(text) > 60 else ""))


def check_article_id(record: dict, fetched_url: str | None) -> None:
    article_id = record.get("article_id")
    grammar = ID_GRAMMAR.get(record.get("source"), ANY_ID)
    if not isinstance(article_id, str) or not grammar.fullmatch(article_id):
        shown = article_id[:40] + "..." if isinstance(article_id, str) and len(article_id) > 40 else article_id
        length = len(article_id) if isinstance(article_id, str) else 0
        raise ExtractionError(f"bad_article_id: {shown!r} ({length} characters) is no {record.get('source')} id")
    if record.get("source") != "yonhap":
        return  # generic ids are hashes of the url itself
    for where, url in (("url", fetched_url), ("canonical url", record.get("url"))):
        named = view_id(url)
        if named is not None and named != article_id:
            raise ExtractionError(f"id_mismatch: the page's id {article_id} is not the {where}'s {named[:40]!r}")


def view_id(url: str | None) -> str | None:
    """The article id a Yonhap url names (/view/<id>), or None for a url without one."""
    try:
        match = VIEW_ID.search(urlsplit(url).path) if url else None
    except ValueError:
        return None
    return match.group(1) if match else None


def parse_time(value) -> dt.datetime | dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.date.fromisoformat(text)
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def plausible_time(value, now: dt.datetime | None = None) -> bool:
    """Whether an ISO time (or a bare date) lies between 1990 and (about) now. None is plausible:
    an absent time is a different question (the parser's)."""
    try:
        parsed = parse_time(value)
    except (ValueError, TypeError):
        return False
    if parsed is None:
        return True
    now = now or dt.datetime.now(dt.timezone.utc)
    if not isinstance(parsed, dt.datetime):
        return EARLIEST.date() <= parsed <= (now + FUTURE_SLACK).date()
    try:
        instant = parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
        return EARLIEST <= instant.astimezone(dt.timezone.utc) <= now + FUTURE_SLACK
    except (OverflowError, ValueError):  # year 1 at +09:00 is year 0 in UTC
        return False


def check_time(name: str, value) -> None:
    if not plausible_time(value):
        raise ExtractionError(f"implausible_time: {name} {str(value)[:40]!r} is before 1990 or in the future")


def check_lengths(record: dict) -> None:
    """The required text fields: longer than any article's refuses the page."""
    for name, limit in MAX_CHARS.items():
        value = record.get(name)
        if isinstance(value, str) and len(value) > limit:
            raise ExtractionError(f"field_too_long: {name} has {len(value)} characters (at most {limit})")
    paragraphs = record.get("body_paragraphs") or []
    if len(paragraphs) > MAX_PARAGRAPHS or sum(len(p) for p in paragraphs) > MAX_BODY_CHARS:
        raise ExtractionError(f"field_too_long: body has {len(paragraphs)} paragraphs, "
                              f"{sum(len(p) for p in paragraphs)} characters")


def is_chrome_line(line: str) -> bool:
    """A line made only of page-furniture words. The words are English: a line with text in a
    script without spaces ("先日、iPhoneを...") is never chrome for the Latin words it mentions."""
    if UNSPACED_LETTER.search(line):
        return False
    words = re.findall(r"[a-z][a-z-]*", line.lower())
    return bool(words) and all(word in CHROME_WORDS for word in words)


def is_sentence(line: str) -> bool:
    """A line of story length: six words, or in an unspaced script fifteen of its letters."""
    if len(line.split()) >= SENTENCE_WORDS or len(UNSPACED_LETTER.findall(line)) >= SENTENCE_UNSPACED_LETTERS:
        return not is_chrome_line(line)
    return False


def check_body(paragraphs: list[str]) -> None:
    """A body with no line of sentence length, or mostly of page-furniture words, is no body."""
    lines = [line for paragraph in paragraphs for line in paragraph.split("\n") if line.strip()]
    if not lines:
        raise ExtractionError("no_body: empty body")
    chrome = [line for line in lines if is_chrome_line(line)]
    has_sentence = any(is_sentence(line) for line in lines)
    if not has_sentence or len(chrome) * 2 >= len(lines):
        sample = " ".join(lines)[:80]
        raise ExtractionError(f"no_body: the body is page chrome, not story text: {sample!r}")
