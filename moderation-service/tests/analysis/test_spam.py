"""The spam rules, one by one."""

from __future__ import annotations

import pytest

from moderation_service.analysis.spam import load_phrases, noisy_or, spam_rules

PHRASES = load_phrases()


def rules(text: str, **kwargs: int) -> dict[str, float]:
    return spam_rules(text, phrases=PHRASES, **kwargs).rules


def test_ordinary_text_fires_nothing() -> None:
    result = spam_rules("We had a lovely time at the beach today.", phrases=PHRASES)
    assert result.score == 0.0 and result.rules == {}


@pytest.mark.parametrize(
    ("text", "rule", "score"),
    [
        ("my notes from the conference are up: https://example.org/notes", "links", 0.25),
        (
            "see https://a.example.org and https://b.example.org for the slides and notes",
            "links",
            0.4,
        ),
        (
            "a.example.com b.example.com c.example.com and a few more words to read here",
            "links",
            0.6,
        ),
        ("my notes: https://example.org/notes", "links", 0.5),  # mostly links
        ("https://x.example.org https://y.example.org https://z.example.org", "links", 0.75),
        ("go to bit.ly/abc now", "shortener", 0.3),
        ("deals at shop.example.xyz", "cheap_domain", 0.2),
        ("Earn $500/day from home", "money", 0.4),
        ("make $2000 weekly", "money", 0.4),
        ("80% off today", "discount", 0.3),
        ("buy 1 get 3 free", "discount", 0.3),
        ("wow!!! really", "exclamations", 0.15),
        ("call +44 7700 900123", "phone", 0.25),
        ("soooooo good", "repeated_chars", 0.15),
        ("!!!!!!!!!!!!!!", "repeated_chars", 0.35),
        ("buy buy buy buy now", "repeated_words", 0.5),
        ("cheap pills cheap pills cheap pills cheap pills for you", "repeated_words", 0.5),
        ("THIS IS THE BEST DEAL YOU WILL EVER SEE", "all_caps", 0.3),
        ("click here", "phrases", 0.35),
    ],
)
def test_each_rule(text: str, rule: str, score: float) -> None:
    assert rules(text)[rule] == score


def test_phrases_are_matched_on_normalised_words() -> None:
    assert rules("CL1CK HERE")["phrases"] == 0.35
    assert "phrases" not in rules("the clicker heretofore")
    # Two phrases combine as a noisy-or.
    assert rules("click here for free money")["phrases"] == round(noisy_or([0.35, 0.45]), 4)


def test_duplicates_by_the_same_author() -> None:
    assert "duplicates" not in rules("same text", duplicates=1)
    assert rules("same text", duplicates=2)["duplicates"] == 0.4
    assert rules("same text", duplicates=3)["duplicates"] == 0.95
    assert rules("same text", duplicates=4, duplicate_limit=5)["duplicates"] == 0.4


def test_rules_combine_as_a_noisy_or() -> None:
    result = spam_rules("FREE FOLLOWERS!!! click here bit.ly/abc", phrases=PHRASES)
    assert result.score == round(noisy_or(list(result.rules.values())), 4)
    assert result.score > max(result.rules.values())


def test_short_shouting_and_numbers_are_not_spam() -> None:
    assert "all_caps" not in rules("OK THANKS")
    assert "phone" not in rules("Scores: 2024-01-15 and 12.03.2024")
    assert "repeated_words" not in rules("no no no")
