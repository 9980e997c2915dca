"""Key quotes: whole statements by named people, on the story's subject."""

from __future__ import annotations

from bot.analysis.analyze import analyze
from bot.analysis.quotes.find import find_quotes
from bot.analysis.quotes.keys import pick_key_quotes

TITLE = "NATO steps up Baltic Sea patrols after cable incidents"
ARTICLE = "\n\n".join(
    [
        'BRUSSELS (Reuters) — NATO defence ministers voiced "grave concern over repeated '
        'incidents involving undersea cables and pipelines in the Baltic" on Tuesday.',
        '"We will protect every cable and every pipeline on the floor of the Baltic Sea," NATO '
        "Secretary General Mark Rutte told reporters after the meeting.",
        "Asked about talks with Moscow, Rutte smiled. 'Hope springs eternal,' Rutte told "
        "reporters.",
        '"I want to thank our hosts for the wonderful dinner last night and for the music that '
        'came with it," Rutte said.',
        'The alliance said in a statement: "Allies will increase naval patrols in the Baltic Sea '
        'from next month."',
        '"Will the patrols include ships from Finland and Sweden from the very first day?" a '
        "reporter asked.",
        '"REPORTER: Is the alliance ready to board ships that drag anchors over the cables?"',
        'NATO said in a statement: "The alliance will hold a joint exercise in the Baltic in May."',
        'Rutte called the cable cuts "A deliberate campaign against the security of the Baltic '
        'states" in his speech.',
    ]
)


def keys(limit: int = 3) -> list[str]:
    quotes = find_quotes(ARTICLE)
    picked = pick_key_quotes(quotes, [], text=ARTICLE, title=TITLE, limit=limit)
    return [q.text for q in picked if q.key]


def test_a_fragment_woven_into_the_reporters_sentence_is_never_key() -> None:
    chosen = keys()
    assert not any("grave concern" in k for k in chosen)
    assert not any("deliberate campaign" in k for k in chosen)  # capitalised, still woven in


def test_a_body_an_unnamed_speaker_or_a_reporter_is_never_key() -> None:
    chosen = keys()
    assert not any("naval patrols" in k for k in chosen)  # the alliance's statement
    assert not any("joint exercise" in k for k in chosen)  # NATO's
    assert not any("first day" in k for k in chosen)  # "a reporter asked"
    assert not any("drag anchors" in k for k in chosen)  # a transcript's reporter line


def test_a_named_statement_on_the_subject_comes_first() -> None:
    assert keys(limit=1) == [
        "We will protect every cable and every pipeline on the floor of the Baltic Sea,"
    ]


def test_a_short_statement_a_speech_verb_attributes_can_be_key() -> None:
    assert "Hope springs eternal," in keys()


def test_a_short_quote_without_the_article_text_is_not_key() -> None:
    quotes = find_quotes(ARTICLE)
    picked = pick_key_quotes(quotes, [], limit=3)
    assert "Hope springs eternal," not in [q.text for q in picked if q.key]


def test_analysis_marks_whole_named_statements_as_key() -> None:
    analysis = analyze(TITLE, ARTICLE, summary_sentences=1, key_quotes=2)
    assert analysis.key_quotes
    assert all(q.speaker == "Mark Rutte" for q in analysis.key_quotes)
    assert all(q.role == "NATO Secretary General" for q in analysis.key_quotes)
