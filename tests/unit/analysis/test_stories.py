"""Story clustering: one event from several outlets joins, different events stay apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.analysis.stories import StoryCandidate, cluster, match_story

WINDOW = timedelta(hours=48)
T0 = datetime(2025, 7, 12, 8, 0, tzinfo=UTC)


def candidate(
    article_id: int,
    feed_id: int,
    title: str,
    lead: str,
    countries: tuple[str, ...],
    hours: float = 0.0,
) -> StoryCandidate:
    return StoryCandidate(article_id, feed_id, title, lead, countries, T0 + timedelta(hours=hours))


# One event (a fictional dam deal), three outlets, three wordings.
DAM_A = candidate(
    1,
    10,
    "Egypt and Ethiopia sign deal on Nile dam after decade of dispute",
    "Egypt and Ethiopia signed an agreement in Addis Ababa on Friday on filling and operating "
    "the Grand Ethiopian Renaissance Dam, ending a decade-long dispute over Nile water.",
    ("EG", "ET"),
)
DAM_B = candidate(
    2,
    11,
    "Cairo, Addis Ababa reach agreement over Renaissance Dam",
    "Ethiopian and Egyptian leaders agreed on rules for filling the Grand Renaissance Dam on "
    "the Nile, officials said, after talks in the Ethiopian capital.",
    ("EG", "ET"),
    hours=3,
)
DAM_C = candidate(
    3,
    12,
    "Nile dam dispute: Ethiopia and Egypt strike deal",
    "After ten years of tension over the Grand Ethiopian Renaissance Dam, Ethiopia and Egypt "
    "struck a deal on Friday on how the reservoir on the Blue Nile will be filled.",
    ("ET", "EG"),
    hours=6,
)
# Two unrelated stories about Russia.
RUSSIA_GRAIN = candidate(
    4,
    11,
    "Russia raises wheat export quota as harvest beats forecasts",
    "Russia's agriculture ministry raised the wheat export quota for the second half of the "
    "year after a record harvest in the south of the country.",
    ("RU",),
    hours=1,
)
RUSSIA_SPACE = candidate(
    5,
    12,
    "Russian cosmonauts return to Earth after six months on space station",
    "Two Russian cosmonauts landed safely in the steppe of Kazakhstan on Saturday after six "
    "months aboard the International Space Station, Russia's space agency said.",
    ("RU", "KZ"),
    hours=2,
)


def test_same_event_from_three_outlets_forms_one_story() -> None:
    stories = cluster([DAM_A, DAM_B, DAM_C, RUSSIA_GRAIN, RUSSIA_SPACE], window=WINDOW)

    assert sorted(map(sorted, stories)) == [[1, 2, 3], [4], [5]]


def test_match_finds_the_earlier_report_of_the_same_event() -> None:
    assert match_story(DAM_C, [RUSSIA_GRAIN, DAM_A, RUSSIA_SPACE], window=WINDOW) == DAM_A


def test_two_different_stories_about_one_country_do_not_match() -> None:
    assert match_story(RUSSIA_SPACE, [RUSSIA_GRAIN], window=WINDOW) is None


def test_same_feed_never_matches_itself() -> None:
    same_feed = candidate(6, DAM_A.feed_id, DAM_B.title, DAM_B.lead, DAM_B.countries)

    assert match_story(same_feed, [DAM_A], window=WINDOW) is None


def test_reports_outside_the_window_are_separate_stories() -> None:
    late = candidate(7, 13, DAM_B.title, DAM_B.lead, DAM_B.countries, hours=72)

    assert match_story(late, [DAM_A], window=WINDOW) is None
    assert match_story(late, [DAM_A], window=timedelta(hours=96)) == DAM_A


def test_disjoint_countries_never_match_even_with_similar_wording() -> None:
    other_dam = candidate(
        8,
        13,
        "Brazil and Paraguay sign deal on dam after decade of dispute",
        DAM_A.lead,
        ("BR", "PY"),
    )

    assert match_story(other_dam, [DAM_A], window=WINDOW) is None


def test_naive_timestamps_are_compared_as_utc() -> None:
    naive = StoryCandidate(
        9, 14, DAM_B.title, DAM_B.lead, DAM_B.countries, datetime(2025, 7, 12, 9)
    )

    assert match_story(naive, [DAM_A], window=WINDOW) == DAM_A


KYIV_STRIKE = candidate(
    20,
    1,
    "Russian drones hit Kyiv apartment block, killing three",
    "Russia launched dozens of drones at Kyiv overnight, hitting an apartment block and killing "
    "three people, Ukrainian officials said on Sunday.",
    ("RU", "UA"),
)
REFINERY_STRIKE = candidate(
    21,
    2,
    "Ukraine strikes Russian oil refinery with long-range drones",
    "Ukrainian drones struck an oil refinery in Russia's Ryazan region overnight, causing a fire, "
    "the regional governor said on Sunday.",
    ("UA", "RU"),
    hours=1,
)
KYIV_STRIKE_REWORDED = candidate(
    22,
    3,
    "Three dead as drone strike hits residential building in Kyiv",
    "A Russian drone attack on the Ukrainian capital overnight killed three people and damaged "
    "a residential building, the city's mayor said.",
    ("UA", "RU"),
    hours=2,
)


def test_war_reports_join_by_event_not_by_the_countries_they_share() -> None:
    stories = cluster([KYIV_STRIKE, REFINERY_STRIKE, KYIV_STRIKE_REWORDED], window=WINDOW)

    assert sorted(map(sorted, stories)) == [[20, 22], [21]]
