"""Three days of AP-style wire copy for the replay, written for this project (invented people and places).

What they exercise: in-place edits (a river crest updated twice, a budget vote updated, a wildfire grown),
a correction note, an editor's note, a slug changed in place, two stories re-topped hours later under new
urls with a new lead over most of the earlier text (for grouping across urls on text), look-alike market
stories that are different stories, subheads, photo galleries, related-coverage lists.
"""
from __future__ import annotations

from datetime import date

from pipelines.sources.apnews.replay.model import SUBHEAD, Article, Night, State, utc

# --- 2024-05-14 ---------------------------------------------------------------------------------------

RIVER_1 = (
    "The Cottonwood River was expected to crest about 4 feet above flood stage in this farm town Tuesday, "
    "and volunteers spent the night stacking sandbags along a levee that was last overtopped in 1993.",
    "County officials asked about 300 residents of the low-lying east side to leave their homes by noon. "
    "A shelter opened in the high school gym, where cots were set out under the basketball hoops.",
    "“We have done everything we can do with sand and plastic,” said Emergency Management Director Dana "
    "Whitlock. “Now we watch the gauges and hope the rain to the north holds off.”",
    "Three days of storms dropped more than 7 inches of rain across the upper basin last week.",
)
RIVER_2 = (
    "The Cottonwood River crested about 5 feet above flood stage in this farm town Tuesday, a foot higher "
    "than forecast, pushing water over a low section of levee and into a neighborhood on the east side.",
    "County officials had asked about 300 residents of the low-lying area to leave their homes by noon, and "
    "no injuries were reported. A shelter opened in the high school gym, where cots were set out under the "
    "basketball hoops.",
    "“We have done everything we can do with sand and plastic,” said Emergency Management Director Dana "
    "Whitlock. “The water found the one place we could not get to in time.”",
    SUBHEAD + "Rain upstream",
    "Three days of storms dropped more than 7 inches of rain across the upper basin last week, and the "
    "National Weather Service said the river would stay above flood stage until at least Friday.",
    "Gov. Ellen Marsh said she would ask for a federal disaster declaration once the water recedes.",
)
RIVER_3 = RIVER_2[:2] + (
    "“We have done everything we can do with sand and plastic,” said Emergency Management Director Dana "
    "Whitlock. “The water found the one place we could not get to in time.” Crews began pumping the "
    "neighborhood dry Tuesday evening.",
) + RIVER_2[3:]

BUDGET_1 = (
    "The Senate voted 71-26 late Tuesday to keep the government funded for six more weeks, sending the "
    "stopgap bill to the House with three days left before money runs out for most federal agencies.",
    "The measure holds spending at current levels and adds $2 billion for wildfire response, a provision "
    "senators from Western states had pressed for since spring.",
    "House leaders said they expected a vote Thursday.",
)
BUDGET_2 = (
    "The Senate voted 71-26 late Tuesday to keep the government funded for six more weeks, sending the "
    "stopgap bill to the House with three days left before money runs out for most federal agencies.",
    "The measure holds spending at current levels and adds $2 billion for wildfire response, a provision "
    "senators from Western states had pressed for since spring.",
    "House Speaker Mark Delaney said late Tuesday that the House would vote Thursday morning and that he "
    "expected the bill to pass with support from both parties.",
    "“Nobody gets everything they want in six weeks,” Delaney told reporters outside the chamber. “But "
    "nobody gets a shutdown either.”",
    "A group of conservative House members said they would oppose the bill because it does not cut spending.",
)

CHIPS = (
    "Shares of Halvorsen Semiconductor jumped 9% in early trading Tuesday after the chipmaker reported "
    "quarterly revenue well above analysts’ forecasts, driven by demand for processors used in data centers.",
    "The company said revenue rose 38% from a year earlier to $4.1 billion and raised its outlook for the "
    "rest of the year.",
    "“Customers are still building as fast as we can ship,” Chief Executive Rita Oyelaran said on a call "
    "with analysts.",
    "The results lifted other chip stocks as well, and the Nasdaq composite rose 0.8% by midday.",
)

QUAKE_1 = (
    "A magnitude 6.4 earthquake shook southern Peru early Tuesday, cracking walls in colonial churches and "
    "cutting power to tens of thousands of homes, authorities said.",
    "The quake struck at a depth of about 40 kilometers (25 miles) near the town of Acarí, according to the "
    "U.S. Geological Survey. It was felt as far away as Lima, more than 450 kilometers (280 miles) to the north.",
    "Civil defense officials said at least 12 people were injured, most by falling debris.",
    "President Rosa Villanueva said on social media that the government was sending rescue teams and "
    "generators to the region.",
    "Peru sits on the Pacific “Ring of Fire,” where a large share of the world’s earthquakes occur.",
)

# --- 2024-05-15 ---------------------------------------------------------------------------------------

QUAKE_2 = (
    "A magnitude 6.4 earthquake shook southern Peru early Tuesday, killing at least four people, cracking walls "
    "in colonial churches and cutting power to tens of thousands of homes, authorities said.",
    "The quake struck at a depth of about 40 kilometers (25 miles) near the town of Acarí, according to the "
    "U.S. Geological Survey. It was felt as far away as Lima, more than 450 kilometers (280 miles) to the north.",
    "Civil defense officials said at least 31 people were injured, most by falling debris, and that rescue "
    "teams were searching a collapsed market in Acarí.",
    "President Rosa Villanueva said on social media that the government was sending rescue teams and "
    "generators to the region.",
    "Peru sits on the Pacific “Ring of Fire,” where a large share of the world’s earthquakes occur.",
)

MARATHON = (
    "Kenyan runner Faith Chelimo broke the course record at the Riverside Marathon on Wednesday, finishing "
    "in 2 hours, 18 minutes and 4 seconds on a cool, windless morning.",
    "Chelimo pulled away from a lead pack of five runners shortly after the 30-kilometer mark and ran the "
    "last 10 kilometers alone.",
    "“I felt the record was there when I saw the flags were not moving,” she said.",
    "The men’s race was won by Tadesse Bekele of Ethiopia in 2:06:41.",
)

MUSEUM = (
    "A museum in Ohio returned 14 ceremonial objects to the Ojibwe nation on Wednesday, ending a request for "
    "their return that tribal leaders first made more than 20 years ago.",
    "The objects, including two drums and a beaded bandolier bag, had been in the collection of the Lake "
    "Erie Museum of History since the 1930s.",
    "“These are not artifacts to us. They are relatives coming home,” said tribal historian Joseph Aubid.",
    "The museum said it was reviewing the rest of its collection under a federal rule that took effect this year.",
)

FIRE_1 = (
    "A wildfire driven by dry winds burned across 2,000 acres of grass and oak woodland in Northern California "
    "on Wednesday, forcing the evacuation of about 1,200 homes.",
    "The Ridge Fire started shortly after noon near a highway rest area and was 5% contained by evening, "
    "according to the state fire agency.",
    "No injuries were reported.",
)
FIRE_2 = (
    "A wildfire driven by dry winds burned across 6,500 acres of grass and oak woodland in Northern California "
    "on Wednesday, forcing the evacuation of about 3,000 homes and destroying at least 11 buildings.",
    "The Ridge Fire started shortly after noon near a highway rest area and was 5% contained by evening, "
    "according to the state fire agency.",
    "Firefighters from four counties worked through the night to keep the flames from crossing a ridge "
    "above the town of Valle Verde.",
    "No injuries were reported. The cause of the fire is under investigation.",
)

# --- 2024-05-16 ---------------------------------------------------------------------------------------

FIRE_3 = (
    "Firefighters held a Northern California wildfire in check overnight as cooler air moved in Thursday "
    "morning, though thousands of people remained out of their homes.",
    "The fire, driven by dry winds, burned across 6,800 acres of grass and oak woodland on Wednesday, forcing "
    "the evacuation of about 3,000 homes and destroying at least 11 buildings.",
    "The Ridge Fire started shortly after noon near a highway rest area and was 15% contained by Thursday "
    "morning, according to the state fire agency.",
    "Firefighters from four counties worked through the night to keep the flames from crossing a ridge "
    "above the town of Valle Verde.",
    "No injuries were reported. The cause of the fire is under investigation.",
)

RATES = (
    "The Federal Reserve left its key interest rate unchanged Thursday and signaled it would wait for more "
    "evidence that inflation is cooling before it cuts borrowing costs.",
    "Policymakers voted unanimously to keep the benchmark rate in a range of 5.25% to 5.5%, where it has "
    "been since last July.",
    SUBHEAD + "What it means for borrowers",
    "Rates on mortgages, auto loans and credit cards are likely to stay high through the summer.",
    "“The economy is in a good place, and that gives us time,” Chair Laura Jensen said at a news conference.",
)

MARKETS_OPEN = (
    "Stocks opened higher on Wall Street on Thursday as investors waited for the Federal Reserve’s decision "
    "on interest rates.",
    "The S&P 500 rose 0.3% in the first few minutes of trading. The Dow Jones Industrial Average rose "
    "90 points, and the Nasdaq composite gained 0.4%.",
    "Treasury yields eased in the bond market.",
)
MARKETS_CLOSE = (
    "Stocks ended mixed on Wall Street on Thursday after the Federal Reserve held interest rates steady and "
    "said it was in no hurry to cut them.",
    "The S&P 500 slipped 0.1%. The Dow Jones Industrial Average added 35 points, while the Nasdaq composite "
    "fell 0.2%.",
    "Energy stocks fell along with the price of crude oil, which dropped 1.3%.",
)

VACCINE_1 = (
    "Federal health officials on Thursday recommended an updated flu vaccine for everyone 6 months and older, "
    "saying this season’s shots are better matched to the strains now spreading.",
    "An advisory panel of the Centers for Disease Control and Prevention voted 13-0 for the recommendation.",
    "Pharmacies are expected to start offering the shots in late August.",
)
VACCINE_2 = VACCINE_1[:2] + (
    "Pharmacies are expected to start offering the shots in late August, and most insurance plans cover them "
    "without a copay.",
    "The panel also discussed a combined flu and COVID-19 shot, which is still being tested.",
)


def articles() -> list[Article]:
    return [
        Article(
            key="river", story_key="river-flood", slug="cottonwood-river-flood-levee-iowa", section="U.S. News",
            hubs=("ap-top-news", "us-news"), place="MILLBROOK, Iowa", authors=("JOANNA PRICE", "LUIS ORTEGA"),
            contributors="Associated Press writer Kim Sato in Des Moines contributed to this report.",
            related=("budget",),
            video_caption="Volunteers filled sandbags overnight as the river rose.",
            states=(
                State(utc("2024-05-14 09:12:40"), "Iowa town braces as Cottonwood River nears crest", RIVER_1,
                      captions=("Volunteers stack sandbags along a levee in Millbrook, Iowa, Tuesday, May 14, "
                                "2024. (AP Photo/Ann Becker)",)),
                State(utc("2024-05-14 15:47:02"), "Cottonwood River tops levee in Iowa town, flooding east side",
                      RIVER_2, slug="cottonwood-river-levee-overtopped-millbrook",
                      shown_headline="River tops levee in Iowa farm town, flooding a neighborhood",
                      captions=("Volunteers stack sandbags along a levee in Millbrook, Iowa, Tuesday, May 14, "
                                "2024. (AP Photo/Ann Becker)",
                                "Water covers a street on the east side of Millbrook, Iowa, Tuesday, May 14, "
                                "2024. (AP Photo/Ann Becker)")),
                State(utc("2024-05-14 21:05:30"), "Cottonwood River tops levee in Iowa town, flooding east side",
                      RIVER_3, captions=("Volunteers stack sandbags along a levee in Millbrook, Iowa, Tuesday, "
                                         "May 14, 2024. (AP Photo/Ann Becker)",
                                         "Water covers a street on the east side of Millbrook, Iowa, Tuesday, "
                                         "May 14, 2024. (AP Photo/Ann Becker)"),
                      note="This story has been corrected to show that the levee was last overtopped in 1993, "
                           "not 1983."),
            )),
        Article(
            key="budget", story_key="stopgap-bill", slug="senate-stopgap-spending-bill-shutdown",
            section="Politics", hubs=("ap-top-news", "politics"), place="WASHINGTON", authors=("MARY KELLER",),
            states=(
                State(utc("2024-05-14 23:58:10"), "Senate passes six-week spending bill to avert shutdown", BUDGET_1),
                State(utc("2024-05-15 01:20:44"), "Senate passes six-week spending bill, House vote set for Thursday",
                      BUDGET_2, captions=("The U.S. Capitol is seen at dusk in Washington, Tuesday, May 14, 2024. "
                                          "(AP Photo/Tom Grady)",)),
            )),
        Article(
            key="chips", story_key="halvorsen-earnings", slug="halvorsen-semiconductor-earnings-stock",
            section="Business", hubs=("business", "technology"), place="NEW YORK", authors=("DEV PATEL",),
            states=(State(utc("2024-05-14 14:03:55"), "Chipmaker Halvorsen’s shares jump after strong quarter",
                          CHIPS),)),
        Article(
            key="quake", story_key="peru-quake", slug="peru-earthquake-acari-injured",
            section="World News", hubs=("ap-top-news", "world-news"), place="LIMA, Peru", authors=("CARLA RÍOS",),
            states=(State(utc("2024-05-14 11:40:00"), "Strong earthquake shakes southern Peru, injuring at least 12",
                          QUAKE_1, captions=("A damaged church wall is seen in Acarí, Peru, Tuesday, May 14, 2024. "
                                             "(AP Photo/Jorge Salas)",)),)),
        Article(
            key="quake-retop", story_key="peru-quake", slug="peru-earthquake-rescue-market-acari",
            section="World News", hubs=("ap-top-news", "world-news"), place="LIMA, Peru",
            authors=("CARLA RÍOS", "FRANCO MENDOZA"), related=("quake",),
            states=(State(utc("2024-05-14 19:05:18"), "Peru earthquake kills at least 4 and injures dozens",
                          QUAKE_2, captions=("Rescuers search a collapsed market in Acarí, Peru, Tuesday, May 14, "
                                             "2024. (AP Photo/Jorge Salas)",)),)),
        # --- 2024-05-15
        Article(
            key="marathon", story_key="riverside-marathon", slug="riverside-marathon-record",
            section="Sports", hubs=("sports",), place="RIVERSIDE, Calif.", authors=(),
            states=(
                State(utc("2024-05-15 15:10:09"), "Chelimo breaks course record at Riverside Marathon", MARATHON),
                State(utc("2024-05-15 18:31:47"), "Chelimo breaks course record at Riverside Marathon", MARATHON,
                      slug="faith-chelimo-riverside-marathon-course-record",
                      captions=("Faith Chelimo crosses the finish line in Riverside, Calif., Wednesday, May 15, "
                                "2024. (AP Photo/Sam Ortiz)",)),
            )),
        Article(
            key="museum", story_key="ojibwe-repatriation", slug="ojibwe-museum-repatriation-ohio",
            section="Culture", hubs=("us-news",), place="CLEVELAND", authors=("ANNA BERG",),
            editors_note="EDITOR’S NOTE — This story includes a description of sacred objects at the request "
                         "of the tribe.",
            states=(State(utc("2024-05-15 19:45:00"), "Ohio museum returns sacred objects to Ojibwe nation",
                          MUSEUM),)),
        Article(
            key="fire", story_key="ridge-fire", slug="ridge-fire-california-evacuations",
            section="U.S. News", hubs=("ap-top-news", "us-news"), place="VALLE VERDE, Calif.",
            authors=("OLIVIA GRANT",),
            contributors="Associated Press writer Ben Ito in Sacramento contributed to this report.",
            states=(
                State(utc("2024-05-15 21:30:00"), "Wildfire forces evacuations in Northern California", FIRE_1),
                State(utc("2024-05-16 03:15:12"), "Wildfire grows to 6,500 acres, destroys buildings in California",
                      FIRE_2, captions=("Flames burn along a ridge near Valle Verde, Calif., Wednesday, May 15, "
                                        "2024. (AP Photo/Noah Kim)",)),
            )),
        # --- 2024-05-16
        Article(
            key="fire-retop", story_key="ridge-fire", slug="ridge-fire-containment-rain",
            section="U.S. News", hubs=("us-news",), place="VALLE VERDE, Calif.", authors=("OLIVIA GRANT",),
            related=("fire",),
            states=(State(utc("2024-05-16 09:05:41"), "Crews hold Northern California wildfire overnight", FIRE_3),)),
        Article(
            key="rates", story_key="fed-holds", slug="federal-reserve-interest-rates-inflation",
            section="Business", hubs=("ap-top-news", "business"), place="WASHINGTON",
            authors=("PAUL WESTON",),
            states=(State(utc("2024-05-16 18:00:30"), "Fed holds rates steady, signals patience on cuts", RATES),)),
        Article(
            key="markets-open", story_key="markets-open", slug="stock-market-today-wall-street-open",
            section="Business", hubs=("business",), place="NEW YORK", authors=(),
            states=(State(utc("2024-05-16 13:35:00"), "Stock market today: Wall Street opens higher before Fed",
                          MARKETS_OPEN),)),
        Article(
            key="markets-close", story_key="markets-close", slug="stock-market-today-wall-street-close",
            section="Business", hubs=("business",), place="NEW YORK", authors=(),
            states=(State(utc("2024-05-16 20:10:00"), "Stock market today: Wall Street ends mixed after Fed",
                          MARKETS_CLOSE),)),
        Article(
            key="vaccine", story_key="flu-vaccine", slug="flu-vaccine-cdc-recommendation",
            section="Health", hubs=("health",), place="ATLANTA", authors=("LENA MORROW",),
            states=(
                State(utc("2024-05-16 16:02:00"), "CDC advisers back updated flu shots for everyone 6 months and up",
                      VACCINE_1),
                State(utc("2024-05-16 19:44:20"), "CDC advisers back updated flu shots for everyone 6 months and up",
                      VACCINE_2, note="This story has been updated to add details about insurance coverage and "
                                      "a combined shot."),
            )),
    ]


def nights() -> list[Night]:
    """The written days (UTC), oldest first, articles by publication time."""
    days: dict[date, Night] = {}
    for article in articles():
        day = article.published.date()
        days.setdefault(day, Night(day)).articles.append(article)
    for night in days.values():
        night.articles.sort(key=lambda a: (a.published, a.key))
    return [days[d] for d in sorted(days)]
