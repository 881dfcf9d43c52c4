"""Templated daily items: market open/close reports, KOSPI 200 price lists, daily virus counts.

They look alike from day to day on purpose: same headline shapes, different stories.
"""
from __future__ import annotations

import random
from datetime import date

from .wire import wire

# (name, base closing price in won) for the price lists; prices move by a seeded random walk per day
KOSPI200_PART1 = [
    ("Samsung Electronics", 65400), ("SK hynix", 88900), ("LG Energy Solution", 578000),
    ("Samsung Biologics", 781000), ("Hyundai Motor", 201500), ("Kia", 86700), ("POSCO Holdings", 392000),
    ("LG Chem", 728000), ("Samsung SDI", 702000), ("NAVER", 198900), ("Kakao", 55700),
    ("Celltrion", 171800), ("KB Financial Group", 48650), ("Shinhan Financial Group", 35800),
    ("Hyundai Mobis", 228000), ("Samsung C&T", 111300), ("LG Electronics", 114700),
    ("SK Innovation", 179300), ("KT&G", 85600), ("Korea Electric Power", 18820),
]
KOSPI200_PART2 = [
    ("Hana Financial Group", 41200), ("Samsung Fire & Marine Insurance", 231500), ("SK Telecom", 48300),
    ("Korea Zinc", 528000), ("HD Hyundai Heavy Industries", 118900), ("Samsung Heavy Industries", 6410),
    ("Korean Air", 23550), ("Woori Financial Group", 11960), ("LG Corp.", 84100), ("KT", 30250),
    ("Hanwha Aerospace", 102300), ("CJ CheilJedang", 301500), ("Amorepacific", 129100),
    ("Lotte Chemical", 172600), ("S-Oil", 78900), ("Hyundai Engineering & Construction", 38700),
    ("Mirae Asset Securities", 7390), ("Doosan Enerbility", 17860), ("Coway", 51300), ("Emart", 102400),
]

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _serial_id(day: date, serial: int, code: str, version: str = "00") -> str:
    return f"AEN{day:%Y%m%d}{serial:04d}{version}{code}"


def _price_lines(day: date, stocks: list[tuple[str, int]]) -> list[str]:
    rng = random.Random(day.toordinal())
    lines = []
    for name, base in stocks:
        step = 50 if base < 100000 else 500
        move = rng.randint(-8, 8) * (step if base > 20000 else 10)
        price = base + rng.randint(-20, 20) * (step if base > 20000 else 10)
        trend = "UP" if move > 0 else "DN" if move < 0 else "0"
        lines.append(f"{name} {price:,} {trend} {abs(move):,}" if move else f"{name} {price:,} 0")
    return lines


def kospi200_list(day: date, part: int, serial: int, time: str) -> object:
    stocks = KOSPI200_PART1 if part == 1 else KOSPI200_PART2
    lines = _price_lines(day, stocks)
    # the list runs as a few paragraphs of name / price / change lines, like the real tables
    chunks = ["\n".join(lines[i:i + 5]) for i in range(0, len(lines), 5)]
    return wire(
        _serial_id(day, serial, "320"), f"kospi200-list{part}-{day:%Y%m%d}",
        f"KOSPI 200 Closing Price List-{part}", section="Stocks", published=f"{day} {time}",
        paras=[f"The following is the closing price list of KOSPI 200 component stocks, part {part}, on {WEEKDAYS[day.weekday()]}. (in won)",
               *chunks],
        keywords=["KOSPI 200"],
    )


def market_open(day: date, serial: int, time: str, *, direction: str, cause: str, index: float,
                points: float, won: float) -> object:
    wd = WEEKDAYS[day.weekday()]
    verb = "rose" if direction == "higher" else "fell"
    return wire(
        _serial_id(day, serial, "320"), f"market-open-{day:%Y%m%d}",
        f"Seoul shares open {direction} {cause}", section="Stocks", published=f"{day} {time}",
        paras=[
            f"South Korean stocks opened {direction} {wd} {cause}.",
            f"The benchmark Korea Composite Stock Price Index (KOSPI) {verb} {points:.2f} points, or "
            f"{points / index * 100:.2f} percent, to {index:,.2f} in the first 15 minutes of trading.",
            "Large-cap technology and battery shares set the tone in early trade, while financial stocks were mixed.",
            "Samsung Electronics and SK hynix, the country's two largest chipmakers, moved in line with the broader market, "
            "and LG Energy Solution, the top battery maker, traded flat.",
            f"The local currency was quoted at {won:,.1f} won against the U.S. dollar at 9:15 a.m., "
            f"{'up' if direction == 'higher' else 'down'} 2.3 won from the previous session's close.",
        ],
        email="mkt@yna.co.kr", keywords=["Seoul shares"],
    )


def market_close(day: date, serial: int, time: str, *, headline: str, direction: str, index: float,
                 points: float, won: float, volume_mn: int, label: str = "", attn: str | None = None,
                 extra: list[str] = ()) -> object:
    wd = WEEKDAYS[day.weekday()]
    verb = "rose" if direction == "higher" else "fell"
    return wire(
        _serial_id(day, serial, "320", "51" if label else "00"), f"market-close-{day:%Y%m%d}",
        headline, label=label, attn=attn, section="Stocks", published=f"{day} {time}",
        paras=[
            f"Seoul shares closed {direction} {wd}, as investors weighed U.S. inflation data due later in the week "
            "and corporate earnings at home.",
            f"The benchmark Korea Composite Stock Price Index (KOSPI) {verb} {points:.2f} points, or "
            f"{points / index * 100:.2f} percent, to close at {index:,.2f}.",
            f"Trading volume was moderate at about {volume_mn} million shares worth some 8.9 trillion won "
            "(US$6.7 billion), with decliners outnumbering gainers 478 to 402.",
            *extra,
            "Market heavyweight Samsung Electronics and chipmaker SK hynix ended the day in line with the index, "
            "while carmakers Hyundai Motor and Kia diverged on mixed export data.",
            "Battery makers were mostly weaker, and bio shares extended their recent run.",
            f"The local currency closed at {won:,.1f} won against the U.S. dollar.",
            "Bond prices, which move inversely to yields, closed mixed. The yield on three-year Treasurys "
            "was little changed, while the return on the benchmark five-year government bonds rose 1.2 basis points.",
        ],
        by="Nam Ji-soo", email="jsnam@yna.co.kr", keywords=["Seoul shares", "KOSPI"],
    )


def covid_count(day: date, serial: int, time: str, *, headline: str, cases: int, prev: int, week_ago: int,
                deaths: int, critical: int) -> object:
    wd = WEEKDAYS[day.weekday()]
    return wire(
        _serial_id(day, serial, "315"), f"covid-daily-{day:%Y%m%d}",
        headline, section="National", published=f"{day} {time}",
        paras=[
            f"South Korea's daily COVID-19 cases came to {cases:,} on {wd}, according to health authorities.",
            f"The figure was {'up' if cases > prev else 'down'} from {prev:,} the previous day and compares with "
            f"{week_ago:,} a week earlier, according to the Korea Disease Control and Prevention Agency (KDCA).",
            f"The country added {deaths} COVID-19 deaths, and the number of critically ill patients stood at {critical}.",
            "Imported cases accounted for a small share of the total, the KDCA said, as overseas travel continued "
            "to pick up ahead of the summer season.",
            "Health authorities said they plan to decide later this month whether to downgrade the virus to the same "
            "level as seasonal influenza, which would end the mandatory isolation period for infected people.",
        ],
        email="health@yna.co.kr", keywords=["COVID-19"],
    )
