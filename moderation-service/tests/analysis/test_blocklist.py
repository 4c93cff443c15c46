"""The blocklist matches whole normalised words: disguises are caught, innocent words are not."""

from __future__ import annotations

import pytest

from moderation_service.analysis.blocklist import Blocklist, parse_blocklist
from moderation_service.core.vocabulary import Reason

# Stand-in terms: "slur" plays a slur; "cunt" and "ass" are the substrings of the Scunthorpe
# problem ("Scunthorpe", "assessment", "classic").
TERMS = Blocklist(
    [
        ("slur", Reason.RACISM, 1.0),
        ("cunt", Reason.OFFENSIVE_CONTENT, 1.0),
        ("ass", Reason.OFFENSIVE_CONTENT, 1.0),
        ("white power", Reason.RULES_VIOLATION, 1.0),
        ("nudes", Reason.NUDITY, 0.8),
    ]
)


def terms(text: str, blocklist: Blocklist = TERMS) -> list[str]:
    return [hit.term for hit in blocklist.match(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe United won 2-0",
        "The teacher handed back our assessment",
        "That was a classic performance",
        "Penistone and Middlesex are in England",
        "He passed the class with a bass solo",
        "a slurry of mud",  # contains "slur"
        "the white house has power",  # both words, not the phrase
        "s l",  # too short to be spelled out
    ],
)
def test_words_that_merely_contain_a_term_are_not_hits(text: str) -> None:
    assert terms(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "slur",
        "SLUR",
        "you are a Slur.",
        "slurs everywhere",  # plural
        "sluuuuur",  # stretched
        "$lur",  # leetspeak
        "5lur",
        "s1ur",  # 1 read as l
        "s|ur",
        "s l u r",  # spaced out
        "s.l.u.r",
        "s-l-u-r",
        "s_l_u_r",
        "s * l * u * r",
        "you s l u r go home",
        "slür",  # diacritics
        "śĺúŕ",
        "\uff53\uff4c\uff55\uff52",  # full-width
        "sl\u200bur",  # zero-width space inside
        "\u0455lur",  # Cyrillic dze
        "'slur'",
    ],
)
def test_disguised_terms_are_hits(text: str) -> None:
    assert terms(text) == ["slur"]


def test_leetspeak_and_symbols_inside_words() -> None:
    assert terms("what an @ss") == ["ass"]
    assert terms("what an a$$") == ["ass"]
    assert terms("c*nt") == []  # masking with * is not decoded (documented limit)
    assert terms("kill it!") == []


def test_multi_word_terms_match_in_sequence_only() -> None:
    assert terms("WHITE POWER forever") == ["white power"]
    assert terms("wh1te p0wer") == ["white power"]
    assert terms("power white") == []


def test_hits_carry_reason_and_weight_strongest_first() -> None:
    hits = TERMS.match("send nudes, slur")
    assert [(h.term, h.reason, h.weight) for h in hits] == [
        ("slur", Reason.RACISM, 1.0),
        ("nudes", Reason.NUDITY, 0.8),
    ]


def test_scan_returns_the_text_without_the_terms() -> None:
    scan = TERMS.scan("Get out, you filthy s l u r!")
    assert [h.term for h in scan.hits] == ["slur"]
    assert scan.rest == "get out you filthy"
    assert TERMS.scan("slur").rest == ""
    assert TERMS.scan("nothing here").rest == "nothing here"


def test_the_bundled_list_loads_and_is_extended_by_settings() -> None:
    bundled = Blocklist.bundled()
    assert len(bundled) > 40
    assert [h.reason for h in bundled.match("k y s")] == [Reason.RULES_VIOLATION]
    assert [h.reason for h in bundled.match("send n u d e s")] == [Reason.NUDITY]
    assert bundled.match("Scunthorpe assessment classic cocktail") == []

    extended = Blocklist.bundled({"frobnicate": "RULES_VIOLATION"})
    assert [h.term for h in extended.match("do not fr0bn1cate")] == ["frobnicate"]
    with pytest.raises(ValueError, match="unknown blocklist reason"):
        Blocklist.bundled({"frobnicate": "SPAM"})


@pytest.mark.parametrize(
    "line",
    ["RACISM", "RACISM\tterm\t2.0", "RACISM\tterm\t0", "SPAM\tterm", "RACISM\ta\tb\tc"],
)
def test_malformed_data_lines_are_refused(line: str) -> None:
    with pytest.raises(ValueError):
        list(parse_blocklist(line))


def test_comments_and_blank_lines_are_ignored() -> None:
    parsed = list(parse_blocklist("# comment\n\nNUDITY\tnudes\t0.5  # why\n"))
    assert parsed == [("nudes", Reason.NUDITY, 0.5)]
