"""Generated nights for benchmarks: many pages of templated, varied wire copy with revision chains."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from .model import KST, Article, Night, dateline_for, title_with_label

LABELS = ["", "LEAD", "2nd LD", "3rd LD"]
SECTIONS = [("315", "Politics"), ("315", "National"), ("320", "Economy"), ("320", "Industry"),
            ("325", "North Korea"), ("315", "Diplomacy"), ("315", "Sports"), ("315", "Culture")]
ACTORS = ["The finance ministry", "The central bank", "The ruling party", "The main opposition party",
          "The unification ministry", "The trade ministry", "The Seoul city government", "Samsung Electronics",
          "Hyundai Motor", "The defense ministry", "The health ministry", "The fair trade watchdog",
          "The land ministry", "The presidential office", "The science ministry", "The weather agency"]
ACTIONS = ["will unveil measures to", "plans to", "vowed to", "is considering steps to", "agreed to",
           "called for efforts to", "moved to", "announced a plan to", "pledged support to"]
GOALS = ["ease the burden of high interest rates on small businesses", "boost exports of batteries and chips",
         "expand child care support for working parents", "stabilize prices of farm products",
         "tighten oversight of rental deposit fraud", "attract foreign investment in biotechnology",
         "strengthen cooperation with Southeast Asian partners", "curb household debt",
         "modernize the country's power grid", "support victims of heavy rain in the south",
         "revive regional tourism", "promote the K-content industry overseas", "secure supplies of critical minerals",
         "cut red tape for startups", "respond to North Korea's missile threats", "reform the national pension"]
DETAILS = ["according to officials familiar with the matter", "in a statement released in the morning",
           "during a meeting held in Sejong", "at a press briefing in Seoul", "in a report submitted to parliament",
           "citing data compiled over the past year", "after consultations with industry groups"]
REACTIONS = ["Critics said the plan lacks concrete funding.", "Industry groups welcomed the move.",
             "Experts called for a more cautious approach given the economic slowdown.",
             "The opposition said it would review the details before taking a position.",
             "Market watchers expect the measures to take effect in the second half.",
             "Civic groups said the steps fall short of what is needed."]
NAMES = ["Kang Min-ji", "Lee Jun-ho", "Park Soo-yeon", "Choi Hyun-woo", "Kim Tae-hoon", "Yoo Ji-won",
         "Oh Seung-jin", "Nam Ji-soo", "Shin Ha-neul", "Jung Da-eun"]


def _sentence(rng: random.Random) -> str:
    num = rng.choice([f"{rng.randint(2, 98)} percent", f"{rng.randint(1, 900):,} billion won",
                      f"US${rng.randint(1, 90)} billion", f"{rng.randint(100, 9000):,} people"])
    return (f"{rng.choice(ACTORS)} {rng.choice(ACTIONS)} {rng.choice(GOALS)}, {rng.choice(DETAILS)}, with the figure "
            f"put at {num} for this year. {rng.choice(REACTIONS)}")


def _paragraphs(rng: random.Random, n: int) -> list[str]:
    return [" ".join(_sentence(rng) for _ in range(rng.randint(1, 2))) for _ in range(n)]


def generate_night(day: date, n_pages: int, seed: int = 0) -> Night:
    """A night of exactly `n_pages` pages in revision chains of 1-4, all published within `day` (KST)."""
    rng = random.Random(f"{day.isoformat()}:{seed}")
    start = datetime.combine(day, time(0, 5), tzinfo=KST)
    articles: list[Article] = []
    serial = 0
    while len(articles) < n_pages:
        serial += 1
        if serial > 9999:
            raise ValueError("a night holds at most 9999 stories (4-digit serials)")
        chain_len = min(rng.choice([1, 1, 2, 2, 3, 4]), n_pages - len(articles))
        code, section = rng.choice(SECTIONS)
        story_key = f"gen-{day:%Y%m%d}-{serial:04d}"
        goal = rng.choice(GOALS)
        actor = rng.choice(ACTORS)
        byline = rng.choice(NAMES)
        published = start + timedelta(seconds=rng.randint(0, 20 * 3600))
        paras = _paragraphs(rng, rng.randint(6, 9))
        for version in range(chain_len):
            label = LABELS[version]
            headline = f"{actor.removeprefix('The ')[:1].upper()}{actor.removeprefix('The ')[1:]} to {goal}"
            if version and rng.random() < 0.3:
                headline = f"{headline} by year-end"
            attn = None
            if version:
                paras = paras + _paragraphs(rng, rng.randint(1, 2))
                attn = f"(ATTN: ADDS more details from {rng.randint(4, len(paras))}th para)"
            body = [dateline_for(published) + paras[0], *paras[1:]]
            articles.append(Article(
                article_id=f"AEN{day:%Y%m%d}{serial:04d}{'00' if not version else 50 + version}{code}",
                story_key=story_key, title=title_with_label(label, headline), label=label, headline=headline,
                attn=attn, byline=byline, dateline=dateline_for(published), section=section,
                published=published, modified=published, paragraphs=body,
                captions=[f"Officials attend a meeting in Seoul on {published:%B} {published.day}, {day.year}. (Yonhap)"]
                if rng.random() < 0.5 else [],
                email=f"{byline.split()[0].lower()}@yna.co.kr", keywords=[section],
            ))
            # later revisions come 15-90 minutes apart but never spill into the next day
            published = min(published + timedelta(minutes=rng.randint(15, 90)),
                            datetime.combine(day, time(23, 59, 59), tzinfo=KST))
    articles.sort(key=lambda a: (a.published, a.article_id))
    return Night(date=day, articles=articles)
