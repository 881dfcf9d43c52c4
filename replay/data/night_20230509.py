"""Wire copy for KST day 2023-05-09 (invented text in Yonhap house style)."""
from datetime import date

from ..templates import covid_count, kospi200_list, market_close, market_open
from ..wire import wire

DAY = date(2023, 5, 9)

# --- chip support: original -> (LEAD) -> (2nd LD), same date, serial 0038, code 320 -------------
CHIP_BASE = [
    "South Korea will mobilize all available policy tools to help chipmakers ride out a prolonged slump in "
    "overseas demand, the finance minister said Tuesday, as semiconductor exports remained in the doldrums for a ninth month.",
    "The government will provide 26 trillion won (US$19.6 billion) in policy loans and guarantees to the chip industry "
    "this year and speed up permits for new production lines, Finance Minister Bang Ki-sun said during an "
    "emergency meeting on exports.",
    "Outbound shipments of semiconductors, the country's top export item, fell 41 percent on-year in April, "
    "dragging down overall exports for a seventh consecutive month.",
    "\"The chip downturn is deeper and longer than we expected at the start of the year,\" Bang said. "
    "\"We will not allow a temporary cycle to erode the foundations of our most important industry.\"",
    "The ministry said it will also extend the operating hours of customs clearance for chip equipment imports and "
    "send trade missions to India and Vietnam, where demand for memory chips is rising.",
    "The trade ministry separately plans to hold talks with major chipmakers, including Samsung Electronics and "
    "SK hynix, later this month to review their investment plans for the second half.",
    "Economists expect chip prices to bottom out in the third quarter as inventories of memory products shrink, "
    "though a recovery in demand from data centers and smartphone makers remains uncertain.",
    "South Korea's trade balance has stayed in the red for 14 straight months, the longest such streak since 1997.",
]
CHIP_PRESS = [
    "At a press conference after the meeting, Bang said the government is considering extending the "
    "temporary tax credit for facility investment, which is set to expire at the end of this year.",
    "\"Companies have told us that certainty on tax support matters more than its size,\" he said. "
    "\"We will announce a decision well before the budget proposal is submitted in August.\"",
    "Asked about the won's weakness against the U.S. dollar, Bang said the currency market is moving in line with "
    "fundamentals, but the authorities will act swiftly in the case of excessive herd behavior.",
]
CHIP_TAX = [
    "Under the plan, large chipmakers can deduct up to 25 percent of their investment in production facilities from "
    "corporate tax, up from 15 percent, while smaller firms can deduct up to 35 percent.",
    "The ministry estimates the expanded credit will cut the industry's tax bill by about 3.6 trillion won next year.",
]
CHIP_TAX_LATE = [
    "The opposition Democratic Party said it would review the extension but questioned whether tax cuts for "
    "large conglomerates would trickle down to their suppliers.",
    "Industry groups welcomed the move. The Korea Semiconductor Industry Association said in a statement that the "
    "measure would help member firms keep up capital spending during the downturn.",
    "The extension requires a revision to the Restriction of Special Taxation Act, which the government plans to "
    "submit to the National Assembly in June.",
]
CHIP_PHOTO = ("Finance Minister Bang Ki-sun speaks during a press conference at the government complex in Sejong, "
              "130 kilometers south of Seoul, on May 9, 2023. (Yonhap)")

ARTICLES = [
    market_open(DAY, 10, "09:20:41", direction="higher", cause="on tech gains", index=2512.40, points=10.34, won=1325.8),
    covid_count(DAY, 24, "09:45:02", headline="S. Korea's daily COVID-19 cases stay in 10,000s",
                cases=17_402, prev=13_250, week_ago=16_960, deaths=8, critical=152),
    wire("AEN20230509003800320", "chip-support-0509",
         "Finance minister vows all-out support for chipmakers amid prolonged slump",
         section="Economy", published="2023-05-09 10:30:07", paras=CHIP_BASE,
         by="Kang Min-ji", email="mjkang@yna.co.kr", keywords=["chips", "exports"]),
    wire("AEN20230509003851320", "chip-support-0509",
         "Finance minister vows all-out support for chipmakers amid prolonged slump", label="LEAD",
         attn="(ATTN: UPDATES with more remarks from press conference from 9th para; ADDS photo)",
         section="Economy", published="2023-05-09 14:53:59", paras=CHIP_BASE + CHIP_PRESS,
         captions=[CHIP_PHOTO], by="Kang Min-ji", email="mjkang@yna.co.kr", keywords=["chips", "exports"],
         related=["AEN20230509003800320"]),
    wire("AEN20230509003852320", "chip-support-0509",
         "Gov't to expand tax credit for chip investment, vows all-out support amid slump", label="2nd LD",
         attn="(ATTN: ADDS details on tax credit in paras 2-3, 13-15; CHANGES headline; RECASTS lead)",
         section="Economy", published="2023-05-09 17:20:33",
         paras=["South Korea will expand tax credits for facility investment by chipmakers and extend them for another "
                "year, the finance minister said Tuesday, pledging all-out support for an industry mired in a "
                "prolonged slump in overseas demand."] + CHIP_TAX + CHIP_BASE[1:-1] + CHIP_PRESS + CHIP_TAX_LATE,
         captions=[CHIP_PHOTO, "Semiconductor wafers are displayed at an industry exhibition in Seoul in this file photo. (Yonhap)"],
         by="Kang Min-ji", email="mjkang@yna.co.kr", keywords=["chips", "exports", "tax credit"],
         related=["AEN20230509003851320", "AEN20230509004600320"]),
    wire("AEN20230509001700315", "ppp-birthrate-forum-0509",
         "Ruling party to launch task force on low birth rate", section="Politics", published="2023-05-09 11:05:15",
         paras=[
             "The ruling People Power Party (PPP) will launch a task force this month to draw up measures to tackle "
             "the country's record-low birth rate, its policy chief said Tuesday.",
             "The task force, to be made up of lawmakers, government officials and outside experts, will focus on "
             "housing support for newlyweds and expanded parental leave, Rep. Yoo Jae-hoon told a party meeting.",
             "South Korea's total fertility rate, the average number of children a woman is expected to have in her "
             "lifetime, fell to 0.78 last year, the lowest among member countries of the Organization for Economic "
             "Cooperation and Development.",
             "\"Past measures spent a lot of money without changing how young people feel about starting a family,\" "
             "Yoo said. \"We will start from what they actually tell us.\"",
             "The main opposition Democratic Party has proposed its own package, including a monthly allowance of "
             "1 million won for parents of children under the age of 2.",
             "The two parties are expected to discuss related bills at the parliamentary health and welfare committee in June.",
         ],
         by="Choi Hyun-woo", email="hwchoi@yna.co.kr", keywords=["birth rate", "PPP"]),
    wire("AEN20230509004100325", "nk-china-trade-april",
         "N. Korea-China trade jumps 80 pct in April on food imports", section="North Korea",
         published="2023-05-09 12:10:48",
         paras=[
             "Trade between North Korea and China rose nearly 80 percent on-year in April, Chinese customs data "
             "showed Tuesday, as the North stepped up imports of rice and flour.",
             "Bilateral trade amounted to US$188 million last month, compared with $105 million a year earlier, "
             "according to the data released by China's General Administration of Customs.",
             "North Korea's imports from China reached $171 million, while its exports to its neighbor stood at "
             "$17 million, mostly wigs and false eyelashes, which are not subject to U.N. sanctions.",
             "Rice imports more than tripled from a year earlier, in a sign that the reclusive country is struggling "
             "with food shortages ahead of the lean season, experts said.",
             "Trade between the two countries plunged after the North shut its borders in early 2020 to guard "
             "against COVID-19, but has gradually recovered since freight train services resumed last year.",
         ],
         by="Yoo Ji-won", email="jiwon@yna.co.kr", keywords=["N. Korea", "China", "trade"]),
    wire("AEN20230509004600320", "household-loans-april",
         "Household loans fall for 4th straight month in April", section="Finance", published="2023-05-09 12:00:03",
         paras=[
             "Outstanding household loans extended by South Korean banks fell for the fourth consecutive month in "
             "April as high interest rates continued to weigh on borrowing, central bank data showed Tuesday.",
             "Household loans stood at 1,050.2 trillion won as of end-April, down 0.6 trillion won from a month earlier, "
             "according to the Bank of Korea (BOK).",
             "Mortgage loans rose 2.3 trillion won on the back of a rebound in home transactions, but other loans, "
             "including unsecured credit loans, dropped 2.9 trillion won.",
             "\"Demand for home purchases is picking up, especially in Seoul, so the declining trend may not last long,\" "
             "a BOK official said.",
             "Corporate loans extended by banks rose 7.8 trillion won in April, with large companies borrowing more "
             "to pay dividends.",
             "The BOK has raised its policy rate to 3.5 percent through a series of hikes since August 2021 "
             "before pausing in February.",
         ],
         by="Park Soo-yeon", email="sypark@yna.co.kr", keywords=["household debt", "BOK"]),
    market_close(DAY, 53, "15:48:20", headline="Seoul shares close higher on foreign buying", direction="higher",
                 index=2510.06, points=7.99, won=1323.9, volume_mn=412),
    kospi200_list(DAY, 1, 61, "16:02:11"),
    kospi200_list(DAY, 2, 62, "16:02:14"),
    wire("AEN20230509007500315", "volleyball-vnl-squad",
         "Women's volleyball team names 14-member squad for Nations League", section="Sports",
         published="2023-05-09 16:40:25",
         paras=[
             "The South Korean women's national volleyball team named a 14-member squad for this year's FIVB "
             "Volleyball Nations League on Tuesday, with six players making their senior debuts.",
             "Head coach Cesar Hernandez picked outside hitters Kang So-hwi and Park Jeong-ah, and middle blocker "
             "Lee Ju-ah among the veterans, the Korea Volleyball Association said.",
             "South Korea lost all 12 matches at last year's Nations League and finished last among 16 teams.",
             "\"This tournament is about building a team for the next Olympic cycle,\" Hernandez said. "
             "\"The young players will get real minutes.\"",
             "The team will open its campaign against Turkey in Antalya on May 31.",
         ],
         by="Oh Seung-jin", email="sjoh@yna.co.kr", keywords=["volleyball"]),
    wire("AEN20230509008000315", "seoul-kpop-festival",
         "Seoul to host free K-pop concert for foreign tourists in June", section="Culture",
         published="2023-05-09 17:05:52",
         paras=[
             "The Seoul city government will host a free outdoor K-pop concert for foreign tourists in June as part "
             "of efforts to revive the tourism industry after the pandemic, officials said Tuesday.",
             "The concert will be held at a park near the Han River on June 17 and feature about 10 K-pop acts, "
             "according to the city.",
             "Some 10,000 tickets will be distributed through travel agencies and airlines, with 2,000 reserved for "
             "residents, the city said.",
             "Seoul aims to attract 30 million foreign tourists a year by 2026.",
         ],
         by="Lee Jun-ho", email="junho@yna.co.kr", keywords=["K-pop", "tourism"]),
    wire("AEN20230509008600315", "fm-southeast-asia-trip",
         "FM to visit Indonesia, Vietnam for talks on supply chains, defense industry", section="Diplomacy",
         published="2023-05-09 19:30:10",
         paras=[
             "Foreign Minister Han Sang-wook will visit Indonesia and Vietnam next week to discuss supply chain "
             "cooperation and defense industry exports, the foreign ministry said Tuesday.",
             "Han will hold talks with his Indonesian counterpart in Jakarta on Monday and meet Vietnamese leaders in "
             "Hanoi on Wednesday, the ministry said.",
             "The trip is aimed at following up on the Indo-Pacific strategy unveiled by Seoul in December, which "
             "calls for closer ties with the Association of Southeast Asian Nations (ASEAN).",
             "South Korea and Indonesia are expected to discuss critical minerals, including nickel used in "
             "electric vehicle batteries.",
             "In Hanoi, Han plans to brief Vietnamese officials on Seoul's policy on North Korea and seek support for "
             "its bid to host the 2030 World Expo in Busan.",
         ],
         by="Kim Tae-hoon", email="thkim@yna.co.kr", keywords=["diplomacy", "ASEAN"]),
    # original of the revision chain that crosses midnight KST; its (LEAD) runs at 00:25 on May 10
    wire("AEN20230509009000325", "nk-slams-air-drills",
         "N. Korea slams S. Korea-U.S. air drills as 'rehearsal for invasion'", section="North Korea",
         published="2023-05-09 23:40:18",
         paras=[
             "North Korea on Tuesday denounced ongoing combined air exercises between South Korea and the United States "
             "as a \"rehearsal for invasion\" and warned of unspecified countermeasures.",
             "The statement, issued by a spokesperson for the North's defense ministry and carried by the official "
             "Korean Central News Agency (KCNA), said the drills involving U.S. strategic bombers were pushing the "
             "region \"to the brink of war.\"",
             "The allies kicked off the two-week air exercises on May 1, involving some 110 aircraft, including "
             "F-35A stealth fighters.",
             "Seoul's defense ministry said the drills are defensive in nature and held annually.",
         ],
         by="Yoo Ji-won", email="jiwon@yna.co.kr", keywords=["N. Korea", "air drills"]),
]
