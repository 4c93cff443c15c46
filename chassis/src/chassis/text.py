"""The one rule for free text a user types: what a service stores, shows and sends to others.

Every free-text field of every service (names, titles, posts, comments, notes) goes through
``clean_text``. It refuses, with a ``ValueError`` pydantic turns into a 422:

- control characters (tabs and line breaks only where the field is multi-line);
- lone surrogates (Postgres cannot store them), private-use and unassigned code points;
- format characters: bidi overrides and isolates (they reorder what readers see, the classic
  spoofing trick), zero-width spaces, word joiners, the byte-order mark. The zero-width
  (non-)joiners U+200C and U+200D stay: Persian and Indic writing and emoji sequences need them;
- text that renders as nothing: blank, or made only of fillers (U+3164, U+115F, U+2800, ...)
  and combining marks.

A name needs more: at least one visible letter or digit (``letters=True``).

A service declares a field with one of the validators below, for example
``Content = Annotated[str, Field(min_length=1, max_length=5000), AfterValidator(multiline_text)]``.
"""

from __future__ import annotations

import unicodedata

# Invisible format characters that writing systems need.
ALLOWED_FORMAT = frozenset({"\u200c", "\u200d"})
LINE_CONTROLS = frozenset({"\n", "\r", "\t"})
# Code points that are letters or symbols by category but show nothing: Hangul fillers, the
# blank Braille pattern, Khmer inherent vowels, and a few others abused as "invisible names".
INVISIBLE = frozenset(
    {
        "\u115f",  # HANGUL CHOSEONG FILLER
        "\u1160",  # HANGUL JUNGSEONG FILLER
        "\u3164",  # HANGUL FILLER
        "\uffa0",  # HALFWIDTH HANGUL FILLER
        "\u2800",  # BRAILLE PATTERN BLANK
        "\u17b4",  # KHMER VOWEL INHERENT AQ
        "\u17b5",  # KHMER VOWEL INHERENT AA
        "\u180e",  # MONGOLIAN VOWEL SEPARATOR
        "\u3000",  # IDEOGRAPHIC SPACE (whitespace, listed for clarity)
    }
)
# Categories that can be seen: letters, digits and other numbers, punctuation, symbols.
_VISIBLE_CATEGORIES = ("L", "N", "P", "S")
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn"})


def forbidden_character(ch: str, *, multiline: bool) -> bool:
    """Whether ``ch`` may not appear in a text field (multi-line or not)."""
    if ch in LINE_CONTROLS:
        return not multiline
    category = unicodedata.category(ch)
    if category in _FORBIDDEN_CATEGORIES:
        return True
    if category == "Cf":
        return ch not in ALLOWED_FORMAT
    # Line and paragraph separators break a single line like a newline does.
    return not multiline and category in ("Zl", "Zp")


def is_visible(ch: str) -> bool:
    return ch not in INVISIBLE and unicodedata.category(ch)[0] in _VISIBLE_CATEGORIES


def has_visible_character(text: str, *, letters: bool = False) -> bool:
    """Whether ``text`` shows something: a visible character, or with ``letters`` a visible
    letter or digit."""
    for ch in text:
        if ch in INVISIBLE:
            continue
        category = unicodedata.category(ch)[0]
        if category in ("L", "N") if letters else category in _VISIBLE_CATEGORIES:
            return True
    return False


def clean_text(value: str, *, multiline: bool = False, letters: bool = False) -> str:
    """``value`` stripped of surrounding white space, or a ``ValueError`` saying what is wrong."""
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    for ch in value:
        if forbidden_character(ch, multiline=multiline):
            raise ValueError(
                f"must not contain the character U+{ord(ch):04X} "
                "(control, format, bidi, unassigned or private-use characters are refused)"
            )
    if not has_visible_character(value, letters=letters):
        raise ValueError(
            "must contain a visible letter or digit"
            if letters
            else "must contain a visible character"
        )
    return value


def single_line_text(value: str) -> str:
    """Pydantic ``AfterValidator`` of a single-line field (a title, a note's subject)."""
    return clean_text(value)


def multiline_text(value: str) -> str:
    """Pydantic ``AfterValidator`` of a multi-line field (a post, a comment, a note)."""
    return clean_text(value, multiline=True)


def name_text(value: str) -> str:
    """Pydantic ``AfterValidator`` of a person's name: a visible letter or digit required."""
    return clean_text(value, letters=True)
