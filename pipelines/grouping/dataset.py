"""Labelled evaluation worlds for story grouping, built at run time from ../shared/wiredata.

Nothing from /work/shared is copied into the repository: the real pages are read when the
evaluation runs (skipped with a message when the folder is absent). What lives here is the
project's own writing: the transformations that turn a real page into a revision chain and the
look-alike templates.

A "world" is one night-spanning set of items: every source page of the split once, as a revision
chain of 1-6 revisions (URGENT / original / LEAD / 2nd LD ... with added paragraphs, recast leads,
reworded headlines, updated figures, truncated bodies, ATTN notes, id noise), plus look-alike
negatives: daily counts with the same headline on consecutive days, "-1"/"-2" lists, a Yonhap News
Summary that repeats chain leads verbatim, a story reusing a chain's background paragraphs, a
next-day follow-up, a same-event story from another desk, an unrelated story whose id reuses a
chain's serial on another date; plus the real revision pair, the real list look-alikes and the
Reuters/AP wire items where they belong to the split.

Splits: "tune" (even-numbered pages, template set A, seeds 1000+) was used to set thresholds;
"heldout" (odd-numbered pages, the real pair and lists, wire items, template set B, seeds 5000+)
was not. Both were written by the same author, so "held out" means unseen data and templates,
not an independent annotator.
"""
from __future__ import annotations

import gzip
import json
import os
import random
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from pipelines.grouping import Revision

SHARED = Path(os.environ.get("WIREDESK_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared" / "wiredata")
REAL_PAIR = ("AEN20230419003800320", "AEN20230419003851320")
REAL_LISTS = ("AEN20230419006100320", "AEN20230419006200320")


@dataclass
class Item:
    revision: Revision
    story: str  # gold story label
    kind: str  # "chain" | "lookalike" | "real" | "wire"


@dataclass
class Page:
    article_id: str
    headline: str
    published: datetime
    section: str
    paragraphs: list[str]  # content paragraphs, dateline first, no ATTN/byline/email


def shared_available() -> bool:
    return (SHARED / "yonhap" / "gold").is_dir()


def load_pages() -> list[Page]:
    from pipelines.labels import split_headline

    meta = {m["cid"]: m for m in json.loads((SHARED / "yonhap" / "meta.json").read_text())}
    pages = []
    for path in sorted((SHARED / "yonhap" / "gold").glob("*.txt")):
        cid = path.stem
        m = meta[cid]
        paras = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        paras = [p for p in paras if not p.startswith("(ATTN") and not re.match(r"^By [A-Z]", p)
                 and "@yna.co.kr" not in p and p != "(END)"]
        pages.append(Page(cid, split_headline(m["title"])[1], datetime.fromisoformat(m["published_time"]),
                          m["section"], paras))
    return pages


# --- writing helpers (the project's own text) --------------------------------------------

TEMPLATES = {
    "A": {
        "added": [
            "Officials said further details on {topic} would be released after consultations with {entity}.",
            "The move comes as {entity} faces growing calls to act on {topic}, observers said.",
            "{entity} is expected to hold a follow-up meeting next week to review {topic}.",
            "A spokesperson for {entity} declined to comment on the timing, citing ongoing talks.",
            "Experts cautioned that the impact of {topic} could take months to become clear.",
        ],
        "recast": "{entity} on {weekday} gave more details on {topic}, saying the plan will go ahead as scheduled.",
        "headline": "{Entity} gives more details on {topic}",
        "urgent": "{Entity} announces {topic}",
        "count_head": "S. Korea's new COVID-19 cases stay in {band} range",
        "count_body": [
            "SEOUL, {date} (Yonhap) -- South Korea's daily COVID-19 cases stayed in the {band} range on {weekday}, "
            "with {n1} new infections reported, the health authorities said.",
            "The {n1} new cases, including {n2} from overseas, raised the total caseload to {total}, the Korea "
            "Disease Control and Prevention Agency said.",
            "The country added {n3} COVID-19 deaths, bringing the death toll to {deaths}.",
            "The number of critically ill patients came to {n4}, compared with {n5} the previous day.",
        ],
        "list_head": "KOSDAQ Closing Price List-{part}",
        "follow_leads": [
            "A day after {topic} was announced, {entity} said on {weekday} it will set up a task force to carry it out.",
            "{Entity} on {weekday} started consultations with local governments over how to carry out {topic}.",
            "Lawmakers on {weekday} summoned officials of {entity} to explain the budget needed for {topic}.",
        ],
        "desk_leads": [
            "Opposition lawmakers on {weekday} criticised {entity} over {topic}, calling it a hasty decision.",
            "Civic groups rallied in central Seoul on {weekday} to protest against {topic} pushed by {entity}.",
            "Foreign investors reacted cautiously on {weekday} to news of {topic}, market watchers said.",
        ],
        "reuse_leads": [
            "{Other} said on {weekday} it will review its own budget rules, following weeks of debate in parliament.",
            "A state-run think tank on {weekday} released a report on regional job losses over the past decade.",
            "The ruling party on {weekday} proposed a bill to extend tax breaks for small exporters by three years.",
        ],
        "serial_leads": [
            "The national weather agency on {weekday} issued a heavy rain advisory for the southern coast.",
            "Police on {weekday} arrested two men suspected of running an illegal online gambling site.",
            "A museum in Gyeongju reopened on {weekday} after two years of renovation work on its main hall.",
        ],
        "frag": (["Local officials", "Industry watchers", "A senior researcher", "Residents", "Union leaders",
                  "Two lawmakers"],
                 ["told reporters on condition of anonymity that", "argued in a radio interview that",
                  "wrote in a statement released late in the day that", "warned at a public hearing that",
                  "noted during a parliamentary session that", "said in a separate briefing that"],
                 ["the cost estimate had been revised twice", "the schedule leaves little room for delays",
                  "rural areas would feel the change first", "a survey showed support below 40 percent",
                  "the same proposal failed in 2019", "the details should be published online"]),
    },
    "B": {
        "added": [
            "{entity} plans to brief reporters on {topic} later this week, according to officials.",
            "Critics say {topic} does not go far enough, while supporters call it a needed first step.",
            "The decision on {topic} was made at a closed-door session chaired by {entity}, sources said.",
            "{entity} said it would monitor the situation closely and take additional steps if needed.",
            "Similar measures were taken two years ago, though with mixed results, analysts noted.",
        ],
        "recast": "{entity} stood by {topic} on {weekday} despite criticism, officials said in an update.",
        "headline": "{Entity} stands by {topic} amid criticism",
        "urgent": "{Entity}: {topic}",
        "count_head": "New coronavirus infections in {band} range for another day",
        "count_body": [
            "SEOUL, {date} (Yonhap) -- New coronavirus infections in South Korea remained in the {band} range "
            "for another day on {weekday}, as {n1} cases were added.",
            "Of the new cases, {n2} were imported, bringing the cumulative total to {total}, according to the "
            "KDCA.",
            "Deaths rose by {n3} to {deaths}, while {n4} patients were in serious condition, up from {n5}.",
        ],
        "list_head": "KOSPI Foreign Ownership List-{part}",
        "follow_leads": [
            "{Entity} on {weekday} named the officials who will oversee {topic}, a day after the announcement.",
            "Provincial governors met on {weekday} to discuss their share of the cost of {topic}.",
            "{Entity} on {weekday} opened a hotline for citizens with questions about {topic}.",
        ],
        "desk_leads": [
            "Business groups on {weekday} welcomed the announcement by {entity} on {topic}, but asked for clearer rules.",
            "Academics questioned on {weekday} whether {topic} could be financed without new bonds.",
            "Shares of construction firms rose on {weekday} after {entity} unveiled {topic}.",
        ],
        "reuse_leads": [
            "{Other} unveiled a separate package of measures on {weekday}, focusing on small firms in the provinces.",
            "The central bank on {weekday} kept its policy rate unchanged for a second straight meeting.",
            "Exports of chips fell for the eighth consecutive month in March, customs data showed on {weekday}.",
        ],
        "serial_leads": [
            "A fire broke out at a warehouse in Incheon on {weekday}, but no casualties were reported.",
            "A 4.1 magnitude earthquake struck off the east coast on {weekday}, the weather agency said.",
            "The city of Busan on {weekday} announced a new bus route linking its airport and the old downtown.",
        ],
        "frag": (["Market analysts", "A ministry official", "Several experts", "Local merchants", "A union spokesman",
                  "Opposition members"],
                 ["said in a phone interview that", "told a seminar in Seoul that", "pointed out on social media that",
                  "claimed in a joint statement that", "added in written remarks that", "stressed at a forum that"],
                 ["the plan lacks a clear timeline", "the measures came too late for many", "funding remains the biggest hurdle",
                  "similar steps worked well in Japan", "the public was not consulted enough", "prices may rise in the short term"]),
    },
}
COMPANIES = ["Hana Micron", "Seegene", "Ecopro", "Celltrion Pharm", "HLB", "Pearl Abyss", "Kakao Games", "Leeno",
             "JYP Ent.", "SM Ent.", "Dongjin Semichem", "Wemade", "CJ ENM", "Studio Dragon", "Eugene Tech",
             "Soulbrain", "Hugel", "Jusung Eng", "Park Systems", "PI Advanced", "Chunbo", "Classys", "Rainbow Robotics",
             "ISC", "Hanwha Systems", "Doosan Tesna", "Ssangyong C&E", "Posco M-Tech", "Samchundang", "L&F"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'-]+", text)


def story_terms(page: Page) -> dict:
    """Entity and topic phrases taken from the page's own lead and headline."""
    lead = re.sub(r"^.*?\(Yonhap\)\s*--\s*", "", page.paragraphs[0])
    caps = re.findall(r"(?:[A-Z][\w.'-]+\s){0,2}[A-Z][\w.'-]+", lead)
    caps = [c for c in caps if c not in ("The", "South Korea", "Korea") and len(c) > 3
            and not any(d in c for d in WEEKDAYS + ["January", "April", "March", "June", "July"])] or ["the government"]
    words = [w for w in _words(page.headline) if w.lower() not in {"to", "of", "the", "a", "in", "on", "for", "via"}]
    topic = " ".join(words[-4:]).lower() or "the plan"
    entity = caps[0]
    return {"entity": entity, "Entity": entity[0].upper() + entity[1:], "topic": topic,
            "weekday": WEEKDAYS[page.published.weekday()], "Other": "The ministry of " + words[0].lower()
            if words else "The ministry"}


def change_numbers(text: str, rng: random.Random) -> str:
    def bump(match):
        digits = match.group(0)
        if rng.random() < 0.5 or len(digits.replace(",", "")) > 6:
            return digits
        value = int(digits.replace(",", "")) + rng.randint(1, 9)
        return f"{value:,}" if "," in digits else str(value)
    return re.sub(r"\b\d[\d,]*\b", bump, text)


def yonhap_id(day: datetime, serial: int, version: int, code: str) -> str:
    return f"AEN{day:%Y%m%d}{serial:04d}{version:02d}{code}"


def kst(dt: datetime) -> str:
    return dt.isoformat()


def _rev(key, article_id, headline, published, paras, section, url=True) -> Revision:
    return Revision(key=key, article_id=article_id, headline=headline, published_at=published,
                    body_paragraphs=list(paras), section=section,
                    url=f"https://en.yna.co.kr/view/{article_id}" if url else None)


def make_chain(page: Page, world: int, rng: random.Random, tpl: dict, base: datetime, serial: int,
               code: str) -> list[Item]:
    """A revision chain from one real page."""
    terms = story_terms(page)
    story = f"w{world}-{page.article_id}"
    n = rng.choice([1, 2, 2, 3, 3, 4, 5, 6])
    id_day = base - timedelta(days=rng.choice([21, 35])) if rng.random() < 0.15 else base
    paras = list(page.paragraphs)
    dateline = re.match(r"^.*?\(Yonhap\)\s*--\s*", paras[0])
    prefix = dateline.group(0) if dateline else ""
    items: list[Item] = []
    t = base.replace(hour=rng.choice([9, 11, 14, 16, 21, 22]), minute=rng.randint(0, 59))
    version = 0
    headline = page.headline
    body = paras[: max(1, int(len(paras) * rng.uniform(0.5, 0.8)))] if n > 1 else paras
    attn = None
    for step in range(n):
        label = ""
        if step == 0 and n > 2 and rng.random() < 0.5:  # an URGENT one-liner first
            label = "(URGENT) "
            urgent_lead = re.sub(r"^.*?\(Yonhap\)\s*--\s*", "", paras[0]).split(". ")[0].rstrip(".") + "."
            rev_paras = [prefix + urgent_lead]
            rev_head = headline if rng.random() < 0.5 else urgent_lead[:90]
            own_serial = rng.random() < 0.5  # URGENTs are often filed under a serial of their own
            aid = yonhap_id(id_day, serial + 500 if own_serial else serial, 0, code)
            items.append(Item(_rev(f"{story}-{step}", aid, label + rev_head, kst(t), rev_paras, page.section),
                              story, "chain"))
            t += timedelta(minutes=rng.randint(10, 60))
            continue
        if step > 0 and items:
            version += 1
            label = "(LEAD) " if version == 1 else f"({version}{'nd' if version == 2 else 'rd' if version == 3 else 'th'} LD) "
            kind = rng.choice(["add", "add", "recast", "figures", "headline"])
            notes = []
            if kind in ("add", "figures", "recast") or len(body) < len(paras):
                extra = paras[len(body): len(body) + rng.randint(1, 3)]
                extra += [tpl["added"][rng.randrange(len(tpl["added"]))].format(**terms)]
                body = body + extra
                notes.append(f"ADDS info in paras {len(body) - len(extra) + 1}-{len(body)}")
            if kind == "figures":
                body = [change_numbers(p, rng) for p in body]
                notes.append("UPDATES figures")
            if kind == "recast":
                old_lead = re.sub(r"^.*?\(Yonhap\)\s*--\s*", "", body[0])
                detail = paras[-2] if len(paras) > 3 else tpl["recast"].format(**terms)
                new_lead = tpl["recast"].format(**terms).split(",")[0] + ", as " + detail[0].lower() + detail[1:]
                body = [prefix + new_lead] + [old_lead[0].upper() + old_lead[1:]] + body[1:]
                notes.append("RECASTS lead")
            if kind in ("recast", "headline") or rng.random() < 0.3:
                headline = tpl["headline"].format(**terms)
                notes.append("CHANGES headline")
            attn = "(ATTN: " + "; ".join(notes) + ")"
        digits = version if version == 0 else (50 + version + (1 if rng.random() < 0.1 else 0))
        aid = yonhap_id(id_day, serial, digits, code)
        shown = body if rng.random() > 0.1 else body[: max(1, len(body) // 2)]  # a truncated fetch
        rev_paras = ([attn] if attn else []) + shown
        if label == "(LEAD) " and rng.random() < 0.1:
            label = ""  # a (LEAD) page without the label
        items.append(Item(_rev(f"{story}-{step}", aid, label + headline, kst(t), rev_paras, page.section),
                          story, "chain"))
        t += timedelta(minutes=rng.randint(25, 240))
    return items


def lookalikes(world: int, rng: random.Random, tpl: dict, base: datetime, chains: list[tuple[Page, list[Item]]],
               name: str) -> list[Item]:
    """Negatives written from the templates (each its own story unless it has its own revisions)."""
    out: list[Item] = []
    w = f"w{world}"
    # Daily counts: same headline, three consecutive days, one of them with a (LEAD) revision.
    band = rng.choice(["10,000", "20,000", "30,000"])
    total = rng.randint(30_000_000, 31_000_000)
    deaths = rng.randint(34_000, 35_000)
    for d in range(3):
        day = base + timedelta(days=d)
        nums = dict(n1=f"{rng.randint(10_000, 19_999):,}", n2=rng.randint(20, 90), n3=rng.randint(5, 20),
                    n4=rng.randint(120, 200), n5=rng.randint(120, 200), total=f"{total + d * 15000:,}",
                    deaths=f"{deaths + d * 10:,}", band=band, date=f"{day:%B} {day.day}",
                    weekday=WEEKDAYS[day.weekday()])
        paras = [p.format(**nums) for p in tpl["count_body"]]
        aid = yonhap_id(day, rng.randint(100, 900), 0, "315")
        t = day.replace(hour=9, minute=35)
        story = f"{w}-{name}-count-{d}"
        out.append(Item(_rev(f"{story}-0", aid, tpl["count_head"].format(band=band), kst(t), paras, "National"),
                        story, "lookalike"))
        if d == 1:
            lead_id = aid[:15] + "51" + aid[17:]
            more = paras + ["Health authorities urged the elderly to get booster shots."]
            out.append(Item(_rev(f"{story}-1", lead_id, "(LEAD) " + tpl["count_head"].format(band=band),
                                 kst(t + timedelta(hours=2)), ["(ATTN: ADDS last para)"] + more, "National"),
                            story, "lookalike"))
    # Price lists -1 / -2, minutes apart, and the same list the next day.
    for d in range(2):
        for part in (1, 2):
            day = base + timedelta(days=d)
            names = rng.sample(COMPANIES, 12)
            rows = "\n".join(f"{c} {rng.randint(1000, 90000):,} {rng.choice(['UP', 'DN'])} {rng.randint(5, 900):,}"
                             for c in names)
            paras = [f"SEOUL, {day:%B} {day.day} (Yonhap) -- {WEEKDAYS[day.weekday()]}'s closing prices (KRW) of "
                     f"listed stocks.", rows, "(END)"]
            story = f"{w}-{name}-list-{d}-{part}"
            out.append(Item(_rev(f"{story}-0", yonhap_id(day, 6100 + part * 100 + d, 0, "320"),
                                 tpl["list_head"].format(part=part), kst(day.replace(hour=15, minute=41 + part)),
                                 paras, "Finance"), story, "lookalike"))
    # News summary repeating chain leads verbatim.
    picked = rng.sample(chains, min(4, len(chains)))
    summary = ["SEOUL, (Yonhap) -- The following is a summary of major news."]
    for page, items in picked:
        last = items[-1].revision
        lead = [p for p in last.body_paragraphs if not p.startswith("(ATTN")][0]
        summary += [re.sub(r"\(\w+ LD\)|\(LEAD\)|\(URGENT\)", "", last.headline).strip(), lead]
    story = f"{w}-{name}-summary"
    out.append(Item(_rev(f"{story}-0", yonhap_id(base, 9100, 0, "300"), "Yonhap News Summary",
                         kst(base.replace(hour=23, minute=50)), summary, "General"), story, "lookalike"))
    # Background reuse, next-day follow-up, other desk, serial reuse: each with its own lead and
    # its own written sentences, sharing only what the real cases share.
    opener, middle, ending = tpl["frag"]
    own = [f"{a} {b} {c}." for a in opener for b in middle for c in ending]
    rng.shuffle(own)
    for i, (page, items) in enumerate(rng.sample(chains, min(3, len(chains)))):
        terms = story_terms(page)
        bg = page.paragraphs[-3:-1] if len(page.paragraphs) > 4 else page.paragraphs[-1:]
        prefix = "SEOUL, {} {} (Yonhap) -- ".format(f"{page.published:%B}", page.published.day)
        lead = {kind: tpl[kind + "_leads"][i % 3].format(**terms) for kind in ("reuse", "follow", "desk", "serial")}
        mine = lambda n: [own.pop() for _ in range(n)]  # noqa: E731
        made = {
            "reuse": ([prefix + lead["reuse"]] + mine(4) + bg, lead["reuse"].split(",")[0], timedelta(hours=3)),
            "follow": ([prefix + lead["follow"]] + mine(4) + bg,
                       f"{terms['Entity']} moves ahead with {terms['topic']}", timedelta(hours=24)),
            "desk": ([prefix + lead["desk"]] + mine(3) + page.paragraphs[2:3],
                     f"Criticism grows over {terms['topic']}", timedelta(hours=1)),
        }
        for kind, (paras, head, delta) in made.items():
            story = f"{w}-{name}-{kind}-{page.article_id}"
            t = items[0].revision.published_at
            when = datetime.fromisoformat(t) + delta
            out.append(Item(_rev(f"{story}-0", yonhap_id(when, rng.randint(1000, 1900), 0, "315"), head, kst(when),
                                 paras, page.section), story, "lookalike"))
        # An unrelated story whose id reuses this chain's serial and code on another date.
        first = items[0].revision.article_id
        when = datetime.fromisoformat(items[0].revision.published_at) + timedelta(days=rng.choice([-9, 12]))
        story = f"{w}-{name}-serial-{page.article_id}"
        aid = f"AEN{when:%Y%m%d}{first[11:15]}00{first[17:]}"
        out.append(Item(_rev(f"{story}-0", aid, lead["serial"].split(" on ")[0], kst(when),
                             ["SEOUL (Yonhap) -- " + lead["serial"]] + mine(2), "National"), story, "lookalike"))
    return out


def real_items(world: int, pages: dict[str, Page]) -> list[Item]:
    """The real revision pair and the real "-1"/"-2" lists, as published."""
    out = []
    pair_story = f"w{world}-realpair"
    for cid in REAL_PAIR:
        p = pages[cid]
        label = "(LEAD) " if cid.endswith("51320") else ""
        out.append(Item(_rev(f"{pair_story}-{cid}", cid, label + p.headline, kst(p.published), p.paragraphs,
                             p.section), pair_story, "real"))
    for cid in REAL_LISTS:
        p = pages[cid]
        out.append(Item(_rev(f"w{world}-{cid}", cid, p.headline, kst(p.published), p.paragraphs, p.section),
                        f"w{world}-{cid}", "real"))
    return out


def wire_items(world: int) -> list[Item]:
    """Reuters NewsML versions (guid = story) and AP ANPA writethrus (one story each)."""
    from lxml import etree

    out = []
    folder = SHARED / "wire-items"
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("tag_reuters*")):
        try:
            root = etree.parse(str(path)).getroot()
        except etree.XMLSyntaxError:
            continue
        ns = {"n": "http://iptc.org/std/nar/2006-10-01/"}
        guid = root.xpath("string(//n:newsItem/@guid)", namespaces=ns) or path.name
        headline = root.xpath("string(//n:headline)", namespaces=ns).strip()
        created = root.xpath("string(//n:versionCreated)", namespaces=ns)
        paras = [" ".join("".join(p.itertext()).split()) for p in root.xpath("//*[local-name()='p']")]
        paras = [p for p in paras if p]
        if not paras and not headline:
            continue
        if "KBN0FL0NM" in path.name:
            continue  # a package item without its own text
        out.append(Item(Revision(key=f"w{world}-{path.name}", article_id=guid, headline=headline,
                                 published_at=created or None, body_paragraphs=paras, url=None),
                        f"w{world}-{guid}", "wire"))
    for path in sorted(folder.glob("*.tst")):
        raw = path.read_text(encoding="latin-1")
        lines = [line.strip() for line in re.split(r"[\r\n]+", raw)]
        head = [line for line in lines if line.startswith("^") and not line.startswith("^BC-")]
        headline = head[0].strip("^<= ") if head else None
        body = [line for line in re.split(r"[\r\n]+", raw) if line.startswith("\t")]
        out.append(Item(Revision(key=f"w{world}-{path.name}", article_id=f"ap-{path.stem}", headline=headline,
                                 published_at=None, body_paragraphs=[b.strip() for b in body], url=None),
                        f"w{world}-ap-{path.stem}", "wire"))
    return out


def build(split: str, worlds: int = 12) -> list[list[Item]]:
    """Worlds of the split ("tune" or "heldout")."""
    pages = load_pages()
    by_id = {p.article_id: p for p in pages}
    sources = [p for p in pages if p.article_id not in REAL_LISTS + REAL_PAIR]
    chosen = sources[0::2] if split == "tune" else sources[1::2]
    tpl = TEMPLATES["A" if split == "tune" else "B"]
    seed0 = 1000 if split == "tune" else 5000
    out = []
    for world in range(worlds):
        rng = random.Random(seed0 + world)
        base = datetime.fromisoformat("2023-04-19T00:00:00+09:00") + timedelta(days=rng.randint(0, 300) * 3)
        items: list[Item] = []
        chains = []
        serial = rng.randint(10, 80)
        for i, page in enumerate(chosen):
            # Spread chains over two days so that some cross midnight and some share a day.
            day = base + timedelta(days=i % 2)
            chain = make_chain(page, world, rng, tpl, day, serial + i * 7, page.article_id[-3:])
            chains.append((page, chain))
            items += chain
        items += lookalikes(world, rng, tpl, base, chains, split)
        if split == "heldout":
            items += real_items(world, by_id)
            items += wire_items(world)
        out.append(items)
    return out


def opaque(items: list[Item], seed: int) -> list[Item]:
    """The same items with ids made opaque (no lineage, no shared ids) and urls removed."""
    rng = random.Random(seed)
    return [replace(it, revision=replace(it.revision, article_id=f"X{rng.getrandbits(64):016x}", url=None))
            for it in items]
