"""Who said a quote, on the shapes of real news copy that used to go wrong.

Every article here is written for these tests in the shapes wire services, broadcasters and
state media use: datelines, titles before names, appositions, surname-only and pronoun
references, bodies that speak as "it" and groups as "they".
"""

from __future__ import annotations

import pytest

from bot.analysis.quotes.find import find_quotes
from bot.models import Quote


def speakers(text: str) -> list[str | None]:
    return [q.speaker for q in find_quotes(text)]


def only(text: str) -> Quote:
    quotes = find_quotes(text)
    assert len(quotes) == 1, quotes
    return quotes[0]


# --- datelines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dateline",
    [
        "WASHINGTON —",
        "WASHINGTON (AP) —",
        "KYIV, Ukraine (AP) —",
        "MOSCOW, June 26. /TASS/.",
        "BEIJING, Sept. 30 (Xinhua) --",
        "BRUSSELS/TEHRAN:",
        "Geneva (Reuters) -",
        "(ECNS) --",
    ],
)
def test_a_dateline_is_never_the_speaker(dateline: str) -> None:
    text = (
        f"{dateline} Defense Secretary Laura Pike met allied commanders on Tuesday.\n\n"
        '"We will answer any attack on our forces in the region," she said.'
    )
    quote = only(text)
    assert quote.speaker == "Laura Pike"
    assert quote.role == "Defense Secretary"


def test_a_quote_right_after_a_dateline_takes_the_attribution_after_it() -> None:
    text = 'WASHINGTON — "We are ready to talk to anyone who wants peace," the envoy said.'
    assert only(text).speaker == "the envoy"


def test_a_dateline_that_ran_into_a_name_is_not_part_of_it() -> None:
    text = (
        "EU foreign policy chief Kaja Kallas BRUSSELS (Reuters) - Ministers met on Monday. "
        '"We will keep up the pressure on Moscow," Kallas said.'
    )
    quote = only(text)
    assert quote.speaker == "Kaja Kallas"
    assert quote.role == "EU foreign policy chief"


# --- what a speaker is not ------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        'Speaking to reporters, Stoltenberg said: "NATO will defend every inch of its land."',
        'Speaking on Monday, Stoltenberg said that "NATO will defend every inch of its land."',
        'Speaking at the summit Stoltenberg warned of "a dangerous new phase in the conflict."',
        '"NATO will defend every inch of its land," Stoltenberg said, speaking to reporters.',
    ],
)
def test_a_participle_opening_the_sentence_is_not_the_speaker(sentence: str) -> None:
    assert only(sentence).speaker == "Stoltenberg"


@pytest.mark.parametrize(
    "sentence",
    [
        '"Iran must return to full compliance without delay," the E3 ministers said.',
        '"Iran must return to full compliance without delay," said the E3 ministers.',
        'The E3 ministers said: "Iran must return to full compliance without delay."',
        'In a statement, the E3 ministers said "Iran must return to full compliance now."',
    ],
)
def test_a_determiner_keeps_its_noun(sentence: str) -> None:
    assert only(sentence).speaker == "the E3 ministers"


def test_a_headline_word_run_is_not_part_of_a_name() -> None:
    text = (
        "Watch the full Interview With Kaja Kallas:\n\n"
        'Kaja Kallas says the talks are "going nowhere at all for now."'
    )
    assert only(text).speaker == "Kaja Kallas"


def test_a_long_title_before_a_name_is_the_role_not_the_name() -> None:
    text = (
        "The High Representative for Foreign Affairs and Security Policy Kaja Kallas said: "
        '"We will keep up the pressure on Moscow."'
    )
    quote = only(text)
    assert quote.speaker == "Kaja Kallas"
    assert quote.role == "High Representative for Foreign Affairs and Security Policy"


def test_a_participle_between_two_names_leaves_the_first_as_speaker() -> None:
    text = (
        '"This station mattered to us in the past," Czech Foreign Minister Josef Novak '
        'accompanying Christopher said. "This is how we repay the debt," he added.'
    )
    quotes = find_quotes(text)
    assert [q.speaker for q in quotes] == ["Josef Novak", "Josef Novak"]
    assert quotes[0].role == "Czech Foreign Minister"


def test_a_capitalised_common_noun_opening_a_sentence_is_no_speaker() -> None:
    text = 'Relations between the two countries are "at their lowest point in decades" now.'
    assert only(text).speaker is None


# --- he, she, it, they ------------------------------------------------------------------------

WIRE_STORY = "\n\n".join(
    [
        "Talks stall over grain corridor",
        "By Martin Hale",
        "ANKARA (Reuters) — Turkish Foreign Minister Selin Aydin said on Tuesday that the grain "
        "corridor talks had stalled, and that Ankara would keep pressing both sides.",
        '"We have not given up, and we will not give up while ships are waiting," Aydin told '
        "reporters after the meeting.",
        "Talks With Moscow",
        "Russian President Viktor Orlov ordered new checks on all cargo last month, she said, "
        "adding that the checks had slowed shipping to a crawl.",
        '"Every day of delay costs farmers money they do not have," she said.',
        "The Russian foreign ministry said in a statement that the checks were needed for "
        'security. "Our demands are well known and they have not changed," it added.',
        "Officials from the two countries have met three times this year. "
        '"The next round will decide whether the corridor survives the winter," they said.',
    ]
)


def test_pronouns_go_to_the_last_person_speaking_and_bodies_speak_as_it() -> None:
    quotes = find_quotes(WIRE_STORY)
    assert [q.speaker for q in quotes] == [
        "Selin Aydin",  # "Aydin" gets the full name given first
        "Selin Aydin",  # not the reporter of the byline, not the subheading, not Orlov
        "the Russian foreign ministry",  # "it added"
        "officials from the two countries",  # "they": the group the sentence before opens with
    ]
    assert quotes[0].role == "Turkish Foreign Minister"
    assert quotes[1].role == "Turkish Foreign Minister"


def test_he_said_after_a_quote_goes_to_someone_named_since() -> None:
    text = (
        '"We will not sign this deal," said Foreign Minister Anna Berg.\n\n'
        "Defense Minister Karl Holm disagreed.\n\n"
        '"We must sign it before the winter comes," he said.'
    )
    assert speakers(text) == ["Anna Berg", "Karl Holm"]


def test_they_goes_to_the_group_that_spoke_last() -> None:
    text = (
        '"We urge all states to enforce these sanctions," the ministers said. '
        '"The vote was an unambiguous no," they added.'
    )
    assert speakers(text) == ["the ministers", "the ministers"]


def test_a_surname_or_pronoun_later_gets_the_full_name_and_role_of_the_first_mention() -> None:
    text = (
        "Chinese foreign ministry spokeswoman Lin Wei criticized the decision on Monday.\n\n"
        '"The United States should stop interfering in our internal affairs," Lin said.\n\n'
        'She added: "We will take all necessary measures to protect our interests."'
    )
    quotes = find_quotes(text)
    assert [q.speaker for q in quotes] == ["Lin Wei", "Lin Wei"]
    assert [q.role for q in quotes] == ["Chinese foreign ministry spokeswoman"] * 2


def test_two_people_of_one_family_keep_their_own_names_and_roles() -> None:
    text = (
        "Senator Mark Ellis spoke first. Laura Ellis, the senator's eldest daughter, spoke "
        'next.\n\n"The plan helps every mother in the state," Laura Ellis said.\n\n'
        '"We will pass it this year," Ellis said.'
    )
    quotes = find_quotes(text)
    assert [(q.speaker, q.role) for q in quotes] == [
        ("Laura Ellis", "the senator's eldest daughter"),
        ("Mark Ellis", "Senator"),
    ]


def test_a_name_in_reported_speech_does_not_take_the_next_he_said() -> None:
    text = (
        "Spokesperson Wang Jun said the flight was an accident.\n\n"
        "President Tom Reed personally ordered the strike, he said, adding that it broke "
        "every rule.\n\n"
        '"Those remarks were a clear misrepresentation of the facts," he noted.'
    )
    assert only(text).speaker == "Wang Jun"


@pytest.mark.parametrize("opening", ["In his opinion,", "According to him,", "In his view,"])
def test_in_his_opinion_names_the_speaker_of_a_woven_quote(opening: str) -> None:
    text = (
        "Deputy Foreign Minister Oleg Vasin spoke to reporters on Friday.\n\n"
        f'{opening} a deal with Washington is possible, but "strictly on the basis of a '
        'balance of interests."'
    )
    quote = only(text)
    assert (quote.speaker, quote.role) == ("Oleg Vasin", "Deputy Foreign Minister")


def test_a_quote_without_attribution_shares_the_one_closing_its_sentence() -> None:
    text = (
        'Despite attempts to disrupt "the combat work of our long-range aircraft," a strike '
        'was carried out "on command posts and supply depots across the region," the '
        "ministry said."
    )
    assert speakers(text) == ["the ministry", "the ministry"]


# --- roles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker", "role"),
    [
        (
            'German Chancellor Friedrich Merz spoke in Berlin. "Europe must be able to defend '
            'itself," Merz said.',
            "Friedrich Merz",
            "German Chancellor",
        ),
        (
            'Friedrich Merz, the chancellor, spoke in Berlin. "Europe must be able to defend '
            'itself," Merz said.',
            "Friedrich Merz",
            "the chancellor",
        ),
        (
            "China firmly opposes the bill, Foreign Ministry spokesperson Zhao Lei said.\n\n"
            '"The islands have always been part of our territory," Zhao said.',
            "Zhao Lei",
            "Foreign Ministry spokesperson",
        ),
        (
            'Maria Ortiz, Spain\'s ambassador to the UN, said: "We will not abstain this time."',
            "Maria Ortiz",
            "Spain's ambassador to the UN",
        ),
        (
            '"Nobody should doubt our resolve in this matter," said Kremlin spokesman Ivan '
            "Sokolov.",
            "Ivan Sokolov",
            "Kremlin spokesman",
        ),
    ],
)
def test_roles_come_from_titles_and_appositions(text: str, speaker: str, role: str) -> None:
    quote = find_quotes(text)[-1]
    assert (quote.speaker, quote.role) == (speaker, role)


@pytest.mark.parametrize(
    "text",
    [
        '"Nobody should doubt our resolve in this matter," Mr Petrov said.',
        '"Nobody should doubt our resolve in this matter," Mr. Petrov said.',
        '"Nobody should doubt our resolve in this matter," said Mr Ivan Petrov.',
        (
            "Anna Berg, who said last year that she would not run again, spoke on Monday. "
            '"We will win this seat back next year," Berg said.'
        ),
    ],
)
def test_mr_and_relative_clauses_are_never_roles(text: str) -> None:
    assert find_quotes(text)[-1].role is None


@pytest.mark.parametrize(
    "text",
    [
        'Tom Reed, speaking at the rally, said: "We will never give up on this fight."',
        'Tom Reed, under fire over his taxes, said: "We will never give up on this fight."',
        'Tom Reed, at Monday\'s debate, said: "We will never give up on this fight."',
    ],
)
def test_a_participle_or_prepositional_phrase_after_a_name_is_no_role(text: str) -> None:
    quote = only(text)
    assert (quote.speaker, quote.role) == ("Tom Reed", None)


def test_two_people_named_in_one_breath_do_not_make_one_title() -> None:
    text = (
        "Republican Tom Reed and Democrat Ann Lowe met on Monday.\n\n"
        '"We agree on the budget for next year," Lowe said.'
    )
    quote = only(text)
    assert (quote.speaker, quote.role) == ("Ann Lowe", "Democrat")


def test_mr_after_a_title_is_left_out_of_the_role() -> None:
    quote = only('"We will not sign this agreement," said Foreign Minister Mr. Wang Lei.')
    assert (quote.speaker, quote.role) == ("Wang Lei", "Foreign Minister")


def test_a_headline_ending_in_a_surname_is_not_taken_for_the_full_name() -> None:
    text = (
        "Kremlin Hit Piece Targets Petrov\n\n"
        "Ivan Petrov, the mayor of the city, spoke on Monday.\n\n"
        '"Nobody here will be intimidated by these attacks," Petrov said.'
    )
    quote = only(text)
    assert (quote.speaker, quote.role) == ("Ivan Petrov", "the mayor of the city")


def test_a_place_in_a_title_is_part_of_the_role() -> None:
    text = (
        "In Tulsa, an unarmed man was shot by police.\n\n"
        '"We will achieve justice in this case," Tulsa police Chief Carl Dunn said.'
    )
    quote = only(text)
    assert quote.speaker == "Carl Dunn"
    assert quote.role == "Tulsa police Chief"


# --- lists, titles ----------------------------------------------------------------------------


def test_a_list_of_statements_belongs_to_the_person_whose_statements_they_are() -> None:
    text = (
        "We rounded up Olena Marchuk's most notable statements of the day:\n\n"
        "On the war\n\n"
        "— “My main goal is to stop the war this year.”\n\n"
        "On the talks\n\n"
        "— “We can meet in any format as long as the meeting happens.”"
    )
    assert speakers(text) == ["Olena Marchuk", "Olena Marchuk"]


def test_a_quoted_event_title_is_not_a_quote() -> None:
    text = (
        'The minister spoke at the online conference "Russia and the World in 2030", '
        "organized by the chamber of commerce."
    )
    assert find_quotes(text) == []


def test_a_short_quote_is_kept_when_a_speech_verb_attributes_it() -> None:
    quote = only("'Hope springs eternal,' Biden told reporters on the White House lawn.")
    assert quote.text == "Hope springs eternal,"
    assert quote.speaker == "Biden"


def test_a_short_scare_quote_is_still_not_a_quote() -> None:
    assert find_quotes('He called the plan "a total betrayal" on Monday.') == []
