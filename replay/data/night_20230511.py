"""Wire copy for KST day 2023-05-11 (invented text in Yonhap house style)."""
from datetime import date

from ..templates import covid_count, kospi200_list, market_close, market_open
from ..wire import wire

DAY = date(2023, 5, 11)

# --- headline recast: the (LEAD) rewords headline and lead completely ---------------------------
SHIP_COMMON = [
    "Under the revised rules, the quota of E-7 skilled-worker visas for welders and painters in the shipbuilding "
    "industry will be scrapped, and the required minimum wage for such workers will be lowered to 80 percent of "
    "the average wage for Korean workers.",
    "Shipbuilders have struggled to find workers as orders surged on the back of demand for liquefied natural gas "
    "carriers, with the industry estimating a shortfall of about 14,000 workers by the end of the year.",
    "\"Order backlogs are at a 10-year high, but the docks cannot keep pace without more hands,\" a trade ministry "
    "official said.",
    "The justice ministry will also shorten the visa screening period to 10 days from about a month.",
]

# --- version digits disagree with the label: 00 -> 51 (LEAD) -> 52 labeled (3rd LD) --------------
LAWMAKER_P = [
    "Prosecutors on Thursday questioned an opposition lawmaker over allegations that he failed to disclose "
    "cryptocurrency holdings worth several billion won while sitting on a parliamentary committee.",
    "Rep. Jang Woo-sung of the main opposition Democratic Party (DP) appeared at the Seoul Southern District "
    "Prosecutors' Office at 10 a.m. for questioning as a suspect.",
    "He is suspected of holding coins worth up to 5 billion won at one point last year and trading them during "
    "parliamentary sessions, in possible violation of the public service ethics law.",
    "\"I will explain everything faithfully,\" Jang told reporters before entering the building. He has denied "
    "any wrongdoing, saying the coins were bought with his own money.",
]
LAWMAKER_LEAD = [
    "Prosecutors are looking into whether Jang received inside information about the coins before they were "
    "listed on local exchanges.",
    "The DP said it would wait for the results of the investigation before taking any disciplinary action, "
    "drawing criticism from the ruling party.",
]
LAWMAKER_3RD = [
    "Later in the day, the DP's ethics committee decided to suspend Jang's party membership for six months, "
    "a party spokesperson said.",
    "\"The party takes the public's anger seriously,\" the spokesperson said, adding that the party will also "
    "push for a bill requiring lawmakers to report their virtual asset holdings.",
    "The ruling People Power Party called the measure \"too little, too late\" and demanded that Jang give up "
    "his parliamentary seat.",
]

ARTICLES = [
    # same-topic follow-up of the May 9-10 story, but a different story
    wire("AEN20230511000700325", "nk-kim-air-unit",
         "N. Korea's Kim inspects air force unit, calls for readiness against allied drills",
         section="North Korea", published="2023-05-11 07:10:22",
         paras=[
             "North Korean leader Kim Jong-un inspected an air force unit and called for full combat readiness "
             "against what he called reckless military drills by South Korea and the United States, state media "
             "reported Thursday.",
             "During the inspection, Kim watched fighter jets conduct a mock strike on enemy airfields and stressed "
             "the need to \"thoroughly master\" new tactics, the Korean Central News Agency (KCNA) said.",
             "The KCNA did not say when the inspection took place.",
             "The report came a day after the North fired a short-range ballistic missile into the East Sea amid the "
             "allies' combined air exercises, which are set to end Friday.",
             "South Korea's unification ministry said the North appears to be trying to justify its provocations by "
             "blaming the allies' regular drills.",
         ],
         by="Yoo Ji-won", email="jiwon@yna.co.kr", keywords=["Kim Jong-un", "air force"],
         related=["AEN20230509009051325", "AEN20230510002152325"]),
    market_open(DAY, 9, "09:16:33", direction="higher", cause="after U.S. inflation eases", index=2507.91,
                points=11.10, won=1321.6),
    wire("AEN20230511001900320", "exports-early-may",
         "S. Korea's exports down 10.9 pct in first 10 days of May", section="Economy", published="2023-05-11 09:05:14",
         paras=[
             "South Korea's exports fell 10.9 percent on-year in the first 10 days of May as chip shipments continued "
             "to decline, customs data showed Thursday.",
             "Outbound shipments reached US$14.1 billion in the May 1-10 period, compared with $15.8 billion a year "
             "earlier, according to the Korea Customs Service.",
             "Exports of semiconductors plunged 30.5 percent, while those of passenger cars jumped 45.2 percent.",
             "Imports fell 18.4 percent to $18.0 billion, leaving a trade deficit of $3.9 billion.",
             "The country has logged a trade deficit every month since March last year.",
         ],
         by="Kang Min-ji", email="mjkang@yna.co.kr", keywords=["exports", "trade"]),
    covid_count(DAY, 22, "09:42:45", headline="S. Korea's daily COVID-19 cases stay in 10,000s",
                cases=18_115, prev=20_788, week_ago=17_720, deaths=9, critical=147),
    wire("AEN20230511003500315", "lawmaker-crypto",
         "Opposition lawmaker questioned over undisclosed cryptocurrency holdings", section="Politics",
         published="2023-05-11 09:30:50", paras=LAWMAKER_P,
         by="Choi Hyun-woo", email="hwchoi@yna.co.kr", keywords=["cryptocurrency", "DP"]),
    wire("AEN20230511003551315", "lawmaker-crypto",
         "Opposition lawmaker questioned over undisclosed cryptocurrency holdings", label="LEAD",
         attn="(ATTN: ADDS details in last 2 paras)", section="Politics", published="2023-05-11 11:40:27",
         paras=LAWMAKER_P + LAWMAKER_LEAD,
         by="Choi Hyun-woo", email="hwchoi@yna.co.kr", keywords=["cryptocurrency", "DP"]),
    wire("AEN20230511003552315", "lawmaker-crypto",
         "DP suspends lawmaker's membership after questioning over cryptocurrency holdings", label="3rd LD",
         attn="(ATTN: UPDATES with party's ethics committee decision in paras 1-3, 8-9; CHANGES headline; ADDS photo)",
         section="Politics", published="2023-05-11 18:05:03",
         paras=["The main opposition Democratic Party (DP) on Thursday suspended the party membership of a lawmaker "
                "who was questioned by prosecutors earlier in the day over undisclosed cryptocurrency holdings.",
                *LAWMAKER_3RD[:1],
                "Rep. Jang Woo-sung appeared at the Seoul Southern District Prosecutors' Office at 10 a.m. for "
                "questioning as a suspect.",
                *LAWMAKER_P[2:], *LAWMAKER_LEAD, *LAWMAKER_3RD[1:]],
         captions=["Rep. Jang Woo-sung of the Democratic Party speaks to reporters before appearing for questioning "
                   "at the Seoul Southern District Prosecutors' Office on May 11, 2023. (Yonhap)"],
         by="Choi Hyun-woo", email="hwchoi@yna.co.kr", keywords=["cryptocurrency", "DP"],
         related=["AEN20230511003551315"]),
    wire("AEN20230511002600320", "shipbuilding-foreign-workers",
         "Gov't to ease rules on foreign workers to tackle labor shortages in shipbuilding",
         section="Industry", published="2023-05-11 10:00:05",
         paras=["The government will ease visa rules for foreign workers in the shipbuilding industry to address a "
                "severe labor shortage at local shipyards, the trade ministry said Thursday.", *SHIP_COMMON],
         by="Lee Jun-ho", email="junho@yna.co.kr", keywords=["shipbuilding", "foreign workers"]),
    wire("AEN20230511002651320", "shipbuilding-foreign-workers",
         "Shipyards to get 5,000 more welders from abroad this year as visa quota scrapped", label="LEAD",
         attn="(ATTN: RECASTS headline, lead; ADDS more info)", section="Industry", published="2023-05-11 14:20:31",
         paras=["Local shipbuilders will be able to hire about 5,000 additional foreign welders and painters this "
                "year after the government scraps a quota on skilled-worker visas, officials said Thursday.",
                *SHIP_COMMON,
                "The measures will take effect next week, and the first workers hired under the new rules are expected "
                "to arrive in July, the ministry said.",
                "Labor unions at major shipyards have voiced concerns that the influx of foreign workers could hold "
                "down wages, calling instead for better pay for subcontracted workers."],
         by="Lee Jun-ho", email="junho@yna.co.kr", keywords=["shipbuilding", "foreign workers"]),
    # next-day follow-up on the current account, a different story
    wire("AEN20230511003000320", "finmin-ca-outlook",
         "Finance ministry sees current account surplus continuing into Q2", section="Economy",
         published="2023-05-11 10:40:18",
         paras=[
             "South Korea's current account is expected to remain in surplus in the second quarter as energy import "
             "costs fall and dividend income rises, the finance ministry said Thursday.",
             "The ministry made the forecast in its monthly economic assessment, known as the Green Book, a day after "
             "data showed the current account swung to a surplus in March.",
             "\"Domestic demand is recovering mainly in services, but sluggish exports and investment continue to "
             "weigh on the economy,\" the ministry said.",
             "Consumer prices rose 3.7 percent on-year in April, slowing for the third straight month.",
             "The ministry said it will closely monitor risks from the U.S. banking sector and the debt ceiling "
             "standoff in Washington.",
         ],
         by="Park Soo-yeon", email="sypark@yna.co.kr", keywords=["Green Book", "current account"],
         related=["AEN20230510002900320"]),
    market_close(DAY, 54, "15:47:58", headline="Seoul shares close higher as inflation worries ease", direction="higher",
                 index=2507.65, points=10.84, won=1322.0, volume_mn=398),
    kospi200_list(DAY, 1, 61, "16:01:40"),
    kospi200_list(DAY, 2, 62, "16:01:44"),
    wire("AEN20230511007300315", "daegu-heat-advisory",
         "Early heat wave advisory issued for Daegu as temps near 33 C", section="National",
         published="2023-05-11 14:55:36", city="DAEGU",
         paras=[
             "The weather agency issued a heat wave advisory for Daegu and parts of North Gyeongsang Province on "
             "Thursday as daytime temperatures approached 33 C, the earliest such advisory this year.",
             "The Korea Meteorological Administration said highs will stay above 30 C in the southeastern region "
             "through Saturday.",
             "Health authorities urged the elderly and outdoor workers to avoid strenuous activity between 2 p.m. "
             "and 5 p.m.",
             "Last year, the first heat wave advisory was issued on June 24.",
         ],
         by="Lee Jun-ho", email="junho@yna.co.kr", keywords=["weather", "heat wave"]),
    wire("AEN20230511008800315", "seoul-phil-europe-tour",
         "Seoul Philharmonic to tour Europe in October", section="Culture", published="2023-05-11 17:40:11",
         paras=[
             "The Seoul Philharmonic Orchestra will tour five European cities in October, its first overseas tour in "
             "four years, the orchestra said Thursday.",
             "The orchestra will perform in Berlin, Vienna, Prague, Munich and Amsterdam from Oct. 12-24 under its "
             "music director.",
             "The program includes works by Korean composer Unsuk Chin as well as Mahler and Tchaikovsky.",
             "The orchestra last toured Europe in 2019.",
         ],
         by="Lee Jun-ho", email="junho@yna.co.kr", keywords=["classical music"]),
    wire("AEN20230511009500315", "kbo-lg-win-streak",
         "LG Twins extend winning streak to 6 with walk-off win over Kia", section="Sports",
         published="2023-05-11 22:15:09",
         paras=[
             "The LG Twins extended their winning streak to six games with a 5-4 walk-off victory over the Kia Tigers "
             "in the Korea Baseball Organization on Thursday.",
             "Pinch hitter Song Dae-hyun drove in the winning run with a single in the bottom of the 10th inning at "
             "Jamsil Baseball Stadium in Seoul.",
             "The Twins, with 21 wins and 11 losses, moved into a tie for first place with the SSG Landers, who lost "
             "to the Lotte Giants 3-2.",
             "Kia had taken a 4-2 lead in the eighth on a two-run homer, but LG tied the game in the ninth.",
         ],
         by="Oh Seung-jin", email="sjoh@yna.co.kr", keywords=["KBO", "baseball"]),
]
