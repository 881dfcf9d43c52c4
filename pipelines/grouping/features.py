"""What grouping knows about one revision: cleaned text, shingle sketches, index keys.

Everything here is pure and deterministic (hashlib, no random state), so the same revision gives
the same features in the nightly DAG, the CLI, the evaluation and the benchmark.

Sketches are bottom-k MinHash sketches: the k smallest 64-bit hashes of a shingle set. Two
bottom-k sketches estimate Jaccard similarity and, with the set sizes, containment (how much of
the smaller text the larger keeps) - the measure that fits wire revisions, which keep or rework
the earlier lead and add paragraphs. Sets smaller than k are stored whole, so short items
("(URGENT)" one-liners) are compared exactly.

Index keys are a few of those hashes (the smallest of each paragraph near the top, of the whole
body, of the headline) plus the Yonhap id lineage and the article id: two revisions that share a
key become candidates, and only candidates are compared.
"""
from __future__ import annotations

import hashlib
import heapq
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from pipelines import labels

KST = timezone(timedelta(hours=9))
BODY_SKETCH = 64  # bottom-k of the body's word 4-grams kept for comparison
PARA_SKETCH = 48  # bottom-k of each top paragraph's word 3-grams
TOP_PARAS = 4  # paragraphs near the top that get their own sketch and keys
SANE_YEARS = (1980, 2100)

STOPWORDS = frozenset("""a an the of to in on at for from by with and or but as is are was were be been being it its
this that these those he she they we you i his her their our your has have had not no will would can could
should may might said says say also than then there here which who whom whose what when where while after
before over under into about against between during up down out off more most other such only own same so
too very just s t do does did now new""".split())

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
_BYLINE = re.compile(r"^by\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,4}\s*$", re.IGNORECASE)
_EMAIL = re.compile(r"^\S+@\S+\.\S+$")
_END = re.compile(r"^\(?\s*END\s*\)?$", re.IGNORECASE)
_ADVISORY = re.compile(r"^\((?:ATTN|Adds|Updates|Recasts|Changes|Corrects|Eds|In\s)[^)]*\)?\s*$", re.IGNORECASE)
_EDS = re.compile(r"^\^?\(?Eds?:", re.IGNORECASE)
_PART = re.compile(r"(?:[-\u2013]\s*|\b(?:part|no\.?)\s*)(\d{1,2})\s*$", re.IGNORECASE)
# Page chrome that can end up in a body (share buttons, feedback form, skip links, footer): never evidence.
CHROME_WORDS = frozenset("""share facebook twitter pinterest linked in linkedin tumblr reddit messenger kakaotalk like
save print font size abcdefg send feedback how can we improve thanks for your go to contents navigation copyright c
yonhap news agency all rights reserved more close url copy subscribe top menu search login english korean""".split())
# Templated daily items: one story per edition (KST calendar day, and per kind within the day).
_EDITION = [
    ("summary", re.compile(r"\b(?:news summary|major news|summary of)\b", re.IGNORECASE)),
    ("history", re.compile(r"\btoday in korean history\b", re.IGNORECASE)),
    ("pricelist", re.compile(r"\bprice list\b|\bclosing prices?\b", re.IGNORECASE)),
    ("market-open", re.compile(r"\b(?:shares?|stocks?|kospi|kosdaq|korean won)\b.*\b(?:open|opens|opened|start|starts|"
                               r"started)\b", re.IGNORECASE)),
    ("market-close", re.compile(r"\b(?:shares?|stocks?|kospi|kosdaq|korean won)\b.*\b(?:close|closes|closed|end|ends|ended|"
                                r"finish|finishes|finished)\b", re.IGNORECASE)),
    ("fx", re.compile(r"\bexchange rates?\b|\bforeign exchange\b", re.IGNORECASE)),
]
_DIGEST = re.compile(r"\b(?:news summary|summary of|headlines?|digest|briefs?|roundup|today in korean history|"
                     r"schedule|advisory|major news)\b", re.IGNORECASE)


def stable_hash(text: str) -> int:
    """Signed 64-bit hash (fits PostgreSQL bigint), the same in every process."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).digest(),
                          "little", signed=True)


def tokens(text: str | None) -> list[str]:
    if not isinstance(text, str):
        return []
    return _TOKEN.findall(text.lower().replace("'s ", " ").replace("\u2019s ", " "))


def shingles(words: list[str], n: int, prefix: str) -> set[int]:
    """Hashes of word n-grams, skipping n-grams made only of stopwords ("according to the")."""
    if len(words) < n:
        return {stable_hash(prefix + " ".join(words))} if any(w not in STOPWORDS for w in words) else set()
    out = set()
    for i in range(len(words) - n + 1):
        gram = words[i:i + n]
        if all(w in STOPWORDS for w in gram):
            continue
        out.add(stable_hash(prefix + " ".join(gram)))
    return out


def bottom_k(values, k: int) -> list[int]:
    return sorted(heapq.nsmallest(k, set(values)))


WINNOW_WINDOW = 5
WINNOW_MAX = 32


def winnow(paragraphs: list[str]) -> list[int]:
    """Winnowing fingerprints (the minimum hash of every window of WINNOW_WINDOW consecutive word
    3-grams): any run of WINNOW_WINDOW + 2 words shared by two texts gives them a shared fingerprint,
    however long the rest of either text is - the containment case ((URGENT) one-liner inside a later
    lead) that bottom-k keys miss. Capped at WINNOW_MAX fingerprints, taken in text order."""
    picked: list[int] = []
    seen: set[int] = set()
    for paragraph in paragraphs:
        words = tokens(paragraph)
        grams = [stable_hash("p|" + " ".join(words[i:i + 3])) for i in range(max(0, len(words) - 2))
                 if not all(w in STOPWORDS for w in words[i:i + 3])]
        if not grams:
            continue
        for i in range(max(1, len(grams) - WINNOW_WINDOW + 1)):
            low = min(grams[i:i + WINNOW_WINDOW])
            if low not in seen:
                seen.add(low)
                picked.append(low)
                if len(picked) >= WINNOW_MAX:
                    return sorted(picked)
    return sorted(picked)


def is_chrome(line: str) -> bool:
    """A line made (almost) only of page-chrome words: share buttons, feedback form, footer."""
    words = re.findall(r"[a-z]+", line.lower())
    return bool(words) and sum(w in CHROME_WORDS for w in words) >= 0.8 * len(words)


_PERSON = re.compile(r"\b([A-Z][a-z]{1,6}) ([A-Z][a-z]{1,8}-[a-z]{1,8})\b")  # Korean names: "Han Duck-soo"
_CAP = re.compile(r"\b[A-Z][A-Za-z]+(?:-[a-z]+)?\b")
GENERIC_CAPS = frozenset("""january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday yonhap seoul korea korean koreas south north s n the a
an in on at of for and but mr ms dr us u uk eu un""".split())
MAX_NAMES = 24


def person_names(texts) -> list[int]:
    """Hashes of the people named ("Han Duck-soo"), at most MAX_NAMES, in text order."""
    out: list[int] = []
    for text in texts:
        for surname, given in _PERSON.findall(text or ""):
            h = stable_hash("n|" + f"{surname} {given}".lower())
            if h not in out:
                out.append(h)
                if len(out) >= MAX_NAMES:
                    return sorted(out)
    return sorted(out)


def capitalised(texts, limit: int = 64) -> list[int]:
    """Hashes of capitalised words (names of people, places, bodies; a sentence's first word too, as
    leads open with their subject), without stopwords, months, weekdays and the wire's own names:
    a story's specifics, as a reader sees them."""
    out: list[int] = []
    for text in texts:
        for word in _CAP.findall(text or ""):
            word = word.lower()
            if word in GENERIC_CAPS or word in STOPWORDS:
                continue
            h = stable_hash("c|" + word)
            if h not in out:
                out.append(h)
                if len(out) >= limit:
                    return sorted(out)
    return sorted(out)


_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def figures(texts, limit: int = 32) -> list[int]:
    """Hashes of the numbers written in `texts` (counts, amounts, percentages, years)."""
    out: set[int] = set()
    for text in texts:
        for number in _NUMBER.findall(text or ""):
            out.add(stable_hash("f|" + number.replace(",", "").rstrip(".")))
            if len(out) >= limit:
                return sorted(out)
    return sorted(out)


def edition_kind(headline: str) -> str | None:
    """The kind of templated daily item a headline names ("summary", "market-close", ...), or None."""
    for kind, pattern in _EDITION:
        if pattern.search(headline or ""):
            return kind
    return None


def clean_paragraphs(paragraphs) -> tuple[list[str], str | None, str | None]:
    """Body paragraphs without ATTN note, byline, dateline prefix, email and "(END)".

    Returns (paragraphs, attn note, dateline place)."""
    attn = None
    dateline = None
    out: list[str] = []
    for raw in paragraphs or []:
        if not isinstance(raw, str):
            continue
        for line in raw.replace("\r", "\n").split("\n"):
            line = line.strip()
            if not line:
                continue
            if attn is None and line.lstrip("^").startswith("(ATTN"):
                attn = labels.parse_attn(line)
                rest = re.sub(r"^\(\s*ATTN\s*:.*?\)\s*", "", line, count=1, flags=re.IGNORECASE)
                if not rest or rest == line:
                    continue
                line = rest
            if _BYLINE.match(line) or _EMAIL.match(line) or _END.match(line) or _ADVISORY.match(line) \
                    or _EDS.match(line) or is_chrome(line):
                continue
            if line.endswith("(END)"):
                line = line[:-5].strip()
            if dateline is None and not out:
                found = labels.parse_dateline(line)
                if found:
                    dateline = found
                    line = labels._DATELINE.sub("", line[:200], count=1) + line[200:]
            if line:
                out.append(line)
    return out, attn, dateline


def headline_parts(headline: str | None) -> tuple[str | None, str, str | None, bool]:
    """(revision label, headline without label, part number "-1"/"-2", is a digest item)."""
    if not isinstance(headline, str):
        return None, "", None, False
    label, rest = labels.split_headline(headline)
    if label is None:
        label, rest = labels.split_wire_headline(rest)
    rest = re.sub(r"\s*\|\s*Yonhap News Agency\s*$", "", rest)
    part = _PART.search(rest)
    return label, rest, (part.group(1) if part else None), bool(_DIGEST.search(rest))


def lineage_of(article_id: str | None) -> str | None:
    """Yonhap id lineage: id date + serial + code ("AEN20230419003851320" -> "20230419-0038-320")."""
    parsed = labels.parse_yonhap_id(article_id)
    if not parsed:
        return None
    return f"{parsed['date']:%Y%m%d}-{parsed['serial']}-{parsed['code']}"


def to_epoch(value) -> tuple[float | None, bool, str | None]:
    """(seconds since epoch, date-only flag, problem) for a datetime, date, ISO string or None.

    Naive datetimes and bare dates are taken as KST (Yonhap's clock); a bare date stands for its
    whole day. Years outside 1980-2100 are absurd: treated as unknown and reported."""
    if value is None or value == "":
        return None, False, None
    date_only = False
    if isinstance(value, str):
        text = value.strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                value = date.fromisoformat(text)
            else:
                value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None, False, "unparseable_date"
    if isinstance(value, date) and not isinstance(value, datetime):
        date_only = True
        if not SANE_YEARS[0] <= value.year <= SANE_YEARS[1]:
            return None, False, "absurd_date"
        value = datetime.combine(value, time(12, 0), tzinfo=KST)
    if not isinstance(value, datetime):
        return None, False, "unparseable_date"
    if not SANE_YEARS[0] <= value.year <= SANE_YEARS[1]:
        return None, False, "absurd_date"
    if value.tzinfo is None:
        value = value.replace(tzinfo=KST)
    return value.timestamp(), date_only, None


@dataclass
class Features:
    """The comparable summary of one revision; what the index stores per revision."""

    key: str
    article_id: str
    story_id: str | None = None
    lineage: str | None = None
    published: float | None = None  # epoch seconds
    date_only: bool = False
    headline: str = ""  # without revision label
    part: str | None = None
    digest: bool = False
    section: str | None = None
    dateline: str | None = None
    body_size: int = 0  # number of distinct body 4-grams
    body_sketch: list[int] = field(default_factory=list)
    para_sketches: list[list[int]] = field(default_factory=list)  # first TOP_PARAS paragraphs
    para_sizes: list[int] = field(default_factory=list)
    sentence_keys: list[int] = field(default_factory=list)  # winnowed 3-gram hashes of the top two paragraphs
    problem: str | None = None  # why it can only be a singleton / what was odd
    flash: bool = False  # an (URGENT) flash: labelled so, or a one-paragraph item
    edition: str | None = None  # templated daily item kind ("summary", "market-close", ...)
    kst_day: int | None = None  # KST calendar day (proleptic ordinal) of publication
    persons: list[int] = field(default_factory=list)  # people named anywhere in the body or headline
    caps_lead: list[int] = field(default_factory=list)  # specifics of the lead paragraph (headlines get reworded)
    caps_top: list[int] = field(default_factory=list)  # specifics of the headline and top paragraphs
    numbers: list[int] = field(default_factory=list)  # figures of the headline and body

    @property
    def headline_words(self) -> set[str]:
        return {w.rstrip("s") for w in tokens(self.headline) if w not in STOPWORDS}

    @property
    def headline_hashes(self) -> set[int]:
        return {stable_hash("w|" + w) for w in self.headline_words}

    @property
    def day(self) -> int | None:
        return None if self.published is None else int(self.published // 86400)

    def df_hashes(self) -> list[int]:
        """The sketch hashes whose document frequency is counted: shared by many stored revisions,
        they are boilerplate (a formula, chrome) and do not count as shared text."""
        return sorted(set(self.body_sketch) | set(self.para_sketches[0] if self.para_sketches else ())
                      | set(self.caps_top) | self.headline_hashes)

    def index_keys(self) -> tuple[list[int], list[int]]:
        """(keys looked up within a few days of publication, keys looked up at any date)."""
        near: set[int] = set()
        for i, sketch in enumerate(self.para_sketches):
            near.update(sketch[: 3 if i == 0 else 2])
        near.update(self.body_sketch[:6])
        near.update(self.sentence_keys)
        words = tokens(self.headline)
        near.update(bottom_k(shingles(words, 2, "h|"), 2))
        anywhere = [stable_hash("A|" + self.article_id)] if self.article_id else []
        if self.lineage:
            anywhere.append(stable_hash("L|" + self.lineage))
        return sorted(near), anywhere


def extract(revision) -> Features:
    """Features of a `pipelines.grouping.Revision` (never raises on odd field values)."""
    article_id = revision.article_id if isinstance(revision.article_id, str) else ""
    paragraphs, attn, dateline = clean_paragraphs(revision.body_paragraphs)
    _label, headline, part, digest = headline_parts(revision.headline)
    published, date_only, problem = to_epoch(revision.published_at)
    body_words = [w for p in paragraphs for w in tokens(p)]
    body = shingles(body_words, 4, "b|")
    para_sets = [shingles(tokens(p), 3, "p|") for p in paragraphs[:TOP_PARAS]]
    para_sets = [s for s in para_sets if s]
    sentence_keys = winnow(paragraphs[:2])
    if not article_id:
        problem = problem or "missing_article_id"
    elif not body and not headline.strip():
        problem = problem or "no_headline_no_body"
    elif not body:
        problem = problem or "empty_body"
    kst_day = None
    if published is not None:
        kst_day = datetime.fromtimestamp(published, KST).date().toordinal()
    flash = (_label or "").upper() == "URGENT" or len(paragraphs) == 1
    place = None
    if dateline or revision.dateline:
        place = re.split(r"[,(]", dateline or revision.dateline)[0].strip().upper() or None
    return Features(
        key=str(revision.key), article_id=article_id, lineage=lineage_of(article_id),
        published=published, date_only=date_only, headline=headline, part=part, digest=digest,
        section=revision.section if isinstance(revision.section, str) else None, dateline=place,
        body_size=len(body), body_sketch=bottom_k(body, BODY_SKETCH),
        para_sketches=[bottom_k(s, PARA_SKETCH) for s in para_sets], para_sizes=[len(s) for s in para_sets],
        sentence_keys=sentence_keys,
        problem=problem, flash=flash, edition=edition_kind(headline), kst_day=kst_day,
        persons=person_names([headline, *paragraphs]), caps_lead=capitalised(paragraphs[:1], MAX_NAMES),
        caps_top=capitalised([headline, *paragraphs[:TOP_PARAS]]), numbers=figures([headline, *paragraphs]),
    )


# --- estimates from sketches --------------------------------------------------------------

def overlap_estimate(a: list[int], size_a: int, b: list[int], size_b: int, k: int) -> float:
    """Estimated |A & B| from bottom-k sketches (exact when both sets are smaller than k)."""
    if not a or not b:
        return 0.0
    if size_a <= len(a) and size_b <= len(b):  # both stored whole
        return float(len(set(a) & set(b)))
    union = heapq.nsmallest(k, set(a) | set(b))
    sa, sb = set(a), set(b)
    both = sum(1 for x in union if x in sa and x in sb)
    jaccard = both / len(union)
    return jaccard * (size_a + size_b) / (1 + jaccard)


def without_common(sketch: list[int], size: int, common) -> tuple[list[int], int]:
    """A sketch and its set size with boilerplate hashes (`common`) taken out. A sketch stored whole
    loses exactly those; a sampled one loses the same share of its set."""
    if not common or not sketch:
        return sketch, size
    kept = [h for h in sketch if h not in common]
    if len(kept) == len(sketch):
        return sketch, size
    if size <= len(sketch):
        return kept, len(kept)
    return kept, round(size * len(kept) / len(sketch))


def containment(a: list[int], size_a: int, b: list[int], size_b: int, k: int) -> tuple[float, float]:
    """(containment of the smaller set in the larger, Jaccard), estimated from sketches."""
    if not size_a or not size_b:
        return 0.0, 0.0
    inter = min(overlap_estimate(a, size_a, b, size_b, k), size_a, size_b)
    return inter / min(size_a, size_b), inter / max(1.0, size_a + size_b - inter)
