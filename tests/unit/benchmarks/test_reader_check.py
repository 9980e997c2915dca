"""The reader's check harness: figures from a judgements file, and what the set still lacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.reader_check import JudgementError, figures, load_judgements, main, shortfalls


def judgement(
    outlet: str, *, world: bool = True, score: int = 4, **extra: object
) -> dict[str, object]:
    row: dict[str, object] = {
        "url": f"https://{outlet}.example/story",
        "outlet": outlet,
        "world_affairs": world,
        "summary_score": score,
        "quotes": [{"speaker_ok": True, "role_ok": None}],
        "tags_ok": True,
        "relevance_ok": True,
        "note": "",
    }
    row.update(extra)
    return row


def write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_figures_count_quotes_pages_and_outlets(tmp_path: Path) -> None:
    rows = [
        judgement(
            "wire",
            score=5,
            quotes=[
                {"speaker_ok": True, "role_ok": True},
                {"speaker_ok": False, "role_ok": False},
                {"speaker_ok": True, "role_ok": None},
            ],
        ),
        judgement("paper", score=3, tags_ok=False),
        judgement("sport", world=False, score=2, quotes=[], relevance_ok=False),
    ]

    numbers = figures(load_judgements(write(tmp_path / "check.jsonl", rows)))

    assert numbers["pages"] == 3
    assert numbers["world-affairs pages"] == 2
    assert numbers["outlets (world affairs)"] == 2
    assert numbers["speaker accuracy"] == pytest.approx(3 / 4)
    assert numbers["role accuracy"] == pytest.approx(1 / 2)
    assert numbers["mean summary score"] == pytest.approx(4.0)  # world-affairs pages only
    assert numbers["tag agreement"] == pytest.approx(2 / 3)
    assert numbers["relevance agreement"] == pytest.approx(2 / 3)


def test_key_quotes_the_digest_shows_have_their_own_speaker_accuracy(tmp_path: Path) -> None:
    rows = [
        judgement(
            "wire",
            quotes=[
                {"speaker_ok": True, "role_ok": True, "key": True},
                {"speaker_ok": False, "role_ok": None, "key": True},
                {"speaker_ok": False, "role_ok": None},
                {"speaker_ok": False, "role_ok": False},
            ],
        ),
        judgement("paper", quotes=[{"speaker_ok": True, "role_ok": None, "key": True}]),
    ]

    numbers = figures(load_judgements(write(tmp_path / "check.jsonl", rows)))

    assert numbers["quotes judged"] == 5
    assert numbers["speaker accuracy"] == pytest.approx(2 / 5)
    assert numbers["key quotes judged"] == 3
    assert numbers["speaker accuracy, key"] == pytest.approx(2 / 3)


def test_a_small_set_is_told_what_it_lacks(tmp_path: Path) -> None:
    numbers = figures(load_judgements(write(tmp_path / "check.jsonl", [judgement("wire")])))

    assert shortfalls(numbers) == [
        "fewer than 20 world-affairs pages",
        "fewer than 8 outlets",
        "fewer than 5 non-world-affairs pages",
    ]


def test_a_full_set_on_target_lacks_nothing(tmp_path: Path) -> None:
    rows = [judgement(f"outlet{i % 8}") for i in range(20)]
    rows += [judgement(f"other{i}", world=False) for i in range(5)]

    assert shortfalls(figures(load_judgements(write(tmp_path / "check.jsonl", rows)))) == []


def test_an_absent_file_has_no_judgements_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "reader-check.jsonl")]) == 0
    assert "no judgements" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (judgement("wire", score=7), "summary_score must be 1 to 5"),
        ({"url": "https://wire.example"}, "missing"),
    ],
)
def test_a_bad_line_is_named(tmp_path: Path, row: dict[str, object], problem: str) -> None:
    path = write(tmp_path / "check.jsonl", [judgement("paper"), row])

    with pytest.raises(JudgementError, match=f"line 2: {problem}"):
        load_judgements(path)
