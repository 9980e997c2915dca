"""The analysis step on a real page: summary, key quotes and tags together."""

from __future__ import annotations

from bot.analysis.analyze import analyze
from tests.paths import FIXTURES


def test_rt_article_analysis() -> None:
    page = (FIXTURES / "rt-india-russia-page.txt").read_text(encoding="utf-8")
    article, _, boilerplate = page.partition("\nHashtags")
    title = article.split("\n", 1)[0]

    analysis = analyze(title, article, summary_sentences=2, key_quotes=2)

    assert len(analysis.summary) == 2
    assert all(sentence in article for sentence in analysis.summary)
    assert not any(sentence in boilerplate for sentence in analysis.summary)
    assert {"IN", "RU"} <= set(analysis.tags.countries)
    assert analysis.tags.geopolitics >= 0.5
    assert analysis.quotes
    assert all(article[q.start : q.end] == q.text for q in analysis.quotes)
    assert 1 <= len(analysis.key_quotes) <= 2


def test_no_key_quotes_when_the_chat_wants_none() -> None:
    text = (
        "Officials met in Geneva on Monday. 'We made real progress on the ceasefire today,' "
        "the UN envoy Maria Lopez told reporters after the talks ended."
    )

    analysis = analyze("Ceasefire talks in Geneva", text, key_quotes=0)

    assert analysis.key_quotes == ()
