"""The AP replay's ground truth: articles, each a list of in-place states under one id and url.

AP revises in place: a page keeps its id (and usually its url) while its text, headline and dateModified
move; a story re-topped on a later day gets a new id and slug (`story_key` ties them together for grouping
evaluation). A state may also change the slug (AP re-slugs a story it re-tops in place): the old url then
redirects to the new one.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

UTC = timezone.utc
SUBHEAD = "## "  # a paragraph starting so is a subhead (<h2> on the page), story text all the same


@dataclass(frozen=True)
class State:
    """One state of a page, live from `at` until the next state's `at`."""

    at: datetime  # aware; the first state's `at` is the publication time
    headline: str  # the headline of record (ld+json headline, <title>)
    paragraphs: tuple[str, ...]  # story text after the dateline; subheads start with SUBHEAD
    captions: tuple[str, ...] = ()  # photo captions, lead photo first
    slug: str | None = None  # None: the slug of the state before
    note: str | None = None  # an update or correction note at the end ("This story has been updated ...")
    shown_headline: str | None = None  # the h1 when AP shows another wording than the headline of record


@dataclass(frozen=True)
class Article:
    key: str  # a short name, unique in the replay; the id is derived from it
    story_key: str  # ground truth: articles with one story_key report one story (re-tops across urls)
    slug: str
    section: str
    hubs: tuple[str, ...]  # hub topics listing it: "politics" -> /hub/politics
    place: str  # dateline place, "BOISE, Idaho"
    authors: tuple[str, ...]  # as AP prints them; () -> "Associated Press"
    states: tuple[State, ...]  # oldest first
    contributors: str | None = None  # the trailer line after "___"
    related: tuple[str, ...] = ()  # keys of other articles, shown as a related-coverage list
    editors_note: str | None = None  # "EDITOR'S NOTE — ..." before the story
    video_caption: str | None = None  # a video slide in the lead carousel (not a photo caption)

    @property
    def article_id(self) -> str:
        return hashlib.md5(f"wiredesk-apnews-replay:{self.key}".encode()).hexdigest()

    @property
    def published(self) -> datetime:
        return self.states[0].at

    @property
    def dateline(self) -> str:
        return f"{self.place} (AP)"

    @property
    def byline(self) -> str:
        if not self.authors:
            return "Associated Press"
        if len(self.authors) == 1:
            return self.authors[0]
        return ", ".join(self.authors[:-1]) + " and " + self.authors[-1]

    def slug_of(self, state: State) -> str:
        slug = self.slug
        for s in self.states:
            slug = s.slug or slug
            if s is state:
                break
        return slug

    def state_at(self, now: datetime | None) -> State | None:
        """The state served at `now` (None: the latest); None before publication."""
        if now is None:
            return self.states[-1]
        live = [s for s in self.states if s.at <= now]
        return live[-1] if live else None

    def body(self, state: State) -> list[str]:
        """The story paragraphs a parser must return for `state`: the dateline opens the first."""
        texts = [p.removeprefix(SUBHEAD) for p in state.paragraphs]
        return [f"{self.place} (AP) — {texts[0]}"] + texts[1:]

    def attn(self, state: State) -> str | None:
        notes = [n for n in (self.editors_note, state.note) if n]
        return " ".join(notes) or None


@dataclass
class Night:
    """The articles first published on one UTC day."""

    date: date
    articles: list[Article] = field(default_factory=list)


def utc(text: str) -> datetime:
    """'2024-05-14 09:12:40' (UTC) -> aware datetime."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
