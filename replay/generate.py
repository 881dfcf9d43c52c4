"""Generated nights for benchmarks: many pages of varied wire copy with revision chains.

Every generated story is its own news event, as a reader would see it: its own people (names built
from Korean surnames and given-name syllables), places, organisations and figures, written in one of
several kinds of wire story (policy, police, court, company results, accident, diplomacy, sports,
weather, culture, North Korea). Stories of one kind share the wire's formulae ("..., officials
said", "according to the ministry"), as real copy does, but never their specifics. A chain of
revisions (original, LEAD, 2nd LD, 3rd LD) keeps its story's specifics, adds paragraphs, updates
figures and sometimes recasts the lead.

`story_key` is the ground truth: pages with the same key report the same story.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from .model import KST, Article, Night, dateline_for, title_with_label

LABELS = ["", "LEAD", "2nd LD", "3rd LD"]
SURNAMES = ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo", "Shin",
            "Kwon", "Hwang", "Ahn", "Song", "Jeon", "Hong", "Yoo", "Ko", "Moon", "Yang", "Son", "Bae", "Baek", "Heo",
            "Nam", "Noh", "Ha", "Kwak", "Sung", "Cha", "Joo", "Woo", "Min", "Ryu", "Na", "Jin", "Ji", "Eom", "Chae"]
SYLLABLES = ["min", "ji", "seo", "hyun", "woo", "jun", "young", "soo", "jae", "hoon", "eun", "ho", "kyung", "sung",
             "hee", "jin", "yeon", "won", "dong", "chan", "bin", "na", "ra", "tae", "gyu", "sang", "mi", "hye",
             "il", "seok", "yong", "kook", "han", "byung", "chul", "ok", "da", "in", "hwan", "geun"]
CITIES = ["Seoul", "Busan", "Incheon", "Daegu", "Daejeon", "Gwangju", "Ulsan", "Sejong", "Suwon", "Changwon",
          "Goyang", "Yongin", "Seongnam", "Cheongju", "Jeonju", "Cheonan", "Ansan", "Pohang", "Gimhae", "Jeju",
          "Gangneung", "Wonju", "Chuncheon", "Mokpo", "Yeosu", "Suncheon", "Andong", "Gyeongju", "Gumi", "Geoje",
          "Tongyeong", "Iksan", "Gunsan", "Paju", "Gimpo", "Hwaseong", "Pyeongtaek", "Siheung", "Asan", "Jinju"]
PROVINCES = ["Gyeonggi Province", "North Gyeongsang Province", "South Gyeongsang Province", "South Jeolla Province",
             "North Jeolla Province", "South Chungcheong Province", "North Chungcheong Province", "Gangwon Province",
             "Jeju Island"]
COUNTRIES = ["the United States", "Japan", "China", "Vietnam", "Indonesia", "Poland", "Germany", "France", "India",
             "Australia", "Canada", "Saudi Arabia", "the United Arab Emirates", "Mexico", "Brazil", "Kazakhstan",
             "Uzbekistan", "the Philippines", "Thailand", "Turkey", "Egypt", "Chile", "Mongolia", "Britain"]
MINISTRIES = ["finance ministry", "trade ministry", "land ministry", "health ministry", "education ministry",
              "environment ministry", "labor ministry", "science ministry", "agriculture ministry",
              "oceans ministry", "interior ministry", "gender equality ministry", "culture ministry",
              "SMEs ministry", "veterans ministry", "justice ministry"]
PROGRAMS = ["rental housing", "semiconductor cluster", "hydrogen bus", "rural clinic", "coding school", "flood barrier",
            "smart farm", "offshore wind", "elderly care", "child care voucher", "battery recycling", "coastal cleanup",
            "startup loan", "youth savings", "electric ferry", "drone delivery", "subway extension", "forest fire"]
COMPANY_STEMS = ["Hanbit", "Daeseong", "Mirae", "Saebom", "Hyosung", "Dongbang", "Seoyeon", "Kumho", "Taeyang",
                 "Jinro", "Samyang", "Hanul", "Pungsan", "Ilsung", "Sejin", "Daewon", "Bukwang", "Cheil", "Gaon",
                 "Nuri", "Haesung", "Orion", "Sambu", "Yuhan", "Chongkundang", "Hanmi", "Dongwon", "Kolmar"]
COMPANY_KINDS = ["Electronics", "Chemical", "Motors", "Steel", "Pharmaceutical", "Shipbuilding", "Foods", "Telecom",
                 "Construction", "Bio", "Energy", "Materials", "Logistics", "Semiconductor", "Heavy Industries"]
PRODUCTS = ["memory chips", "electric vehicle batteries", "tankers", "cosmetics", "instant noodles", "steel plates",
            "display panels", "biosimilars", "solar modules", "tires", "robot vacuums", "LNG carriers", "cathodes",
            "frozen dumplings", "game consoles", "industrial robots"]
CRIMES = ["embezzling company funds", "running an illegal online gambling site", "smuggling methamphetamine",
          "defrauding elderly investors", "leaking industrial secrets", "bribing a local official",
          "operating a voice-phishing ring", "forging export documents", "dumping industrial waste",
          "hacking a hospital network", "selling counterfeit luxury bags", "rigging public tenders"]
ACCIDENTS = ["fire broke out at a logistics warehouse", "bus overturned on an expressway", "crane collapsed at a "
             "construction site", "gas explosion hit a restaurant", "fishing boat capsized", "landslide buried a road",
             "chemical leak occurred at a factory", "train derailed near a station"]
SPORTS = [("football", "K League 1", ["Ulsan HD", "Jeonbuk Hyundai", "Pohang Steelers", "FC Seoul", "Daegu FC",
                                       "Gwangju FC", "Incheon United", "Suwon FC", "Jeju United", "Gangwon FC"]),
          ("baseball", "KBO", ["LG Twins", "KT Wiz", "SSG Landers", "NC Dinos", "Doosan Bears", "KIA Tigers",
                                "Lotte Giants", "Samsung Lions", "Hanwha Eagles", "Kiwoom Heroes"]),
          ("basketball", "KBL", ["Seoul SK Knights", "Anyang KGC", "Changwon LG Sakers", "Suwon KT Sonicboom",
                                  "Wonju DB Promy", "Ulsan Hyundai Mobis Phoebus"])]
EVENTS = ["film festival", "jazz festival", "lantern festival", "ceramics fair", "book fair", "photo exhibition",
          "K-pop concert", "traditional music festival", "food festival", "marathon"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SECTIONS = {"policy": ("320", "Economy"), "police": ("315", "National"), "court": ("315", "National"),
            "results": ("320", "Industry"), "accident": ("315", "National"), "diplomacy": ("315", "Diplomacy"),
            "sports": ("315", "Sports"), "weather": ("315", "National"), "culture": ("315", "Culture"),
            "nk": ("325", "North Korea")}


class Specifics:
    """The specifics of one story: drawn once, used by every revision of it."""

    def __init__(self, rng: random.Random, day: date):
        def person():
            given = rng.choice(SYLLABLES).capitalize() + "-" + rng.choice(SYLLABLES)
            return f"{rng.choice(SURNAMES)} {given}"

        self.rng = rng
        self.person, self.person2, self.official = person(), person(), person()
        self.age = rng.randint(24, 78)
        self.city, self.city2 = rng.sample(CITIES, 2)
        self.province = rng.choice(PROVINCES)
        self.country = rng.choice(COUNTRIES)
        self.ministry = rng.choice(MINISTRIES)
        self.program = rng.choice(PROGRAMS)
        self.company = f"{rng.choice(COMPANY_STEMS)} {rng.choice(COMPANY_KINDS)}"
        self.company2 = f"{rng.choice(COMPANY_STEMS)} {rng.choice(COMPANY_KINDS)}"
        self.product = rng.choice(PRODUCTS)
        self.crime = rng.choice(CRIMES)
        self.accident = rng.choice(ACCIDENTS)
        self.sport, self.league, teams = rng.choice(SPORTS)
        self.team, self.team2 = rng.sample(teams, 2)
        self.event = rng.choice(EVENTS)
        self.weekday = WEEKDAYS[day.weekday()]
        self.n1, self.n2, self.n3 = rng.randint(2, 95), rng.randint(100, 990), rng.randint(1_000, 98_000)
        self.won = f"{rng.randint(12, 980)}.{rng.randint(1, 9)} billion won"
        self.usd = f"US${rng.randint(11, 890)} million"
        self.pct = f"{rng.randint(1, 48)}.{rng.randint(1, 9)} percent"
        self.year = rng.randint(2015, 2022)
        self.score = f"{rng.randint(2, 9)}-{rng.randint(0, 1)}"
        self.nk_place = rng.choice(NK_PLACES)

    def bump(self) -> None:
        """A later revision's updated figures."""
        self.n1 += self.rng.randint(1, 6)
        self.n2 += self.rng.randint(5, 40)


# Paragraph templates per story kind: lead, body paragraphs, later additions (the wire's formulae,
# filled with each story's own specifics).
KINDS: dict[str, dict[str, list[str] | str]] = {
    "policy": {
        "headline": "{Ministry} to spend {won} on {program} projects in {city}",
        "lead": ["The {ministry} said {weekday} it will spend {won} over the next {n1} months on {program} projects "
                 "in {city} and {city2}, aiming to create {n3:,} jobs by {year_next}, Vice Minister {official} said."],
        "body": ["The plan, drawn up with the {province} government, covers {n2} sites, Vice Minister {official} "
                 "told a briefing in Sejong.",
                 "About {pct} of the budget will go to private contractors selected through open bidding, the "
                 "ministry said.",
                 "{city} Mayor {person} welcomed the decision, saying the city had waited since {year} for the "
                 "{program} scheme.",
                 "Critics in the National Assembly said the ministry had yet to explain how it would fund the "
                 "{program} projects after {year_next}.",
                 "The ministry plans to pick the first {n1} sites by the end of next month."],
        "add": ["{official} added that residents of {city2} would be consulted before construction begins.",
                "The ministry said it expects the {program} projects to cut local costs by {pct} within three years.",
                "Opposition lawmaker {person2} called for a parliamentary hearing on the {won} budget."],
    },
    "police": {
        "headline": "{Age_person} arrested in {city} for {crime}",
        "lead": ["Police in {city} said {weekday} they have arrested a {age}-year-old man surnamed {surname} on charges "
                 "of {crime}, in a case involving some {won}, according to Inspector {official}."],
        "body": ["The suspect is accused of working with {n1} accomplices between {year} and this year, the "
                 "{city} Metropolitan Police Agency said.",
                 "Investigators seized {n2} mobile phones and documents from an office in {city2}, officers said.",
                 "Police said at least {n3:,} people may have been affected and urged victims to come forward.",
                 "The suspect has denied the charges, according to his lawyer."],
        "add": ["Police said they have asked {country} to help track down {n1} other suspects believed to have fled.",
                "A court in {city} is expected to decide on {weekday} whether to formally arrest the suspect.",
                "Detective {official} said the investigation has widened to {n1} more accounts."],
    },
    "court": {
        "headline": "Court sentences {company} ex-CEO {person} to {n1} years for {crime}",
        "lead": ["The {city} District Court on {weekday} sentenced {person}, former chief executive of {company}, to "
                 "{n1} years in prison for {crime}, ordering him to pay a fine of {won}."],
        "body": ["The court said {person} had caused losses of {won} to {n3:,} shareholders, calling the crime "
                 "premeditated.",
                 "Prosecutors had sought {n1_plus} years for the {age}-year-old, who ran {company} from {year}.",
                 "His lawyer, {person2}, said the defense would appeal the ruling.",
                 "Two other former executives received suspended sentences."],
        "add": ["Shares of {company} fell {pct} on the news.",
                "{company} said in a regulatory filing that the ruling would not affect its operations.",
                "Judge {official} said the sentence reflected the scale of the damage to small investors."],
    },
    "results": {
        "headline": "{company} Q{quarter} operating profit jumps {pct} on strong {product} sales",
        "lead": ["{company} said {weekday} its operating profit for the {quarter_word} quarter rose {pct} from a year "
                 "earlier to {won}, helped by strong sales of {product} in {country}, chief financial officer {person2} "
                 "said."],
        "body": ["Sales climbed to {won_big} in the {quarter_word} quarter, the company said in a regulatory filing.",
                 "Net profit came to {won}, compared with a loss a year earlier.",
                 "{company} said it plans to expand its {product} plant in {city} by {n1} percent next year.",
                 "Analyst {person} at {company2} Securities said the result beat market expectations."],
        "add": ["Shares of {company} closed {pct} higher on the Seoul bourse.",
                "The company said it will pay a quarterly dividend of {n2} won per share.",
                "{company} expects demand for {product} in {country} to stay strong through next year."],
    },
    "accident": {
        "headline": "{N1} injured as {accident} in {city}",
        "lead": ["{N1} people were injured after a {accident} in {city}, {province}, on {weekday}, fire official "
                 "{official} said."],
        "body": ["The accident was reported at around {hour}:{minute:02d} a.m., and {n2} firefighters and {n1} "
                 "vehicles were sent to the scene.",
                 "Of the injured, {n1_third} were taken to hospitals in {city2} with serious injuries, officials said.",
                 "Police are investigating the exact cause of the accident.",
                 "The site, run by {company}, had passed a safety inspection in {year}, the company said."],
        "add": ["The number of injured rose to {n1} as more victims were found, officials said.",
                "Interior Minister {official} ordered a full inspection of similar sites across {province}.",
                "{company} said it would cooperate fully with the investigation."],
    },
    "diplomacy": {
        "headline": "S. Korea, {country} agree to boost cooperation in {product}",
        "lead": ["South Korea and {country} agreed {weekday} to expand cooperation in {product} and energy, as Foreign "
                 "Minister {person} held talks with his counterpart in {city}."],
        "body": ["The two sides signed {n1} memorandums of understanding worth a combined {usd}, the foreign "
                 "ministry said.",
                 "{person} also asked {country} for support for Seoul's push for dialogue with North Korea.",
                 "Trade between the two countries reached {usd} last year, up {pct} from {year}.",
                 "The minister is scheduled to visit {city2} on {weekday_next} to meet business leaders."],
        "add": ["The two sides agreed to hold a follow-up meeting of vice ministers within {n1} months.",
                "{country}'s foreign minister accepted an invitation to visit Seoul later this year.",
                "Officials said {company} would join a {usd} plant project in {country}."],
    },
    "sports": {
        "headline": "{team} beat {team2} {score} in {league}",
        "lead": ["{team} defeated {team2} {score} in {league} action in {city} on {weekday}, with {person} scoring "
                 "twice in front of {n3:,} fans."],
        "body": ["The win lifted {team} to {n1} points, {n1_third} ahead of {team2}, with {n2_small} games left.",
                 "{person2} of {team2} was sent off in the {minute}th minute after a second yellow card.",
                 "{team} coach {official} said the team had prepared for the match for weeks.",
                 "The two sides meet again in {city2} next month."],
        "add": ["{person} was named man of the match for the {n1_third}th time this season.",
                "{team2} said {person2} would miss the next {n1_third} games.",
                "{team} will play {team3} on {weekday_next}."],
    },
    "weather": {
        "headline": "Heavy rain warning issued for {province}; {n2} residents evacuated",
        "lead": ["The weather agency issued a heavy rain warning for {province} on {weekday}, forecasting up to {n2} "
                 "millimeters of rain in {city} and nearby areas through the weekend, forecaster {official} said."],
        "body": ["Authorities evacuated {n2} residents of low-lying areas in {city2}, the interior ministry said.",
                 "{n1} roads and {n1_third} hiking trails were closed, and {n2_small} flights at {city} airport were "
                 "canceled.",
                 "Forecaster {official} said the rain front would move north on {weekday_next}.",
                 "Farmers in {province} reported damage to {n3:,} hectares of crops."],
        "add": ["The number of evacuated residents rose to {n3:,}, officials said.",
                "Prime Minister {person} called for measures to prevent landslides in {province}.",
                "The weather agency lifted the warning for {city2} in the evening."],
    },
    "culture": {
        "headline": "{city} {event} draws {n3:,} visitors on opening day",
        "lead": ["The {year_next} {city} {event} opened {weekday} with {n3:,} visitors on its first day, featuring "
                 "{n2} artists from {n1} countries, festival director {person} said."],
        "body": ["Director {person} said this year's edition focuses on artists from {country}.",
                 "The event runs for {n1_third} days at venues across {city}, with tickets priced at {n2_small},000 won.",
                 "{company} is the main sponsor, providing {won} in support.",
                 "Organizers expect the number of visitors to top {n3_big:,} this year."],
        "add": ["Singer {person2} is to perform at the closing ceremony.",
                "Organizers added {n1_third} shows because of high demand.",
                "The {event} will travel to {city2} next spring."],
    },
    "nk": {
        "headline": "N. Korea fires {n1_third} ballistic missiles into East Sea: JCS",
        "lead": ["North Korea fired {n1_third} short-range ballistic missiles from near {nk_place} into the East Sea "
                 "on {weekday}, South Korea's Joint Chiefs of Staff (JCS) said, as National Security Adviser {person} "
                 "called an emergency meeting."],
        "body": ["The missiles flew about {n2} kilometers at an altitude of {n1} km, the JCS said.",
                 "The launch came {n1_third} days after the North criticized joint drills by Seoul and Washington.",
                 "National Security Adviser {person} convened an emergency meeting, the presidential office said.",
                 "Japan's defense ministry said the missiles fell outside its exclusive economic zone."],
        "add": ["The JCS said it is analyzing the missiles' details with U.S. intelligence authorities.",
                "Unification Minister {official} urged the North to return to dialogue.",
                "The launch was the North's {n1_third}th this year."],
    },
}
NK_PLACES = ["Pyongyang", "Sunan", "Wonsan", "Sinpo", "Hamhung", "Tongchang-ri", "Kaechon", "Sukchon", "Jangyon"]
QUARTERS = ["first", "second", "third", "fourth"]


def _fill(template: str, s: Specifics, day: date) -> str:
    values = dict(vars(s))
    values.update(
        Ministry=s.ministry[:1].upper() + s.ministry[1:], surname=s.person.split()[0],
        Age_person=f"{s.age}-year-old", N1=str(s.n1), n1_plus=s.n1 + 2, n1_third=max(2, s.n1 // 3),
        n2_small=max(2, s.n2 // 30), n3_big=s.n3 * 3, year_next=day.year + 1,
        weekday_next=WEEKDAYS[(day.weekday() + 1) % 7], hour=(s.n2 % 11) + 1, minute=s.n3 % 60,
        quarter=(day.month - 1) // 3 + 1, quarter_word=QUARTERS[(day.month - 1) // 3],
        won_big=f"{s.n1 + 1}.{s.n2 % 10} trillion won", nk_place=s.nk_place,
        team3=s.team2 if s.team2 != s.team else s.team, score=s.score)
    return template.format(**values)


def _story(rng: random.Random, day: date) -> tuple[str, Specifics]:
    return rng.choice(list(KINDS)), Specifics(rng, day)


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
        kind, spec = _story(rng, day)
        code, section = SECTIONS[kind]
        tpl = KINDS[kind]
        story_key = f"gen-{day:%Y%m%d}-{serial:04d}"
        byline = f"{rng.choice(SURNAMES)} {rng.choice(SYLLABLES).capitalize()}-{rng.choice(SYLLABLES)}"
        published = start + timedelta(seconds=rng.randint(0, 20 * 3600))
        city = spec.city.upper() if kind in ("police", "accident", "weather", "culture") else "SEOUL"
        body_templates = list(tpl["body"])
        rng.shuffle(body_templates)
        n_body = rng.randint(3, len(body_templates))
        paras = [_fill(tpl["lead"][0], spec, day)] + [_fill(t, spec, day) for t in body_templates[:n_body]]
        additions = list(tpl["add"])
        rng.shuffle(additions)
        headline = _fill(tpl["headline"], spec, day)
        headline = headline[:1].upper() + headline[1:]
        for version in range(chain_len):
            label = LABELS[version]
            attn = None
            if version:
                notes = []
                if additions:
                    paras = paras + [_fill(additions.pop(), spec, day)]
                    notes.append(f"ADDS info in para {len(paras)}")
                if rng.random() < 0.3:
                    spec.bump()
                    paras = [_fill(tpl["lead"][0], spec, day)] + paras[1:]
                    notes.append("UPDATES figures in lead")
                attn = f"(ATTN: {'; '.join(notes) or 'ADDS photo'})"
                if rng.random() < 0.3:
                    headline = _fill(tpl["headline"], spec, day)
                    headline = headline[:1].upper() + headline[1:]
            body = [dateline_for(published, city) + paras[0], *paras[1:]]
            articles.append(Article(
                article_id=f"AEN{day:%Y%m%d}{serial:04d}{'00' if not version else 50 + version}{code}",
                story_key=story_key, title=title_with_label(label, headline), label=label, headline=headline,
                attn=attn, byline=byline, dateline=dateline_for(published, city), section=section,
                published=published, modified=published, paragraphs=body,
                captions=[f"This photo shows {spec.city} on {published:%B} {published.day}, {day.year}. (Yonhap)"]
                if rng.random() < 0.5 else [],
                email=f"{byline.split()[0].lower()}@yna.co.kr", keywords=[section],
            ))
            # later revisions come 15-90 minutes apart but never spill into the next day
            published = min(published + timedelta(minutes=rng.randint(15, 90)),
                            datetime.combine(day, time(23, 59, 59), tzinfo=KST))
    articles.sort(key=lambda a: (a.published, a.article_id))
    return Night(date=day, articles=articles)
