"""Small builder that turns hand-written wire copy into Article records."""
from __future__ import annotations

from .model import Article, EditVersion, dateline_for, kst, title_with_label


def wire(
    article_id: str,
    story_key: str,
    headline: str,
    *,
    section: str,
    published: str,
    paras: list[str],
    label: str = "",
    attn: str | None = None,
    by: str | None = None,
    email: str | None = None,
    modified: str | None = None,
    captions: list[str] = (),
    related: list = (),
    city: str = "SEOUL",
    keywords: list[str] = (),
    versions: list[EditVersion] = (),
) -> Article:
    """`paras` start without the dateline; it is prepended to the first one from the publish time.

    `related` entries are article ids on this site (titles filled in by stories.nights())
    or explicit (title, url) pairs.
    """
    pub = kst(published)
    dateline = dateline_for(pub, city)
    body = [dateline + paras[0], *paras[1:]]
    return Article(
        article_id=article_id,
        story_key=story_key,
        title=title_with_label(label, headline),
        label=label,
        headline=headline,
        attn=attn,
        byline=by,
        dateline=dateline,
        section=section,
        published=pub,
        modified=kst(modified) if modified else pub,
        paragraphs=body,
        captions=list(captions),
        related=[(r, f"/view/{r}") if isinstance(r, str) else tuple(r) for r in related],
        email=email,
        versions=list(versions),
        keywords=list(keywords),
    )


def earlier(modified: str, headline: str, paras: list[str], *, label: str = "", attn: str | None = None,
            captions: list[str] = (), city: str = "SEOUL", published: str | None = None) -> EditVersion:
    """An earlier in-place state of a page; `published` sets the dateline day (defaults to `modified`)."""
    dateline = dateline_for(kst(published or modified), city)
    return EditVersion(
        modified=kst(modified),
        title=title_with_label(label, headline),
        label=label,
        headline=headline,
        attn=attn,
        paragraphs=[dateline + paras[0], *paras[1:]],
        captions=list(captions),
    )
