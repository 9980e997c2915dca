"""Story grouping: one event from several outlets joins; other events, actors and follow-ups
stay apart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.analysis.stories import story_signature
from bot.analysis.story_index import StoryIndex
from bot.analysis.terms import stem, words
from bot.analysis.topics import tag
from bot.models import StoryCandidate

WINDOW = timedelta(hours=48)
T0 = datetime(2025, 7, 12, 8, 0, tzinfo=UTC)


def candidate(
    article_id: int, feed_id: int, title: str, lead: str, hours: float = 0.0
) -> StoryCandidate:
    moment = T0 + timedelta(hours=hours)
    return StoryCandidate(
        article_id=article_id,
        feed_id=feed_id,
        moment=moment,
        fetched_at=moment,
        countries=tag(title, lead).countries,
        signature=story_signature(title, lead),
    )


def stories(candidates: Sequence[StoryCandidate], window: timedelta = WINDOW) -> list[list[int]]:
    """Article ids grouped by story, taken in the order given, as the pipeline would."""
    index = StoryIndex(window=window)
    groups: dict[int, list[int]] = {}
    for item in candidates:
        groups.setdefault(index.assign(item), []).append(item.article_id)
    return sorted(groups.values())


# One event (a fictional dam deal), three outlets, three wordings.
DAM_A = candidate(
    1,
    10,
    "Egypt and Ethiopia sign deal on Nile dam after decade of dispute",
    "Egypt and Ethiopia signed an agreement in Addis Ababa on Friday on filling and operating "
    "the Grand Ethiopian Renaissance Dam, ending a decade-long dispute over Nile water.",
)
DAM_B_TEXT = (
    "Cairo, Addis Ababa reach agreement over Renaissance Dam",
    "Ethiopian and Egyptian leaders agreed on rules for filling the Grand Renaissance Dam on "
    "the Nile, officials said, after talks in the Ethiopian capital.",
)
DAM_B = candidate(2, 11, *DAM_B_TEXT, hours=3)
DAM_C = candidate(
    3,
    12,
    "Nile dam dispute: Ethiopia and Egypt strike deal",
    "After ten years of tension over the Grand Ethiopian Renaissance Dam, Ethiopia and Egypt "
    "struck a deal on Friday on how the reservoir on the Blue Nile will be filled.",
    hours=6,
)
# Two unrelated stories about Russia.
RUSSIA_GRAIN = candidate(
    4,
    11,
    "Russia raises wheat export quota as harvest beats forecasts",
    "Russia's agriculture ministry raised the wheat export quota for the second half of the "
    "year after a record harvest in the south of the country.",
    hours=1,
)
RUSSIA_SPACE = candidate(
    5,
    12,
    "Russian cosmonauts return to Earth after six months on space station",
    "Two Russian cosmonauts landed safely in the steppe of Kazakhstan on Saturday after six "
    "months aboard the International Space Station, Russia's space agency said.",
    hours=2,
)


def test_same_event_from_three_outlets_forms_one_story() -> None:
    assert stories([DAM_A, RUSSIA_GRAIN, RUSSIA_SPACE, DAM_B, DAM_C]) == [[1, 2, 3], [4], [5]]


def test_a_report_joins_the_story_of_the_earlier_report_of_its_event() -> None:
    index = StoryIndex(window=WINDOW)
    for item in (RUSSIA_GRAIN, DAM_A, RUSSIA_SPACE):
        index.assign(item)
    assert index.match(DAM_C) == DAM_A.article_id


def test_two_different_stories_about_one_country_do_not_match() -> None:
    assert stories([RUSSIA_GRAIN, RUSSIA_SPACE]) == [[4], [5]]


def test_one_feed_never_matches_itself() -> None:
    same_feed = candidate(6, DAM_A.feed_id, *DAM_B_TEXT, hours=3)
    assert stories([DAM_A, same_feed]) == [[1], [6]]


def test_reports_outside_the_window_are_separate_stories() -> None:
    late = candidate(7, 13, *DAM_B_TEXT, hours=72)
    assert stories([DAM_A, late]) == [[1], [7]]


def test_disjoint_countries_never_match_even_with_similar_wording() -> None:
    other_dam = candidate(
        8,
        13,
        "Brazil and Paraguay sign deal on dam after decade of dispute",
        "Brazil and Paraguay signed an agreement in Asuncion on Friday on filling and operating "
        "the Itaipu dam, ending a decade-long dispute over water.",
    )
    assert stories([DAM_A, other_dam]) == [[1], [8]]


def test_naive_timestamps_are_compared_as_utc() -> None:
    naive = datetime(2025, 7, 12, 9)  # 09:00 UTC, an hour after DAM_A
    undated = StoryCandidate(9, 14, naive, naive, DAM_B.countries, DAM_B.signature)
    index = StoryIndex(window=timedelta(hours=2))
    index.assign(DAM_A)
    assert index.match(undated) == DAM_A.article_id


KYIV_STRIKE = candidate(
    20,
    1,
    "Russian drones hit Kyiv apartment block, killing three",
    "Russia launched dozens of drones at Kyiv overnight, hitting an apartment block and killing "
    "three people, Ukrainian officials said on Sunday.",
)
REFINERY_STRIKE = candidate(
    21,
    2,
    "Ukraine strikes Russian oil refinery with long-range drones",
    "Ukrainian drones struck an oil refinery in Russia's Ryazan region overnight, causing a fire, "
    "the regional governor said on Sunday.",
    hours=1,
)
KYIV_STRIKE_REWORDED = candidate(
    22,
    3,
    "Three dead as drone strike hits residential building in Kyiv",
    "A Russian drone attack on the Ukrainian capital overnight killed three people and damaged "
    "a residential building, the city's mayor said.",
    hours=2,
)


def test_war_reports_join_by_event_not_by_the_countries_they_share() -> None:
    assert stories([KYIV_STRIKE, REFINERY_STRIKE, KYIV_STRIKE_REWORDED]) == [[20, 22], [21]]


# Sanctions: one package from two outlets, then another actor's measures a day later.
EU_PACKAGE = candidate(
    30,
    1,
    "EU agrees 18th sanctions package against Russia, lowers oil price cap",
    "European Union ambassadors on Friday approved an 18th package of sanctions against Russia, "
    "lowering the price cap on Russian crude to $47.60 and listing 105 more shadow fleet tankers.",
)
EU_PACKAGE_REWORDED = candidate(
    31,
    2,
    "Brussels lists 105 more tankers as EU states back new Russia measures",
    "The 27 EU member states signed off on an 18th round of sanctions on Moscow, adding 105 "
    "vessels of the shadow fleet and cutting the oil price cap to $47.60 a barrel.",
    hours=2,
)
US_TANKERS = candidate(
    32,
    3,
    "US Treasury widens sanctions on tankers",
    "The US Treasury on Saturday imposed sanctions on 22 tankers and three shipping firms that "
    "carried Russian oil, a day after the European Union adopted its own package.",
    hours=24,
)
UK_SAME_DAY = candidate(
    33,
    4,
    "Britain sanctions 135 shadow fleet tankers carrying Russian oil",
    "The United Kingdom on Friday sanctioned 135 oil tankers of Russia's shadow fleet and two "
    "traders, the Foreign Office said, in coordination with Canada and New Zealand.",
    hours=3,
)


def test_another_actor_widening_sanctions_a_day_later_is_a_new_story() -> None:
    assert stories([EU_PACKAGE, EU_PACKAGE_REWORDED, US_TANKERS]) == [[30, 31], [32]]


def test_another_actor_taking_the_same_step_the_same_day_is_a_new_story() -> None:
    assert stories([EU_PACKAGE, UK_SAME_DAY]) == [[30], [33]]


WATER_CANNON = candidate(
    40,
    1,
    "Chinese coast guard fires water cannon at Philippine supply boat",
    "A Chinese coast guard ship fired a water cannon at a Philippine supply boat near Second "
    "Thomas Shoal on Tuesday, injuring four sailors, the Philippine military said.",
)
WATER_CANNON_REWORDED = candidate(
    41,
    2,
    "Four Filipino sailors hurt as China blasts resupply mission at Second Thomas Shoal",
    "Four Filipino navy personnel were injured when a China Coast Guard vessel blasted a "
    "resupply boat with water cannon near Second Thomas Shoal, Manila said on Tuesday.",
    hours=2,
)
ENVOY_SUMMONED = candidate(
    42,
    3,
    "Manila summons Chinese ambassador over water cannon attack at Second Thomas Shoal",
    "The Philippine foreign ministry on Wednesday summoned China's ambassador and lodged a "
    "protest over Tuesday's water cannon attack near Second Thomas Shoal that hurt four sailors.",
    hours=26,
)


def test_a_follow_up_decision_a_day_later_is_a_new_story() -> None:
    assert stories([WATER_CANNON, WATER_CANNON_REWORDED, ENVOY_SUMMONED]) == [[40, 41], [42]]


def test_evicted_articles_no_longer_match_and_the_rest_still_do() -> None:
    index = StoryIndex(window=WINDOW)
    index.assign(DAM_A)
    index.assign(RUSSIA_GRAIN)
    assert index.evict(DAM_A.fetched_at + timedelta(minutes=30)) == 1
    assert DAM_A.article_id not in index
    assert index.match(DAM_B) is None
    reworded = candidate(
        51,
        21,
        "Moscow lifts wheat export quota after record harvest",
        "Russia raised its quota for wheat exports for the second half of the year after a "
        "record harvest in the south, the agriculture ministry said.",
        hours=1,
    )
    assert index.match(reworded) == RUSSIA_GRAIN.article_id


def test_one_stemmer_brings_word_forms_together() -> None:
    assert {stem(w) for w in ("sanctions", "sanctioned", "sanctioning")} == {"sanction"}
    assert words("Moscow's 547,000 barrels, up 10.5%") == [
        "Moscow's",
        "547,000",
        "barrels",
        "up",
        "10.5",
    ]


def test_a_term_that_left_the_window_comes_back_with_a_new_article() -> None:
    index = StoryIndex(window=WINDOW)
    for item in (RUSSIA_GRAIN, RUSSIA_SPACE, KYIV_STRIKE_REWORDED, DAM_C):
        index.assign(item)
    assert index.evict(RUSSIA_GRAIN.fetched_at + timedelta(minutes=1)) == 1
    reworded = candidate(
        52,
        22,
        "Moscow lifts wheat export quota after record harvest",
        "Russia raised its quota for wheat exports for the second half of the year after a "
        "record harvest in the south, the agriculture ministry said.",
        hours=2,
    )
    assert index.assign(reworded) == 52
    assert index.match(replace(reworded, article_id=53, feed_id=23)) == 52
