"""Writes the AP golden pairs: <name>.html (a page in one site generation, around a story written for this
project) and <name>.json (the record the AP parser must return for it).

The expected record is built from the story data (pipelines.sources.apnews.replay.stories), never by running
the parser, so each pair is an independent check. Run after changing a story or the page templates:
    .venv/bin/python -m pipelines.sources.apnews.golden.generate
and review the diff: the committed files are the golden pairs, not this script.
"""
from __future__ import annotations

import json
from pathlib import Path

from pipelines.sources.apnews.parsers import APNewsBrightspot2024, APNewsReact2023
from pipelines.sources.apnews.replay import render
from pipelines.sources.apnews.replay.model import Article, State
from pipelines.sources.apnews.replay.stories import articles

HERE = Path(__file__).resolve().parent
VERSIONS = {"brightspot2024": APNewsBrightspot2024.VERSION, "react2023": APNewsReact2023.VERSION}

# name -> (generation, article key, state index)
CASES = {
    "brightspot2024_edited": ("brightspot2024", "river", 1),  # subhead, shown headline, slug changed, video slide
    "brightspot2024_corrected": ("brightspot2024", "river", 2),  # a correction note after the story
    "brightspot2024_agency_byline": ("brightspot2024", "markets-close", 0),  # no writer: "Associated Press"
    "react2023_editors_note": ("react2023", "museum", 0),  # "EDITOR'S NOTE — ..." before the story
    "react2023_retopped": ("react2023", "quake-retop", 0),  # two writers, a related embed
}


def expected(generation: str, article: Article, state: State, related: list[tuple[str, str]]) -> dict:
    body = article.body(state)
    return {
        "source": "apnews",
        "article_id": article.article_id,
        "url": render.CANONICAL_BASE + render.article_path(article, state),
        "headline": state.headline,
        "title_raw": (state.shown_headline or state.headline) if generation == "brightspot2024" else state.headline,
        "revision_label": None,
        "revision_no": 0,
        "attn": article.attn(state),
        "byline": article.byline,
        "dateline": article.dateline,
        "section": article.section,
        "published_at": article.published.isoformat(),
        "updated_at": state.at.isoformat(),
        "body_paragraphs": body,
        "captions": list(state.captions),
        "related": [{"title": title, "url": url} for title, url in related],
        "extractor_version": VERSIONS[generation],
    }


def main() -> None:
    by_key = {a.key: a for a in articles()}
    for name, (generation, key, index) in CASES.items():
        article = by_key[key]
        state = article.states[index]
        related = []
        for other_key in article.related:
            other = by_key[other_key]
            other_state = other.states[-1]
            related.append((other_state.shown_headline or other_state.headline,
                            render.CANONICAL_BASE + render.article_path(other, other_state)))
        (HERE / f"{name}.html").write_text(render.article_page(generation, article, state, related), encoding="utf-8")
        record = expected(generation, article, state, related)
        (HERE / f"{name}.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {name}.html / .json")


if __name__ == "__main__":
    main()
