"""Wire copy for KST day 2023-05-10 (invented text in Yonhap house style)."""
from datetime import date

from ..templates import covid_count, kospi200_list, market_close, market_open
from ..wire import earlier, wire

DAY = date(2023, 5, 10)

# --- (LEAD) of the 23:40 story from May 9: id keeps the May 9 date and serial ------------------
NK_DRILLS_LEAD = wire(
    "AEN20230509009051325", "nk-slams-air-drills",
    "N. Korea slams S. Korea-U.S. air drills, warns of 'overwhelming' response", label="LEAD",
    attn="(ATTN: ADDS more info from 4th para, background)", section="North Korea",
    published="2023-05-10 00:25:44",
    paras=[
        "North Korea on Tuesday denounced ongoing combined air exercises between South Korea and the United States "
        "as a \"rehearsal for invasion\" and warned of an \"overwhelming\" response.",
        "The statement, issued by a spokesperson for the North's defense ministry and carried by the official "
        "Korean Central News Agency (KCNA), said the drills involving U.S. strategic bombers were pushing the "
        "region \"to the brink of war.\"",
        "The allies kicked off the two-week air exercises on May 1, involving some 110 aircraft, including "
        "F-35A stealth fighters.",
        "The spokesperson said the North's army is \"closely watching every movement of the enemy\" and will take "
        "\"necessary measures\" if the allies continue what it called military provocations near its border.",
        "It was the first official reaction by Pyongyang to the air drills, which are set to run through May 12.",
        "Seoul's defense ministry said the drills are defensive in nature and held annually, and urged the North to "
        "stop raising tensions on the peninsula.",
        "The North has fired around 20 ballistic missiles so far this year, including a new solid-fuel "
        "intercontinental ballistic missile in April.",
    ],
    by="Yoo Ji-won", email="jiwon@yna.co.kr", keywords=["N. Korea", "air drills"],
    related=["AEN20230509009000325"],
)

# --- (URGENT) sharing the lineage of its full story: serial 0021, digits 00 -> 51 -> 52 ----------
MISSILE_LEAD_P1 = ("North Korea fired a short-range ballistic missile into the East Sea on Wednesday, South Korea's "
                   "Joint Chiefs of Staff (JCS) said, a day after it denounced ongoing South Korea-U.S. air drills.")
MISSILE_BODY = [
    "The missile was launched from the Sukchon area in South Pyongan Province at around 9:48 a.m. and flew about "
    "600 kilometers before splashing into waters off the North's east coast, the JCS said.",
    "\"Our military has strengthened surveillance and vigilance while maintaining a full readiness posture in close "
    "cooperation with the United States,\" the JCS said in a text message sent to reporters.",
    "South Korean and U.S. intelligence authorities are analyzing the specifications of the missile, it added.",
    "It marks the North's first ballistic missile launch since April 13, when it test-fired what it claimed to be a "
    "new solid-fuel intercontinental ballistic missile.",
]
MISSILE_2ND = [
    "Japan's defense ministry said the missile appeared to have landed outside Japan's exclusive economic zone, "
    "and no damage to ships or aircraft had been reported.",
    "President Yoon Suk Yeol's office convened a meeting of the National Security Council standing committee, which "
    "condemned the launch as a clear violation of U.N. Security Council resolutions.",
    "The NSC members agreed to push for closer trilateral security cooperation with the United States and Japan, "
    "including real-time sharing of missile warning data, the presidential office said.",
    "Experts said the launch appeared to be a show of force against the air drills and could be followed by "
    "further provocations, such as a military reconnaissance satellite launch.",
]

# --- in-place edit: same id, two states with different modified times ---------------------------
YOON_V1 = [
    "President Yoon Suk Yeol marked his first year in office Wednesday, vowing to focus on the economy and people's "
    "livelihoods in his second year as exports slump and prices remain high.",
    "Yoon made no public appearance to mark the anniversary, but told aides during a closed-door meeting that the "
    "government's reform agenda must produce results that people can feel, according to his spokesperson.",
    "\"The past year was about restoring the basics. The coming year must be about results,\" Yoon was quoted as saying.",
    "Yoon's approval rating stood at 35 percent in a Gallup Korea survey released last week.",
    "Yoon has pushed for labor, pension and education reforms, but faces resistance from the opposition-controlled "
    "National Assembly.",
]
YOON_V2 = [
    "President Yoon Suk Yeol marked his first year in office Wednesday, vowing to focus on the economy and people's "
    "livelihoods in his second year as exports slump and prices remain high.",
    "Yoon made no public appearance to mark the anniversary, but told aides during a closed-door meeting that the "
    "government's reform agenda must produce results that people can feel, according to his spokesperson.",
    "\"The past year was about restoring the basics. The coming year must be about results,\" Yoon was quoted as saying.",
    "Yoon's approval rating stood at 37 percent in a Gallup Korea survey released last week, up 2 percentage "
    "points from the previous week.",
    "Yoon has pushed for labor, pension and education reforms, but faces resistance from the opposition-controlled "
    "National Assembly.",
    "Later in the day, Yoon had lunch with about 100 ordinary citizens invited to the presidential office, "
    "including small business owners and young farmers, his office said.",
    "The main opposition Democratic Party said in a statement that the past year had been one of \"division and "
    "backsliding\" and called on Yoon to meet its leader.",
]

CA_LEAD = ("South Korea's current account swung to a surplus in March on the back of rising dividend income from "
           "overseas, central bank data showed Wednesday, although the goods account stayed in the red for a sixth month.")

JOBS_LEAD = ("South Korea added 312,000 jobs in April, the smallest increase in over two years, as hiring in "
             "manufacturing declined for a fourth straight month, government data showed Wednesday.")

ARTICLES_BEFORE_SUMMARY = [
    NK_DRILLS_LEAD,
    wire("AEN20230510002700320", "current-account-march",
         "S. Korea's current account swings to surplus in March", label="URGENT",
         section="Economy", published="2023-05-10 08:00:02",
         paras=["South Korea's current account swung to a surplus of US$160 million in March, the Bank of Korea said."]),
    # the full story runs under its own serial, with no id link to the flash above
    wire("AEN20230510002900320", "current-account-march",
         "S. Korea's current account returns to surplus in March on dividend income",
         section="Economy", published="2023-05-10 08:25:37",
         paras=[
             CA_LEAD,
             "The current account surplus came to US$160 million in March, compared with a deficit of $520 million "
             "in February, according to the Bank of Korea (BOK).",
             "The primary income account, which tracks wages and dividends, posted a surplus of $3.8 billion, as "
             "local firms' overseas units paid out more dividends to their parent companies.",
             "The goods account logged a deficit of $1.1 billion as exports fell 15.4 percent on-year amid the chip "
             "slump, while imports declined 6.1 percent.",
             "The services account posted a $2.3 billion deficit, as more South Koreans traveled abroad.",
             "For the first quarter, the country logged a current account deficit of $4.5 billion.",
             "\"We expect the current account to post a surplus from the second quarter as the goods balance improves "
             "gradually,\" a BOK official told a press briefing.",
         ],
         by="Park Soo-yeon", email="sypark@yna.co.kr", keywords=["current account", "BOK"]),
    market_open(DAY, 8, "09:18:05", direction="lower", cause="amid U.S. debt ceiling worries", index=2503.55,
                points=6.51, won=1327.1),
    covid_count(DAY, 23, "09:40:12", headline="S. Korea's daily COVID-19 cases rise above 20,000",
                cases=20_788, prev=17_402, week_ago=19_420, deaths=11, critical=149),
    wire("AEN20230510002100325", "nk-missile-0510",
         "N. Korea fires ballistic missile into East Sea: JCS", label="URGENT", section="North Korea",
         published="2023-05-10 10:02:30",
         paras=["North Korea fired a ballistic missile into the East Sea on Wednesday, the Joint Chiefs of Staff said."]),
    wire("AEN20230510002151325", "nk-missile-0510",
         "N. Korea fires short-range ballistic missile into East Sea: JCS", label="LEAD",
         attn="(ATTN: ADDS details, background from 2nd para)", section="North Korea",
         published="2023-05-10 10:31:19", paras=[MISSILE_LEAD_P1, *MISSILE_BODY],
         by="Kim Tae-hoon", email="thkim@yna.co.kr", keywords=["N. Korea", "missile"],
         related=["AEN20230509009051325"]),
    wire("AEN20230510002152325", "nk-missile-0510",
         "N. Korea fires SRBM into East Sea; NSC condemns 'clear violation' of U.N. resolutions", label="2nd LD",
         attn="(ATTN: UPDATES with NSC meeting, Japan's reaction from 6th para; CHANGES headline; ADDS photo)",
         section="North Korea", published="2023-05-10 12:10:56", paras=[MISSILE_LEAD_P1, *MISSILE_BODY, *MISSILE_2ND],
         captions=["People watch a news report on North Korea's missile launch at Seoul Station in Seoul on May 10, "
                   "2023. (Yonhap)"],
         by="Kim Tae-hoon", email="thkim@yna.co.kr", keywords=["N. Korea", "missile", "NSC"],
         related=["AEN20230509009051325", "AEN20230510002151325"]),
    wire("AEN20230510004400315", "yoon-first-year",
         "Yoon marks 1st year in office, vows focus on economy, livelihoods", section="Politics",
         published="2023-05-10 11:02:40", modified="2023-05-10 15:47:09", paras=YOON_V2,
         captions=["President Yoon Suk Yeol speaks during a meeting with aides at the presidential office in Seoul "
                   "on May 10, 2023. (Yonhap)"],
         by="Choi Hyun-woo", email="hwchoi@yna.co.kr", keywords=["Yoon Suk Yeol"],
         versions=[earlier("2023-05-10 11:02:40", "Yoon marks 1st year in office, vows focus on economy", YOON_V1)]),
    wire("AEN20230510003300320", "jobs-april",
         "S. Korea adds 312,000 jobs in April, smallest gain in over 2 years", section="Economy",
         published="2023-05-10 08:45:30",
         paras=[
             JOBS_LEAD,
             "The number of employed people reached 28.4 million last month, according to Statistics Korea.",
             "Manufacturing jobs fell 97,000 on-year, while the health and social welfare sector added 167,000 jobs "
             "and accommodation and restaurants gained 109,000 as the service sector recovered from the pandemic.",
             "Employment among people aged 60 and older rose by 404,000, while those in their 20s lost 139,000 jobs.",
             "The seasonally adjusted jobless rate stood at 2.6 percent, little changed from a month earlier.",
             "The finance ministry said the job market is expected to slow further this year due to the high base "
             "effect and the economic slowdown.",
         ],
         by="Kang Min-ji", email="mjkang@yna.co.kr", keywords=["jobs", "employment"]),
]

SUMMARY_ITEMS = [  # (headline, lead paragraph repeated verbatim from the story)
    ("N. Korea fires short-range ballistic missile into East Sea: JCS", "AEN20230510002151325"),
    ("S. Korea's current account returns to surplus in March on dividend income", "AEN20230510002900320"),
    ("Yoon marks 1st year in office, vows focus on economy, livelihoods", "AEN20230510004400315"),
    ("S. Korea adds 312,000 jobs in April, smallest gain in over 2 years", "AEN20230510003300320"),
]


def _summary():
    by_id = {a.article_id: a for a in ARTICLES_BEFORE_SUMMARY}
    paras = ["The following are major news items released by Yonhap News Agency on Wednesday."]
    for headline, article_id in SUMMARY_ITEMS:
        paras += [headline, by_id[article_id].paragraphs[0]]
    return wire("AEN20230510006000315", "news-summary-0510", "Yonhap News Summary", section="National",
                published="2023-05-10 13:00:00", paras=paras)


ARTICLES = ARTICLES_BEFORE_SUMMARY + [
    _summary(),
    market_close(DAY, 55, "15:50:44", headline="Seoul shares close lower as foreigners sell chip stocks",
                 direction="lower", index=2496.81, points=13.25, won=1328.4, volume_mn=455, label="LEAD",
                 attn="(ATTN: ADDS details in paras 4-5)",
                 extra=["Foreigners sold a net 214 billion won worth of local shares, while individuals and "
                        "institutions were net buyers.",
                        "The missile launch by North Korea in the morning had little impact on the market, "
                        "analysts said."]),
    kospi200_list(DAY, 1, 61, "16:03:22"),
    kospi200_list(DAY, 2, 62, "16:03:25"),
    wire("AEN20230510007000315", "ncg-june-launch",
         "S. Korea, U.S. to hold 1st Nuclear Consultative Group meeting in June", section="Diplomacy",
         published="2023-05-10 17:12:08",
         paras=[
             "South Korea and the United States will hold the inaugural meeting of their new Nuclear Consultative "
             "Group (NCG) in Seoul next month, a senior presidential official said Wednesday.",
             "The NCG, agreed upon at last month's summit in Washington, is aimed at giving Seoul a greater say in "
             "the planning and operation of U.S. nuclear assets to deter North Korea.",
             "The meeting will be co-chaired by deputy national security advisers of the two countries and involve "
             "officials from the defense and foreign ministries, the official told reporters on background.",
             "The two sides will discuss information sharing on nuclear contingencies and a plan for joint "
             "tabletop exercises, the official said.",
             "The official dismissed concerns that the NCG would restrict Seoul's options, saying the group "
             "strengthens extended deterrence in \"practical and visible\" ways.",
         ],
         by="Kim Tae-hoon", email="thkim@yna.co.kr", keywords=["NCG", "extended deterrence"],
         related=["AEN20230510002152325"]),
    wire("AEN20230510007800315", "jeonju-film-fest-closes",
         "Jeonju film festival closes with record attendance", section="Culture", published="2023-05-10 18:30:40",
         paras=[
             "The Jeonju International Film Festival wrapped up its 10-day run on Wednesday with a record 81,000 "
             "viewers, organizers said.",
             "This year's festival screened 247 films from 42 countries, with independent Korean features drawing "
             "larger crowds than in previous years.",
             "The grand prize in the international competition went to a debut feature from Argentina about a "
             "family-run bakery, the organizers said.",
             "\"Audiences came back to theaters in a way we had not seen since before the pandemic,\" festival "
             "director Min Sung-wook said.",
         ],
         by="Lee Jun-ho", email="junho@yna.co.kr", keywords=["film festival"]),
    wire("AEN20230510009200315", "kleague-ulsan-unbeaten",
         "Ulsan Hyundai extend K League 1 unbeaten run to 10 matches", section="Sports",
         published="2023-05-10 21:55:12",
         paras=[
             "Defending champions Ulsan Hyundai FC extended their unbeaten run in the K League 1 to 10 matches with a "
             "2-1 win over Daegu FC on Wednesday.",
             "Striker Park Jun-young scored the winner in the 78th minute at Munsu Football Stadium in Ulsan, heading "
             "in a cross from the right flank.",
             "Ulsan, with nine wins and a draw, lead the 12-team league with 28 points, eight ahead of second-place "
             "Pohang Steelers.",
             "Daegu had equalized through a penalty early in the second half after Ulsan opened the scoring in the "
             "21st minute.",
         ],
         by="Oh Seung-jin", email="sjoh@yna.co.kr", keywords=["K League", "football"]),
]
