"""The one free-text rule every service's fields use."""

from __future__ import annotations

import pytest

from chassis.text import clean_text

REFUSED_EVERYWHERE = {
    "bidi override": "abc\u202edef",
    "bidi isolate": "abc\u2066def\u2069",
    "left-to-right mark": "abc\u200edef",
    "zero-width space": "abc\u200bdef",
    "word joiner": "abc\u2060def",
    "byte-order mark": "\ufeffabc",
    "soft hyphen": "ab\u00adc",
    "NUL": "a\x00b",
    "escape": "a\x1b[31mb",
    "DEL": "a\x7fb",
    "C1 control": "a\x85b",
    "lone surrogate": "a\ud800b",
    "private use": "a\ue000b",
    "unassigned": "a\U000e0080b",
}
RENDERS_AS_NOTHING = {
    "blank": "   ",
    "hangul filler": "\u3164",
    "two hangul fillers": "\u3164\u3164",
    "hangul choseong filler": "\u115f",
    "halfwidth hangul filler": "\uffa0",
    "braille blank": "\u2800",
    "lone combining mark": "\u0301",
    "combining marks": "\u0301\u0302\u20dd",
    "ideographic space": "\u3000",
    "zwj alone": "\u200d",
}


@pytest.mark.parametrize("text", REFUSED_EVERYWHERE.values(), ids=REFUSED_EVERYWHERE.keys())
@pytest.mark.parametrize("multiline", [False, True])
def test_invisible_and_control_characters_are_refused(text: str, multiline: bool) -> None:
    with pytest.raises(ValueError, match="must not contain the character U\\+"):
        clean_text(text, multiline=multiline)


@pytest.mark.parametrize("text", RENDERS_AS_NOTHING.values(), ids=RENDERS_AS_NOTHING.keys())
def test_text_that_renders_as_nothing_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"blank|visible"):
        clean_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "Hello, world",
        "می‌خواهم",  # Persian with a zero-width non-joiner
        "👩\u200d💻",  # an emoji ZWJ sequence
        "👍",
        "?",
        "e\u0301",  # a letter with a combining accent
        "한국어",
        "१२३",
    ],
)
def test_real_text_is_kept(text: str) -> None:
    assert clean_text(text) == text


def test_surrounding_white_space_is_stripped_and_inner_kept() -> None:
    assert clean_text("  a  b \n", multiline=True) == "a  b"


def test_line_breaks_only_where_the_field_is_multiline() -> None:
    assert clean_text("line 1\nline 2\r\n\tend", multiline=True) == "line 1\nline 2\r\n\tend"
    for text in ("line 1\nline 2", "a\tb", "a\u2028b", "a\u2029b"):
        with pytest.raises(ValueError):
            clean_text(text)
    assert clean_text("a\u2028b", multiline=True) == "a\u2028b"


@pytest.mark.parametrize("text", ["👍", "?!", "…", "\u0301a\u3164"[0:1] + "—"])
def test_a_name_needs_a_visible_letter_or_digit(text: str) -> None:
    assert clean_text(text) == text
    with pytest.raises(ValueError, match="visible letter or digit"):
        clean_text(text, letters=True)


def test_a_name_with_a_filler_and_a_letter_is_kept() -> None:
    assert clean_text("\u3164Kim", letters=True) == "\u3164Kim"
    assert clean_text("7", letters=True) == "7"
