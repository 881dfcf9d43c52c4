"""The hand-written nights of the replay site, with their ground truth.

Each night module in replay/data lists the pages published on that KST day; a revision that
crosses midnight sits in the night of its own publish time, with the id of the day it started.
"""
from __future__ import annotations

import dataclasses

from .data import night_20230509, night_20230510, night_20230511
from .model import Article, Night

NIGHT_MODULES = [night_20230509, night_20230510, night_20230511]


def nights() -> list[Night]:
    """The three written nights (2023-05-09..11), oldest first, each article list sorted by publish time."""
    written = [(m.DAY, list(m.ARTICLES)) for m in NIGHT_MODULES]
    titles = {a.article_id: a.title for _, arts in written for a in arts}
    result = []
    for day, articles in written:
        for a in articles:
            if a.published.date() != day:
                raise ValueError(f"{a.article_id} published {a.published} is filed under night {day}")
        articles = [_resolve_related(a, titles) for a in articles]
        result.append(Night(date=day, articles=sorted(articles, key=lambda a: (a.published, a.article_id))))
    return result


def all_articles() -> list[Article]:
    return [a for night in nights() for a in night.articles]


def _resolve_related(article: Article, titles: dict[str, str]) -> Article:
    """Related links were written as article ids; show them with the linked page's current title."""
    related = [(titles.get(title, title), url) for title, url in article.related]
    return dataclasses.replace(article, related=related)
