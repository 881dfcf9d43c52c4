"""Pure parsers for the small structured bits of wire copy: revision labels, ATTN notes,
Yonhap article ids and datelines.

No I/O and no exceptions on odd input: every function takes any text (or None) and
returns None / a neutral value when the input does not match, because these run on
whatever a crawled page happens to contain.
"""
from __future__ import annotations

import datetime as dt
import re

# --- Yonhap revision labels -------------------------------------------------------------

# One parenthesised revision label at the start of a headline: "(URGENT)", "(LEAD)",
# "(2nd LD)", "(10th LD)", tolerating a trailing remark as in "(2nd LD, CORRECTED)".
# Other parenthesised prefixes ("(News Focus)", "(Yonhap Interview)", "(EDITORIAL from
# ...)") do not match and therefore stay in the headline.
_YONHAP_LABEL = re.compile(
    r"\(\s*(?P<kind>URGENT|LEAD|(?P<n>\d{1,3})\s*(?:st|nd|rd|th)\s+LD)\s*(?:,[^()]{0,60})?\)\s*",
    re.IGNORECASE,
)
_ORDINAL_LD = re.compile(r"^(\d{1,3})(?:st|nd|rd|th)\s+LD$", re.IGNORECASE)


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _canonical_yonhap_label(match: re.Match) -> str:
    if match.group("n"):
        return f"{_ordinal(int(match.group('n')))} LD"
    return match.group("kind").upper()


def split_headline(title: str | None) -> tuple[str | None, str]:
    """Split a Yonhap headline into (revision label, headline without it).

    "(2nd LD) Foo" -> ("2nd LD", "Foo"); "Foo" -> (None, "Foo"). Stacked labels such as
    "(LEAD)(URGENT) Foo" are all stripped; the one with the highest revision number is
    returned (URGENT only wins when it is alone), since the record has one label.
    """
    if not isinstance(title, str):
        return None, ""
    rest = title.strip()
    labels: list[str] = []
    while True:
        match = _YONHAP_LABEL.match(rest)
        if not match:
            break
        labels.append(_canonical_yonhap_label(match))
        rest = rest[match.end():]
    if not labels:
        return None, rest
    best = max(labels, key=revision_no)  # max() keeps the first of equals
    return best, rest.strip()


# --- Reuters / AP revision markers (generic path) ---------------------------------------

# Reuters puts markers before the headline joined by "-": "UPDATE 1-", "CORRECTED-",
# "REFILE-", "RPT-", "WRAPUP 2-", and they stack: "CORRECTED-UPDATE 2-Headline".
_REUTERS_MARKER = re.compile(
    r"(?P<m>UPDATE\s+\d{1,3}|WRAPUP\s+\d{1,3}|CORRECTED|REFILE|RPT|REPEAT)\s*-\s*"
)
# AP: "1st Ld-Writethru" (ANPA keyword line, also written "1stLd-Writethru").
_AP_WRITETHRU = re.compile(r"\b(\d{1,3})\s*(?:st|nd|rd|th)\s*Ld\s*-\s*Writethru\b", re.IGNORECASE)


def split_wire_headline(title: str | None) -> tuple[str | None, str]:
    """Split Reuters/AP revision markers off a headline.

    "CORRECTED-UPDATE 1-Foo" -> ("CORRECTED, UPDATE 1", "Foo");
    "Foo, 1st Ld-Writethru" -> ("1st Ld-Writethru", "Foo"); "Foo" -> (None, "Foo").
    """
    if not isinstance(title, str):
        return None, ""
    rest = title.strip()
    markers: list[str] = []
    while True:
        match = _REUTERS_MARKER.match(rest)
        if not match or match.end() >= len(rest):
            break
        markers.append(re.sub(r"\s+", " ", match.group("m")))
        rest = rest[match.end():]
    ap = _AP_WRITETHRU.search(rest)
    if ap:
        markers.append(f"{_ordinal(int(ap.group(1)))} Ld-Writethru")
        rest = (rest[: ap.start()] + rest[ap.end():]).strip(" ,")
    return (", ".join(markers) or None), rest.strip()


def parse_reuters_slug_markers(slugline: str | None) -> list[str]:
    """Markers from a Reuters slugline: "USA-WEATHER/ (UPDATE 1, PIX, CORRECTED)" ->
    ["UPDATE 1", "PIX", "CORRECTED"]."""
    if not isinstance(slugline, str):
        return []
    match = re.search(r"\(([^()]{1,80})\)\s*$", slugline)
    if not match:
        return []
    return [re.sub(r"\s+", " ", part).strip() for part in match.group(1).split(",") if part.strip()]


# --- revision numbers --------------------------------------------------------------------

_UPDATE_N = re.compile(r"\b(?:UPDATE|WRAPUP)\s+(\d{1,3})\b", re.IGNORECASE)
_LD_N = re.compile(r"\b(\d{1,3})\s*(?:st|nd|rd|th)\s*(?:LD|Ld-Writethru)\b", re.IGNORECASE)


def revision_no(label: str | None) -> int:
    """How many times the story was rewritten: None/URGENT -> 0, LEAD -> 1, "Nth LD" -> N.

    Also reads the generic markers: "UPDATE 2" -> 2, "3rd Ld-Writethru" -> 3; a label with
    several markers counts the highest. Unknown text -> 0.
    """
    if not isinstance(label, str):
        return 0
    numbers = [int(n) for n in _UPDATE_N.findall(label)] + [int(n) for n in _LD_N.findall(label)]
    if re.search(r"\bLEAD\b", label, re.IGNORECASE):
        numbers.append(1)
    return max(numbers, default=0)


# --- ATTN notes -------------------------------------------------------------------------

_ATTN_OPEN = re.compile(r"\(\s*ATTN\s*:\s*", re.IGNORECASE)


def parse_attn(text: str | None) -> str | None:
    """"(ATTN: UPDATES with ...; ADDS photo)" -> "UPDATES with ...; ADDS photo".

    The note may itself contain parentheses, so the closing one is found by counting.
    An unclosed note runs to the end of its line. None when there is no note.
    """
    if not isinstance(text, str):
        return None
    match = _ATTN_OPEN.search(text)
    if not match:
        return None
    depth, start = 1, match.end()
    end = None
    for i in range(start, len(text)):
        char = text[i]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                end = i
                break
        elif char == "\n" and depth == 1:
            end = i
            break
    note = text[start:end] if end is not None else text[start:]
    note = re.sub(r"\s+", " ", note).strip()
    return note or None


# --- Yonhap article ids -----------------------------------------------------------------

_YONHAP_ID = re.compile(r"AEN(\d{4})(\d{2})(\d{2})(\d{4})(\d{2})(\d{3})")


def parse_yonhap_id(article_id: str | None) -> dict | None:
    """"AEN20230419003851320" -> {date, serial "0038", version_digits "51", code "320"}.

    Version digits are 00 for an original and 51, 52, ... for revisions, but they do not
    always agree with the headline label, so this is evidence, not the revision number.
    """
    if not isinstance(article_id, str):
        return None
    match = _YONHAP_ID.fullmatch(article_id.strip())
    if not match:
        return None
    year, month, day, serial, version, code = match.groups()
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return {"date": date, "serial": serial, "version_digits": version, "code": code}


# --- datelines --------------------------------------------------------------------------

# "SEOUL, April 19 (Yonhap) -- ", "HWASEONG, South Korea, April 19 (Yonhap) -- ",
# "MEXICO CITY (AP) — ", "LONDON, May 16 (Reuters) - ". The place starts in capitals;
# the agency is one parenthesised word or two; then a dash of some kind.
_DATELINE = re.compile(
    r"\s*(?P<dateline>[A-Z][A-Z.'\- ]{1,40}"
    r"(?:,\s*[A-Z][A-Za-z0-9.'\- ]{1,40}){0,3}"
    r"\s*\((?:Yonhap|AP|Reuters|AFP|UPI|Kyodo|Xinhua|[A-Z][A-Za-z]{1,15})\))"
    r"\s*(?:--|—|–|-)\s*"
)


def parse_dateline(first_paragraph: str | None) -> str | None:
    """"SEOUL, April 19 (Yonhap) -- text" -> "SEOUL, April 19 (Yonhap)"; None if absent."""
    if not isinstance(first_paragraph, str):
        return None
    # Only the start matters; the cap keeps the regex cheap on long or hostile input.
    match = _DATELINE.match(first_paragraph[:200])
    if not match:
        return None
    return re.sub(r"\s+", " ", match.group("dateline")).strip()
