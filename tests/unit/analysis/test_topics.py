"""Tags and geopolitics relevance: what a chat following countries or themes would notice."""

from __future__ import annotations

import json
from typing import Any

import pytest

from benchmarks.eval_split import is_held_out
from bot.analysis.topics import country_name, describe, matches, resolve_follow, tag
from bot.models import Follow, FollowKind, Tags
from tests.paths import FIXTURES

THRESHOLD = 0.5  # Settings.relevance_threshold default
NEAR_ZERO = 0.1  # sport, celebrity and gadgets stay far below the threshold

FOOTBALL = (
    "England beat Spain 2-1 at Wembley",
    "England came from behind to beat Spain 2-1 in a friendly at Wembley on Saturday night. "
    "Harry Kane equalised from the penalty spot before half-time and Bukayo Saka scored the "
    "winner with ten minutes left. Spain's coach said his side had dominated the first half "
    "but lacked a cutting edge in front of goal. The England manager praised the squad's "
    "character and said the result would give the players confidence ahead of the tournament.",
)
WEDDING = (
    "Pop star marries actor in lavish Italian wedding",
    "The pop star and her actor boyfriend married on Saturday in a lavish ceremony at a villa "
    "on Lake Como in Italy. Guests included several Hollywood stars and a famous fashion "
    "designer, who made the bride's gown. The couple, who got engaged last year, shared photos "
    "of the wedding on Instagram. They will honeymoon on the Amalfi coast.",
)
PHONE = (
    "Samsung unveils new Galaxy phone with bigger battery",
    "Samsung has launched its latest Galaxy smartphone in South Korea and the United States, "
    "with a brighter display, a faster processor and a bigger battery. The phone's main camera "
    "now has 200 megapixels. It will be available for pre-order from Friday, priced at $999, "
    "and in stores across Europe and India next month.",
)
SANCTIONS = (
    "Kremlin rejects US sanctions threat",
    "Moscow rejected on Tuesday a threat by Washington to impose new sanctions on Russian "
    "energy exports. Kremlin spokesman Dmitry Peskov told reporters that Russia would not bow "
    "to pressure and would keep selling oil to India and China. The US Treasury said the "
    "measures would target tankers used to evade the price cap agreed by the G7. Foreign "
    "Minister Sergey Lavrov is due to meet his Indian counterpart in New Delhi next week.",
)
THANKSGIVING = (
    "How to roast the perfect Thanksgiving turkey",
    "Roasting a Turkey is easier than it looks. Chad, a chef from Georgia, recommends cooking "
    "it at a low temperature. Jordan, his sister, prefers to deep-fry it in the garden.",
)


def rt_article() -> tuple[str, str]:
    page = (FIXTURES / "rt-india-russia-page.txt").read_text(encoding="utf-8")
    article = page.partition("\nHashtags")[0]
    return article.split("\n", 1)[0], article


def test_rt_india_russia_article_is_geopolitics_about_india_and_russia() -> None:
    tags = tag(*rt_article())

    assert {"IN", "RU"} <= set(tags.countries[:2])
    assert tags.geopolitics >= THRESHOLD
    assert {"BRICS", "SCO", "UN"} <= set(tags.organizations)
    assert "diplomacy" in tags.themes


def test_state_news_names_countries_by_capitals_and_demonyms() -> None:
    tags = tag(*SANCTIONS)

    assert tags.countries[:2] == ("RU", "US")
    assert {"IN", "CN"} <= set(tags.countries)
    assert tags.organizations == ("G7",)
    assert "sanctions" in tags.themes
    assert tags.geopolitics >= THRESHOLD


@pytest.mark.parametrize(
    "article", [FOOTBALL, WEDDING, PHONE], ids=["sport", "celebrity", "gadget"]
)
def test_sport_celebrity_and_gadget_news_is_not_geopolitics(article: tuple[str, str]) -> None:
    tags = tag(*article)

    assert tags.countries  # countries are named...
    assert tags.geopolitics < THRESHOLD  # ...but the story is not about relations between them


def test_names_that_are_not_countries_here_are_not_tagged() -> None:
    tags = tag(*THANKSGIVING)

    assert tags.countries == ()


def test_ambiguous_name_counts_when_the_country_is_named_unambiguously() -> None:
    tags = tag(
        "Protests in Tbilisi",
        "Police in Tbilisi dispersed protesters. Georgia's government said the rally was illegal.",
    )

    assert tags.countries == ("GE",)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("India", Follow(FollowKind.COUNTRY, "IN")),
        ("IN", Follow(FollowKind.COUNTRY, "IN")),
        ("US", Follow(FollowKind.COUNTRY, "US")),
        ("DE", Follow(FollowKind.COUNTRY, "DE")),
        # Two letters are a country only as a code in capitals, and never AI or IT.
        ("in", Follow(FollowKind.KEYWORD, "in")),
        ("us", Follow(FollowKind.KEYWORD, "us")),
        ("AI", Follow(FollowKind.KEYWORD, "ai")),
        ("IT", Follow(FollowKind.KEYWORD, "it")),
        ("it", Follow(FollowKind.KEYWORD, "it")),
        ("Anguilla", Follow(FollowKind.COUNTRY, "AI")),
        ("Italy", Follow(FollowKind.COUNTRY, "IT")),
        ("EU", Follow(FollowKind.ORGANIZATION, "EU")),
        ("Kremlin", Follow(FollowKind.COUNTRY, "RU")),
        ("Indian", Follow(FollowKind.COUNTRY, "IN")),
        ("  north   korea ", Follow(FollowKind.COUNTRY, "KP")),
        ("nato", Follow(FollowKind.ORGANIZATION, "NATO")),
        ("NATO", Follow(FollowKind.ORGANIZATION, "NATO")),
        ("European Union", Follow(FollowKind.ORGANIZATION, "EU")),
        ("sanctions", Follow(FollowKind.THEME, "sanctions")),
        ("Human Rights", Follow(FollowKind.THEME, "human rights")),
        ("Rare Earths", Follow(FollowKind.KEYWORD, "rare earths")),
    ],
)
def test_resolve_follow(term: str, expected: Follow) -> None:
    assert resolve_follow(term) == expected


def test_resolve_follow_rejects_blank_terms() -> None:
    assert resolve_follow("   ") is None


def test_describe_follow_for_display() -> None:
    assert describe(Follow(FollowKind.COUNTRY, "IN")) == "India (IN)"
    assert describe(Follow(FollowKind.COUNTRY, "RU")) == "Russia (RU)"
    assert describe(Follow(FollowKind.ORGANIZATION, "NATO")) == "NATO"
    assert describe(Follow(FollowKind.THEME, "sanctions")) == "sanctions"


def test_matches_follows_against_tags_and_keywords() -> None:
    tags = Tags(countries=("RU", "US"), organizations=("G7",), themes=("sanctions",))
    title, text = SANCTIONS

    assert matches([], tags, title, text)
    assert matches([Follow(FollowKind.COUNTRY, "RU")], tags, title, text)
    assert matches([Follow(FollowKind.ORGANIZATION, "G7")], tags, title, text)
    assert matches([Follow(FollowKind.THEME, "sanctions")], tags, title, text)
    assert matches([Follow(FollowKind.KEYWORD, "peskov")], tags, title, text)
    assert not matches([Follow(FollowKind.COUNTRY, "FR")], tags, title, text)
    # Keywords match whole words only: "oil" is in the text, "oi" is not a word of it.
    assert matches([Follow(FollowKind.KEYWORD, "oil")], tags, title, text)
    assert not matches([Follow(FollowKind.KEYWORD, "oi")], tags, title, text)
    assert matches(
        [Follow(FollowKind.COUNTRY, "FR"), Follow(FollowKind.KEYWORD, "price cap")],
        tags,
        title,
        text,
    )


CEASEFIRE = (
    "Hamas agrees to ceasefire in Gaza",
    "The ceasefire between Israel and Hamas agreed on Wednesday is due to take effect on Sunday "
    "morning, mediators in Doha said, after weeks of talks over the release of hostages held in "
    "Gaza and of Palestinian prisoners. "
    + "Under the first phase of the deal, aid trucks will enter Gaza through the Rafah crossing "
    "and displaced Palestinians will be allowed to return to their homes in the north of Gaza. "
    * 3
    + "Qatar and Egypt, which mediated the talks with the United States, will monitor the "
    "ceasefire from a joint center in Cairo, and Qatar's prime minister said Qatar expected the "
    "second phase to begin within six weeks. Palestinians in Gaza celebrated in the streets. " * 2,
)
POLISH_QUOTE = (
    "Foreign minister summons Belarusian envoy over border incident",
    "“Poland will not accept provocations on its border,” the foreign minister told reporters "
    "on Tuesday, after soldiers said they had been shot at from the Belarusian side. "
    + "Belarusian officials denied the claim and said their troops had only fired flares to "
    "warn off smugglers near the border crossing. " * 6,
)


@pytest.mark.parametrize(
    ("article", "country"),
    [(CEASEFIRE, "IL"), (POLISH_QUOTE, "PL")],
    ids=["ceasefire", "minister's quote"],
)
def test_a_country_in_the_lead_is_kept_when_named_once(
    article: tuple[str, str], country: str
) -> None:
    assert len(article[1].split()) > 150  # long enough for passing mentions to be dropped

    assert country in tag(*article).countries


def test_a_country_named_once_in_passing_deep_in_a_long_article_is_dropped() -> None:
    title, text = CEASEFIRE

    tags = tag(title, text + " A delegation from Norway attended the signing.")

    assert "NO" not in tags.countries


def test_a_field_of_study_is_not_a_country() -> None:
    tags = tag(
        "Experts discuss Arctic shipping",
        "Natalia Viakhireva, head of Canadian Studies at an institute for US and Canadian "
        "Studies, and a fellow of the Center for Indian Studies discussed Arctic shipping. "
        "Canadian Studies programs often cover the Arctic.",
    )

    assert "CA" not in tags.countries
    assert "IN" not in tags.countries


@pytest.mark.parametrize(
    ("code", "name"),
    [("IN", "India"), ("RU", "Russia"), ("KR", "South Korea"), ("FR", "France"), ("IR", "Iran")],
)
def test_countries_have_the_names_readers_know(code: str, name: str) -> None:
    assert country_name(code) == name


def labelled(name: str) -> list[dict[str, Any]]:
    """Our labelled articles; of relevance.jsonl only the tune part (the rest is measured only,
    by benchmarks.quality)."""
    with (FIXTURES / name).open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    return [row for row in rows if name != "relevance.jsonl" or not is_held_out(row["id"])]


@pytest.mark.parametrize("article", labelled("relevance-named.jsonl"), ids=lambda a: a["id"])
def test_clear_world_affairs_reaches_a_chat(article: dict[str, Any]) -> None:
    tags = tag(article["title"], article["text"])

    assert tags.geopolitics >= THRESHOLD
    assert set(article["countries"]) <= set(tags.countries)


@pytest.mark.parametrize("article", labelled("relevance.jsonl"), ids=lambda a: a["id"])
def test_labelled_articles_land_on_their_side_of_the_threshold(article: dict[str, Any]) -> None:
    score = tag(article["title"], article["text"]).geopolitics

    if article["geopolitics"]:
        assert score >= THRESHOLD
    else:
        assert score < NEAR_ZERO
