"""AP's story conventions, read from the saved pages (see common.py): separators, notes, trailer lines,
datelines and bylines. Pure functions on text."""
from __future__ import annotations

import re

from pipelines.publishers import clean_line

_SEPARATOR = re.compile(r"^[\s_\-—–=*•·]{3,}$")
_SEPARATOR_CHARS = re.compile(r"[_—–=*]")
_BY = re.compile(r"^\s*By\s+", re.IGNORECASE)
_UPDATED_TAIL = re.compile(r"\s*(?:Updated|Published)\b.*$", re.IGNORECASE | re.DOTALL)
# Notes about the story's own versions: AP's counterpart of an "(ATTN: ...)" note.
_NOTE = re.compile(
    r"^(?:EDITOR[’'`]?S[’'`]? NOTE\b|CORRECTION\b|Correction:|Clarification:|"
    r"This (?:story|article|report|version) (?:was (?:first |originally )?published\b|"
    r"(?:was|has been|is being) (?:updated|corrected|clarified|revised|changed)\b|"
    r"(?:corrects|updates|clarifies|adds)\b))",
    re.IGNORECASE)
# Trailer lines after the story: contributors, follow-us promos, support notes.
_CONTRIBUTED = re.compile(
    r"\bcontributed (?:reporting|research|to this (?:report|story|article))\b|"
    r"^(?:Associated Press|AP)\b.{0,200}\bcontributed\b", re.IGNORECASE)
_PROMO = re.compile(
    r"^(?:Follow (?:AP|the AP|.{0,80}\b(?:on|at) (?:X|Twitter|Instagram|Facebook|Threads|Bluesky)\b)|"
    r"(?:Find|See|Read|Get|Watch|More) (?:more |all )?(?:of )?(?:the )?AP[’']?s?\b|"
    r"(?:The )?(?:Associated Press|AP)(?:[’']s?)? (?:receives|is solely responsible|"
    r".{0,80}\b(?:coverage|reporting|journalism) receives)|"
    r"Sign up for|Subscribe to)", re.IGNORECASE)


def is_separator(text: str) -> bool:
    return bool(_SEPARATOR.match(text)) and len(_SEPARATOR_CHARS.findall(text)) >= 3


def is_note(text: str) -> bool:
    return bool(_NOTE.match(text))


def is_trailer(text: str) -> bool:
    """A contributor line, a follow-us promo or a support note (only ever looked for after the story)."""
    if len(text) > 600:
        return False
    return bool(_CONTRIBUTED.search(text) or _PROMO.match(text))


def split_story(blocks: list[str]) -> tuple[list[str], list[str]]:
    """(story paragraphs, notes) from the story box's blocks in order.

    Separators go wherever they are; notes at the head ("EDITOR'S NOTE") and notes and trailer lines at
    the end go out of the body, notes into `attn`. A trailer-looking line inside the story stays: only
    the run after the last story paragraph is the trailer.
    """
    blocks = [b for b in blocks if b and not is_separator(b)]
    head_notes = []
    while blocks and is_note(blocks[0]) and len(blocks) > 1:
        head_notes.append(blocks.pop(0))
    tail_notes: list[str] = []
    while len(blocks) > 1 and (is_note(blocks[-1]) or is_trailer(blocks[-1])):
        text = blocks.pop()
        if is_note(text):
            tail_notes.insert(0, text)
    return blocks, head_notes + tail_notes


_DATELINE = re.compile(
    r"^\s*(?P<dateline>(?P<place>[^\W\d_][^()\n]{0,80}?)\s*\((?:AP|Associated Press)\))\s*(?:—|–|--|-)\s*")


def parse_dateline(first_paragraph: str | None) -> str | None:
    """"LA CROSSE, Wis. (AP) — text" -> "LA CROSSE, Wis. (AP)"; "SÃO PAULO (AP) —" too. The place's first
    part (before a comma) is in capitals, as AP writes it; None when the paragraph opens otherwise."""
    if not isinstance(first_paragraph, str):
        return None
    match = _DATELINE.match(first_paragraph[:200])
    if not match:
        return None
    city = match["place"].split(",", 1)[0].strip()
    letters = [ch for ch in city if ch.isalpha()]
    if not letters or city != city.upper():
        return None
    return clean_line(match["dateline"])


def clean_byline(text: str | None) -> str | None:
    """"By STEVE PEOPLES, THOMAS BEAUMONT and AMELIA ..." -> the names; the "Updated ..." timestamp
    template that shares the box is cut off."""
    if not text:
        return None
    line = _UPDATED_TAIL.sub("", clean_line(text))
    line = _BY.sub("", line).strip(" ,;|")
    return line or None
