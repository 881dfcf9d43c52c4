"""Ground-truth records for the replay site: one Article per page (article id), grouped into Nights."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

KST = timezone(timedelta(hours=9), "KST")

# AEN + YYYYMMDD + 4-digit serial + 2 version digits + 3-digit code
ARTICLE_ID_RE = re.compile(r"^AEN(\d{8})(\d{4})(\d{2})(\d{3})$")


@dataclass(frozen=True)
class EditVersion:
    """An earlier state of a page that was later edited in place (same article id)."""

    modified: datetime
    title: str
    label: str
    headline: str
    attn: str | None
    paragraphs: list[str]
    captions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Article:
    """One page as the site serves it (its latest state), plus the ground truth behind it.

    `paragraphs` is the body from the dateline paragraph on, without the ATTN note, byline,
    reporter email or "(END)". `versions` holds earlier states of the same id, oldest first.
    """

    article_id: str
    story_key: str  # ground truth: pages with the same key report the same story
    title: str  # as shown, with the label: "(LEAD) ..."
    label: str  # "", "LEAD", "2nd LD", "URGENT", ...
    headline: str  # title without the label
    attn: str | None  # full "(ATTN: ...)" text
    byline: str | None  # reporter name without "By "
    dateline: str  # "SEOUL, May 9 (Yonhap) -- "; paragraphs[0] starts with it
    section: str
    published: datetime  # aware, KST
    modified: datetime
    paragraphs: list[str]
    captions: list[str] = field(default_factory=list)
    related: list[tuple[str, str]] = field(default_factory=list)  # (title, "/view/<id>")
    email: str | None = None
    versions: list[EditVersion] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)

    @property
    def id_date(self) -> str:
        return ARTICLE_ID_RE.match(self.article_id).group(1)

    @property
    def serial(self) -> str:
        return ARTICLE_ID_RE.match(self.article_id).group(2)

    @property
    def version_digits(self) -> str:
        return ARTICLE_ID_RE.match(self.article_id).group(3)

    @property
    def code(self) -> str:
        return ARTICLE_ID_RE.match(self.article_id).group(4)

    def states(self) -> list[Article]:
        """Every state this id was served in, oldest first; the last one is the article itself."""
        earlier = [
            dataclasses.replace(
                self,
                modified=v.modified,
                title=v.title,
                label=v.label,
                headline=v.headline,
                attn=v.attn,
                paragraphs=list(v.paragraphs),
                captions=list(v.captions),
                versions=[],
            )
            for v in self.versions
        ]
        return earlier + [self]


@dataclass
class Night:
    """The pages published on one KST calendar day."""

    date: date
    articles: list[Article]


def title_with_label(label: str, headline: str) -> str:
    return f"({label}) {headline}" if label else headline


def kst(text: str) -> datetime:
    """'2023-05-09 14:53:12' (KST) -> aware datetime."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=KST)


def dateline_for(moment: datetime, city: str = "SEOUL") -> str:
    return f"{city}, {moment.strftime('%B')} {moment.day} (Yonhap) -- "
