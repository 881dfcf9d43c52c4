"""Days with in-place edits for capture tests and the capture benchmark.

`day_with_edits` takes a generated night (replay.generate), moves its pages into a working day
(06:00-23:00 KST by default) and gives a share of them earlier states: a page first published short
of its last paragraphs, which edits in place (same id) add at their times: minutes later, hours
later, or the next morning. The article itself stays the latest state (replay.model.Article.states).
"""
from __future__ import annotations

import dataclasses
import random
from datetime import datetime, time, timedelta

from .model import EditVersion, Night

# minutes after publication at which in-place edits land; spread from minutes to the next morning
EDIT_OFFSETS = [10, 20, 45, 75, 120, 180, 240, 330, 480, 720, 960, 1320, 1500]


def day_with_edits(night: Night, seed: int = 0, edit_rate: float = 0.35, first: time = time(6, 0),
                   last: time = time(23, 0)) -> Night:
    rng = random.Random(f"edits:{night.date}:{seed}")
    day_start = datetime.combine(night.date, time(0, 5), tzinfo=night.articles[0].published.tzinfo)
    new_start = datetime.combine(night.date, first, tzinfo=day_start.tzinfo)
    scale = (datetime.combine(night.date, last, tzinfo=day_start.tzinfo) - new_start) / timedelta(hours=20)
    articles = []
    for a in night.articles:
        published = new_start + (a.published - day_start) * scale
        a = dataclasses.replace(a, published=published, modified=published)
        n_edits = rng.choice([1, 1, 1, 2, 2, 3]) if rng.random() < edit_rate else 0
        n_edits = min(n_edits, len(a.paragraphs) - 2)
        if n_edits > 0:
            offsets = sorted(rng.sample(EDIT_OFFSETS, n_edits))
            times = [published] + [published + timedelta(minutes=m + rng.randint(0, 9)) for m in offsets]
            versions = [EditVersion(modified=times[i], title=a.title, label=a.label, headline=a.headline, attn=a.attn,
                                    paragraphs=list(a.paragraphs[:len(a.paragraphs) - n_edits + i]),
                                    captions=list(a.captions)) for i in range(n_edits)]
            a = dataclasses.replace(a, modified=times[-1], versions=versions)
        articles.append(a)
    articles.sort(key=lambda x: (x.published, x.article_id))
    return Night(date=night.date, articles=articles)


def state_spans(night: Night, until: datetime) -> list[tuple[str, list[str], datetime, datetime]]:
    """(article id, paragraphs, from, to) of every state the site served before `until`."""
    spans = []
    for a in night.articles:
        states = a.states()
        for i, s in enumerate(states):
            start = a.published if i == 0 else s.modified
            end = states[i + 1].modified if i + 1 < len(states) else until
            if start < until:
                spans.append((a.article_id, list(s.paragraphs), start, min(end, until)))
    return spans
