"""Generated evaluation worlds for story grouping, written apart from the labelled worlds of
dataset.py (which come from real pages). No threshold was fitted on them, but the dense day and the
bench night were looked at while the specifics rules of assign.compare were written, so they are not
a blind test; the daily items are checked by rules named for them (one story per edition):

- `dense_day`: hundreds of distinct stories on one day, all written from a handful of shared wire
  formulae, each with its own names, places and figures; LD chains of up to six revisions under one
  serial, some with an (URGENT) flash under its own serial.
- `daily_year`: a year of one templated daily item (Yonhap News Summary, market open, market close
  with its LEAD, KOSPI 200 Closing Price List-1/-2, Today in Korean History): one story per edition.
- `bench_night`: the night `make bench` serves (replay.generate), with its truth.
- `adversarial_night`: on purpose hard: stories drawn from a tiny vocabulary (16 actors x 16 goals),
  so distinct stories can share headline and most sentences; with ids their serials tell them apart,
  opaque a reader could not either. Reported, not a target.

Every world is a list of dataset.Item (revision, gold story, kind).
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from pipelines.grouping import Revision
from pipelines.grouping.dataset import Item

KST_OFFSET = "+09:00"


def _rev(key: str, article_id: str, headline: str, when: datetime, paragraphs: list[str], section="National"):
    return Revision(key=key, article_id=article_id, url=f"https://en.yna.co.kr/view/{article_id}", headline=headline,
                    published_at=when.isoformat(), body_paragraphs=paragraphs, section=section)


def _kst(day: date, minutes: int) -> datetime:
    from replay.model import KST
    return datetime.combine(day, time(0, 0), tzinfo=KST) + timedelta(minutes=minutes)


def _label(version: int) -> str:
    return "" if version == 0 else "(LEAD) " if version == 1 else \
        f"({version}{'nd' if version == 2 else 'rd' if version == 3 else 'th'} LD) "


# --- the bench's night and the adversarial night ------------------------------------------------

def bench_night(day: date = date(2023, 6, 1), pages: int = 1200, seed: int = 0) -> list[Item]:
    from replay.generate import generate_night

    return [Item(_rev(a.article_id, a.article_id, a.title, a.published, list(a.paragraphs), a.section),
                 a.story_key, "generated") for a in generate_night(day, pages, seed).articles]




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


def adversarial_night(day: date = date(2023, 6, 1), pages: int = 300, seed: int = 0) -> list[Item]:
    """The bench generator's first text: 16 actors x 16 goals x generic sentences."""
    rng = random.Random(f"adversarial:{day}:{seed}")
    items: list[Item] = []
    serial = 0
    while len(items) < pages:
        serial += 1
        chain_len = min(rng.choice([1, 1, 2, 2, 3, 4]), pages - len(items))
        code, _section = rng.choice(SECTIONS)
        goal, actor = rng.choice(GOALS), rng.choice(ACTORS)
        when = _kst(day, rng.randint(5, 20 * 60))
        paras = [" ".join(_sentence(rng) for _ in range(rng.randint(1, 2))) for _ in range(rng.randint(6, 9))]
        for version in range(chain_len):
            headline = f"{actor.removeprefix('The ')[:1].upper()}{actor.removeprefix('The ')[1:]} to {goal}"
            if version:
                paras = paras + [_sentence(rng)]
            aid = f"AEN{day:%Y%m%d}{serial:04d}{'00' if not version else 50 + version}{code}"
            items.append(Item(_rev(aid, aid, _label(version) + headline, when,
                                   [f"SEOUL, {when:%B} {when.day} (Yonhap) -- " + paras[0], *paras[1:]]),
                              f"adv-{serial}", "adversarial"))
            when = min(when + timedelta(minutes=rng.randint(15, 90)), _kst(day, 24 * 60 - 1))
    return items


def _sentence(rng: random.Random) -> str:
    num = rng.choice([f"{rng.randint(2, 98)} percent", f"{rng.randint(1, 900):,} billion won",
                      f"US${rng.randint(1, 90)} billion", f"{rng.randint(100, 9000):,} people"])
    return (f"{rng.choice(ACTORS)} {rng.choice(ACTIONS)} {rng.choice(GOALS)}, {rng.choice(DETAILS)}, with the figure "
            f"put at {num} for this year. {rng.choice(REACTIONS)}")


# --- a dense day ----------------------------------------------------------------------------------

_FAMILY = ["Hwang", "Seong", "Pyo", "Maeng", "Gil", "Tak", "Do", "Yeo", "Bang", "Gong", "Pi", "Ma", "Myung", "Ye",
           "Cheon", "Bong", "Sa", "Seol", "Wang", "Gu", "Mo", "Yook", "Byun", "Sim", "Ok", "Ku", "Hyun", "Dong"]
_GIVEN = ["ah", "bo", "chae", "dan", "eui", "gun", "hak", "hwa", "jeong", "kwang", "mun", "nam", "pil", "rim",
          "sik", "tak", "ung", "yeol", "jo", "hyeok", "gang", "seop", "ryeong", "su", "hui", "gyeong", "man"]
_REGIONS = ["Gyeonggi", "Busan", "Ulsan", "Daegu", "Incheon", "Gwangju", "Daejeon", "Jeju", "Gangwon", "Sejong",
            "North Chungcheong", "South Chungcheong", "North Jeolla", "South Jeolla", "North Gyeongsang",
            "South Gyeongsang"]
_CITIES = ["Hwaseong", "Gimhae", "Pyeongtaek", "Siheung", "Paju", "Uijeongbu", "Gimpo", "Gwangmyeong", "Hanam", "Yangsan",
           "Geoje", "Tongyeong", "Sacheon", "Miryang", "Jecheon", "Chungju", "Nonsan", "Boryeong", "Seosan", "Dangjin",
           "Naju", "Gwangyang", "Jeongeup", "Namwon", "Gimje", "Yeongju", "Sangju", "Mungyeong", "Gyeongsan", "Samcheok",
           "Sokcho", "Donghae", "Taebaek", "Hongcheon", "Seogwipo", "Icheon", "Anseong", "Osan", "Guri", "Yangju"]
_ITEMS = ["semiconductor", "automobile", "steel", "petrochemical", "ship", "cosmetics", "battery", "display",
          "machinery", "textile", "food", "pharmaceutical", "tire", "home appliance", "wireless device", "plastic"]
_POSTS = ["finance minister", "ambassador to Japan", "chief of the Fair Trade Commission", "head of the spy agency",
          "vice unification minister", "top presidential secretary for economic affairs", "land minister",
          "chairman of the Financial Services Commission", "science minister", "prosecutor general",
          "ambassador to China", "commissioner of the national tax service", "labor minister"]
_SCHOOLS = ["Seoul National University", "Yonsei University", "Korea University", "KAIST", "Sogang University",
            "Sungkyunkwan University", "Hanyang University", "Ewha Womans University", "Pusan National University"]
_SITES = ["apartment complex", "textile mill", "fish market", "logistics center", "printing plant", "hospital annex",
          "karaoke bar", "auto parts plant", "lumber yard", "recycling center", "nursing home", "shopping mall"]
_DENSE_COUNTRIES = ["Peru", "Kenya", "Norway", "Portugal", "Malaysia", "Qatar", "Hungary", "Argentina", "Morocco",
                    "New Zealand", "Ghana", "Sweden", "Colombia", "Pakistan", "Romania", "Czech Republic"]

DENSE_FORMULAE = {
    "exports": {
        "headline": "{region}'s {item} exports rise {pct} in {month}",
        "lead": "{region}'s exports of {item} products rose {pct} percent on-year in {month} to US${usd} million, "
                "data showed {weekday}, led by shipments to {country}.",
        "body": ["The increase was driven by strong demand from {country}, according to the {region} branch of the "
                 "Korea International Trade Association.",
                 "Imports of {item2} products into {region} fell {pct2} percent to US${usd2} million over the cited "
                 "period.",
                 "The province posted a trade surplus of US${surplus} million in {month}, the {n}th monthly surplus "
                 "in a row.",
                 "The association said it expects exports to stay firm in the coming months."],
        "add": ["Shipments to {country} alone jumped {pct2} percent to US${usd2} million, the data showed.",
                "{person}, a researcher at the association, said {item} firms in {region} have expanded capacity."],
    },
    "appointment": {
        "headline": "Yoon names {person} as new {post}",
        "lead": "President Yoon Suk Yeol on {weekday} named {person}, a {age}-year-old former {post2}, as the new "
                "{post}, the presidential office said.",
        "body": ["{person} graduated from {school} and served as {post2} from {year} to {year2}.",
                 "The nomination requires a parliamentary confirmation hearing, which is expected later this month.",
                 "Presidential spokesperson {spokes} said {person} is the right person to carry out reforms in the "
                 "field, citing {pronoun} {n} years of experience.",
                 "The main opposition Democratic Party said it will closely examine {person}'s record at the hearing."],
        "add": ["{person} told reporters in Seoul that {pronoun} would focus on {item} industry issues first.",
                "The office also named {person2} as the new deputy {post}."],
    },
    "fire": {
        "headline": "Fire at {region} {site} kills {dead}, injures {hurt}",
        "lead": "A fire broke out at a {site} in {city}, {region}, early {weekday}, killing {dead} people and injuring "
                "{hurt} others, fire authorities said.",
        "body": ["The fire started on the {floor}th floor at around {hour}:{minute:02d} a.m. and was put out about "
                 "{n} hours later, the authorities said.",
                 "Some {firefighters} firefighters and {trucks} fire trucks were mobilized to fight the blaze.",
                 "Police and fire officials plan to conduct a joint inspection to determine the exact cause.",
                 "The {site} had been cited for {n} safety violations in {year}, according to the {city} city "
                 "government."],
        "add": ["The death toll rose to {dead} as one of the injured died in hospital, officials said.",
                "{person}, who runs the {site}, was booked for alleged negligence."],
    },
    "court": {
        "headline": "{person} gets {years}-year prison term for {crime}",
        "lead": "A court on {weekday} sentenced {person}, a {age}-year-old {job}, to {years} years in prison for "
                "{crime}, which caused {victims} victims to lose a combined {won} billion won.",
        "body": ["The {city} District Court said the crime was premeditated and the damage was not recovered.",
                 "Prosecutors had sought a {years2}-year term for {person}, who was arrested in {month} last year.",
                 "{pronoun_cap} lawyer, {person2}, said {person} will appeal the ruling.",
                 "The court acquitted {person} of some charges, citing a lack of evidence."],
        "add": ["{person} was also ordered to pay {fine} million won in fines.",
                "Two accomplices of {person} received suspended sentences, the court said."],
    },
    "diplomacy": {
        "headline": "S. Korea, {country} hold talks on {item} supply chains",
        "lead": "South Korea and {country} held talks in {city} on {weekday} on cooperation in {item} supply chains, "
                "the foreign ministry said, as Vice Minister {person} met {country}'s deputy foreign minister.",
        "body": ["The two sides agreed to set up a working group on {item} and critical minerals, the ministry said.",
                 "{person} asked for {country}'s support for a {usd} million project by Korean firms, it said.",
                 "Bilateral trade reached US${usd2} million last year, up {pct} percent from {year}.",
                 "The two sides agreed to hold the next round of talks in {country} next year."],
        "add": ["{country}'s delegation is scheduled to visit an industrial complex in {region} on Friday.",
                "{person} and the {country} side also discussed North Korea's nuclear program."],
    },
}


def _dense_values(rng: random.Random, day: date) -> dict:
    def person():
        return f"{rng.choice(_FAMILY)} {rng.choice(_GIVEN).capitalize()}-{rng.choice(_GIVEN)}"

    region, region2 = rng.sample(_REGIONS, 2)
    item, item2 = rng.sample(_ITEMS, 2)
    post, post2 = rng.sample(_POSTS, 2)
    female = rng.random() < 0.4
    years = rng.randint(2, 15)
    return {
        "region": region, "city": rng.choice(_CITIES), "item": item, "item2": item2,
        "pct": f"{rng.randint(1, 60)}.{rng.randint(0, 9)}", "pct2": f"{rng.randint(1, 60)}.{rng.randint(0, 9)}",
        "usd": f"{rng.randint(10, 9000):,}", "usd2": f"{rng.randint(10, 9000):,}", "surplus": rng.randint(5, 900),
        "month": day.strftime("%B"), "weekday": day.strftime("%A"), "country": rng.choice(_DENSE_COUNTRIES),
        "person": person(), "person2": person(), "spokes": person(), "post": post, "post2": post2,
        "age": rng.randint(35, 72), "school": rng.choice(_SCHOOLS), "year": rng.randint(1998, 2016),
        "year2": rng.randint(2017, 2022), "pronoun": "her" if female else "his", "pronoun_cap": "Her" if female else "His",
        "n": rng.randint(3, 29), "site": rng.choice(_SITES), "dead": rng.randint(1, 9), "hurt": rng.randint(2, 40),
        "floor": rng.randint(2, 19), "hour": rng.randint(1, 11), "minute": rng.randint(0, 59),
        "firefighters": rng.randint(40, 300), "trucks": rng.randint(8, 70), "years": years, "years2": years + 2,
        "crime": rng.choice(["investment fraud", "voice phishing", "a Ponzi scheme", "lease deposit fraud",
                             "crypto fraud", "insurance fraud", "embezzlement"]),
        "job": rng.choice(["broker", "landlord", "company chairman", "pastor", "real estate agent", "app developer"]),
        "victims": rng.randint(20, 3000), "won": rng.randint(2, 400), "fine": rng.randint(10, 900),
    }


def dense_day(day: date = date(2023, 9, 14), stories: int = 400, seed: int = 0) -> list[Item]:
    """`stories` distinct stories of one day from DENSE_FORMULAE, chains of 1-6 revisions under one
    serial each; a fifth of the longer chains open with an (URGENT) flash under its own serial."""
    rng = random.Random(f"dense:{day}:{seed}")
    items: list[Item] = []
    for serial in range(1, stories + 1):
        kind = rng.choice(list(DENSE_FORMULAE))
        tpl = DENSE_FORMULAE[kind]
        values = _dense_values(rng, day)
        story = f"dense-{seed}-{serial:04d}"
        code = "320" if kind == "exports" else "315"
        when = _kst(day, rng.randint(5, 17 * 60))
        chain = rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6])
        body = [tpl["lead"].format(**values)] + [p.format(**values) for p in rng.sample(tpl["body"], rng.randint(2, 4))]
        headline = tpl["headline"].format(**values)
        if chain >= 3 and rng.random() < 0.2:  # an (URGENT) flash under a serial of its own
            aid = f"AEN{day:%Y%m%d}{5000 + serial:04d}00{code}"
            flash = body[0].split(",")[0] + "."
            items.append(Item(_rev(f"{story}-u", aid, "(URGENT) " + headline, when,
                                   [f"SEOUL, {when:%B} {when.day} (Yonhap) -- " + flash]), story, "dense"))
            when += timedelta(minutes=rng.randint(5, 30))
        adds = list(tpl["add"])
        for version in range(chain):
            paras = list(body)
            if version:
                if adds and rng.random() < 0.7:
                    body = body + [adds.pop(0).format(**values)]
                if rng.random() < 0.4:  # updated figures in the lead
                    values = dict(values, hurt=values["hurt"] + rng.randint(1, 5), pct=f"{rng.randint(1, 60)}.5")
                    body = [tpl["lead"].format(**values)] + body[1:]
                paras = ["(ATTN: ADDS more info; UPDATES figures)"] + list(body)
            aid = f"AEN{day:%Y%m%d}{serial:04d}{'00' if not version else 50 + version}{code}"
            dateline = f"SEOUL, {when:%B} {when.day} (Yonhap) -- "
            paras = [p if i or not p.startswith("(ATTN") else p for i, p in enumerate(paras)]
            first = 1 if paras[0].startswith("(ATTN") else 0
            paras[first] = dateline + paras[first]
            items.append(Item(_rev(f"{story}-{version}", aid, _label(version) + headline, when, paras), story, "dense"))
            when = min(when + timedelta(minutes=rng.randint(20, 150)), _kst(day, 24 * 60 - 1))
    return items


# --- a year of templated daily items ------------------------------------------------------------

DAILY_KINDS = ("summary", "market-open", "market-close", "price-list", "history")
_HISTORY_EVENTS = ["the National Assembly passes the first {x} law", "a {x} treaty with {c} is signed in Seoul",
                   "the first {x} station opens in {r}", "a {x} festival is held for the first time in {r}",
                   "the government launches the {x} program", "{c} and South Korea establish {x} ties",
                   "a {x} accident in {r} kills {n} people", "the {x} museum opens in {r}"]
_X = ["subway", "labor", "broadcasting", "nuclear", "fishery", "aviation", "tax", "film", "satellite", "railway",
      "banking", "education", "welfare", "press", "sports", "cultural", "trade", "postal", "forestry", "highway"]


def daily_year(kind: str, start: date = date(2022, 1, 3), days: int = 365, seed: int = 0) -> list[Item]:
    """One templated daily item over `days` days: one story per edition (per day; the close report's
    LEAD joins its own day's report; price list parts -1/-2 are stories of their own)."""
    rng = random.Random(f"daily:{kind}:{seed}")
    items: list[Item] = []
    kospi = 2400.0
    for d in range(days):
        day = start + timedelta(days=d)
        weekday = day.strftime("%A")
        move = round(rng.uniform(-45, 45), 2)
        kospi = round(kospi + move, 2)
        up = move >= 0
        serial = 10 + d % 900 + 1
        dateline = f"SEOUL, {day:%B} {day.day} (Yonhap) -- "
        if kind == "summary":
            heads = [f"{rng.choice(_REGIONS)} to expand {rng.choice(_ITEMS)} support by {rng.randint(2, 40)} pct",
                     f"Yoon names {rng.choice(_FAMILY)} {rng.choice(_GIVEN).capitalize()}-{rng.choice(_GIVEN)} "
                     f"as {rng.choice(_POSTS)}",
                     f"Fire at {rng.choice(_REGIONS)} {rng.choice(_SITES)} injures {rng.randint(2, 30)}"]
            paras = ["The following is a summary of major news stories of the day."]
            for h in heads:
                paras += [h, f"SEOUL -- {h}, officials said on {weekday}, citing figures released earlier "
                             f"in the day ({rng.randint(100, 999)} cases reviewed)."]
            items.append(Item(_rev(f"sum-{d}", f"AEN{day:%Y%m%d}{serial:04d}00300", "Yonhap News Summary",
                                   _kst(day, 23 * 60 + 30), paras), f"sum-{d}", "daily"))
        elif kind in ("market-open", "market-close"):
            direction = ("higher" if up else "lower") if kind == "market-open" else ("up" if up else "down")
            heads = (f"Seoul shares open {direction} on {rng.choice(['chip', 'auto', 'bank', 'tech', 'bio'])} gains"
                     if kind == "market-open" else f"Seoul shares close {direction} for {rng.choice(['1st', '2nd', '3rd'])} "
                     "day")
            lead = (f"{dateline}South Korean stocks {'opened' if kind == 'market-open' else 'closed'} {direction} {weekday}, tracking overnight moves on Wall "
                    f"Street. The benchmark Korea Composite Stock Price Index (KOSPI) {'rose' if up else 'fell'} "
                    f"{abs(move):.2f} points, or {abs(move) / kospi * 100:.2f} percent, to {kospi:,.2f} as of "
                    f"{9 + d % 1}:15 a.m.")
            body = [lead,
                    f"Market heavyweight Samsung Electronics {'gained' if up else 'lost'} {rng.uniform(0.1, 3):.1f} "
                    f"percent, and SK hynix {'rose' if rng.random() < .5 else 'fell'} {rng.uniform(0.1, 4):.1f} percent.",
                    f"The local currency was quoted at {rng.uniform(1150, 1350):,.1f} won against the U.S. dollar, "
                    f"{'up' if rng.random() < .5 else 'down'} {rng.uniform(0.1, 9):.1f} won from the previous "
                    "session's close."]
            when = _kst(day, 9 * 60 + 20 if kind == "market-open" else 15 * 60 + 40)
            aid = f"AEN{day:%Y%m%d}{serial:04d}00320"
            items.append(Item(_rev(f"{kind}-{d}", aid, heads, when, body), f"{kind}-{d}", "daily"))
            if kind == "market-close":  # its LEAD, with more paragraphs, under the same serial
                more = body + [f"Foreigners sold a net {rng.randint(10, 900)} billion won worth of stocks, while "
                               f"institutions bought {rng.randint(10, 900)} billion won.",
                               f"Bond prices closed {'higher' if rng.random() < .5 else 'lower'}; the yield on "
                               f"three-year Treasurys {'rose' if rng.random() < .5 else 'fell'} "
                               f"{rng.uniform(0.5, 9):.1f} basis points to {rng.uniform(2.5, 4.5):.3f} percent."]
                items.append(Item(_rev(f"{kind}-{d}-lead", f"AEN{day:%Y%m%d}{serial:04d}51320", "(LEAD) " + heads,
                                       when + timedelta(minutes=25), more), f"{kind}-{d}", "daily"))
        elif kind == "price-list":
            for part in (1, 2):
                rows = "\n".join(f"{rng.choice(COMPANY_ROWS)}{k} {rng.randint(1000, 900000):,} "
                                 f"{'UP' if rng.random() < .5 else 'DN'} {rng.randint(10, 9000):,}" for k in range(40))
                aid = f"AEN{day:%Y%m%d}{serial + part - 1:04d}00320"
                items.append(Item(_rev(f"pl-{d}-{part}", aid, f"KOSPI 200 Closing Price List-{part}",
                                       _kst(day, 15 * 60 + 45 + part), [f"{dateline}{weekday}'s closing prices.", rows]),
                                  f"pl-{d}-{part}", "daily"))
        elif kind == "history":
            paras = [f"{day:%B} {day.day}"]
            for year in sorted(rng.sample(range(1900, 2021), 5)):
                event = rng.choice(_HISTORY_EVENTS).format(x=rng.choice(_X), c=rng.choice(_DENSE_COUNTRIES),
                                                           r=rng.choice(_REGIONS), n=rng.randint(3, 90))
                paras.append(f"{year} -- {event[:1].upper() + event[1:]}.")
            items.append(Item(_rev(f"hist-{d}", f"AEN{day:%Y%m%d}{serial:04d}00315", "Today in Korean History",
                                   _kst(day, 6 * 60), paras), f"hist-{d}", "daily"))
        else:
            raise ValueError(f"unknown daily item kind {kind!r}; one of {DAILY_KINDS}")
    return items


COMPANY_ROWS = ["SamsungElec", "SKhynix", "LGEnergy", "SamsungBio", "HyundaiMtr", "Kia", "POSCO", "NAVER", "Kakao",
                "Celltrion", "LGChem", "SamsungSDI", "KBFinancial", "Shinhan", "HanwhaAero", "KEPCO", "SKTelecom"]


def all_worlds(scale: str = "full") -> dict[str, list[Item]]:
    """The generated worlds by name; "small" for tests (a few seconds), "full" for make eval-grouping."""
    small = scale == "small"
    worlds = {"dense-day": dense_day(stories=120 if small else 400),
              "bench-night": bench_night(pages=300 if small else 1200)}
    for kind in DAILY_KINDS:
        worlds[f"year-of-{kind}"] = daily_year(kind, days=60 if small else 365)
    worlds["adversarial-night"] = adversarial_night(pages=150 if small else 300)
    return worlds
