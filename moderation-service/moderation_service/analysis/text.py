"""Text normalisation shared by the signals: canonical tokens, model segments, fingerprints.

The blocklist compares *canonical tokens*, so that spelling tricks do not dodge it:

1. Unicode NFKD, then combining marks are dropped ("slür" -> "slur", full-width letters ->
   ASCII) and invisible format characters (zero-width spaces, joiners) are removed.
2. A few Cyrillic and Greek look-alikes become the Latin letter they imitate.
3. Case folding; apostrophes are dropped ("I'm" -> "im").
4. Tokens are runs of letters, digits and the leetspeak symbols @ $ ! | ("!" only inside a
   word: at either end it is punctuation); everything else separates them.
5. Leetspeak inside tokens: 0->o, 1->i (or l: both readings are tried), 3->e, 4->a, 5->s,
   7->t, @->a, $->s, !->i, |->l.

Matching then works on whole tokens, never on raw substrings, so "Scunthorpe", "assessment"
and "classic" are not hits for a term they merely contain.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Look-alike letters from other scripts that NFKD leaves alone: Cyrillic, then Greek.
_CONFUSABLES = str.maketrans(
    "\u0430\u0432\u0435\u043a\u043c\u043d\u043e\u0440\u0441\u0442\u0443\u0445\u0456\u0458\u0455"
    "\u03b1\u03b2\u03b5\u03b9\u03ba\u03bd\u03bf\u03c1\u03c4\u03c5\u03c7",
    "abekmhopctyxijsabeikvoptux",
)

_APOSTROPHES = str.maketrans({"'": None, "\u2019": None, "\u02bc": None})

_LEET_COMMON = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
# "1" and "|" read as either "i" or "l": both readings are produced and matched.
LEET_AS_I = str.maketrans({**_LEET_COMMON, "1": "i", "|": "l"})
LEET_AS_L = str.maketrans({**_LEET_COMMON, "1": "l", "|": "l"})

# Linear time, whatever the text: single classes or alternatives of disjoint classes, each
# repetition possessive, so the engine never tries a second way to split the same characters.
_TOKEN = re.compile(r"[^\W_]++")
# A raw token may carry leetspeak symbols: "sh!t", "$lur", "a$$".
_RAW_TOKEN = re.compile(r"(?:[^\W_]|[@$!|])++")
_WHITESPACE = re.compile(r"\s++")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s++|\n++")
_REPEATS = re.compile(r"(.)\1++")
_STRETCH = re.compile(r"(.)\1\1")


def fold(text: str) -> str:
    """Steps 1 to 3: decomposed, without marks or invisible characters, look-alikes mapped,
    case-folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (
        ch
        for ch in decomposed
        if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf"
    )
    # Apostrophes vanish, so "I'm" and "Im" are the same word.
    return "".join(kept).casefold().translate(_CONFUSABLES).translate(_APOSTROPHES)


def _raw_tokens(folded: str) -> list[str]:
    # "!" at either end of a word is punctuation ("kys!"), inside one it is a letter ("sh!t").
    stripped = (raw.strip("!") for raw in _RAW_TOKEN.findall(folded))
    return [raw for raw in stripped if raw]


def _read(token: str, table: dict[int, str]) -> str:
    # Numbers stay numbers: only tokens with a letter are read as leetspeak.
    return token if token.isdigit() else token.translate(table)


def canonical_token_lists(text: str) -> list[list[str]]:
    """The text's canonical tokens, once per reading of the ambiguous leetspeak characters
    ("1" as "i", then as "l"; a single list when the text has neither)."""
    raw = _raw_tokens(fold(text))
    readings = [[_read(token, table) for token in raw] for table in (LEET_AS_I, LEET_AS_L)]
    return readings if readings[0] != readings[1] else readings[:1]


def join_spelled_out(tokens: list[str], *, min_run: int = 3) -> list[str]:
    """Runs of at least ``min_run`` one-character tokens joined into one: "f u c k" -> "fuck"."""
    joined: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if len(token) == 1:
            run.append(token)
            continue
        joined.extend(["".join(run)] if len(run) >= min_run else run)
        run = []
        if token:
            joined.append(token)
    return joined


def deobfuscated(text: str) -> str | None:
    """The text as plain words when it hides some ("You absolute d1ckhead", "f u c k you"), for
    the model, which only knows plain spelling; None when there is nothing to undo."""
    plain = _TOKEN.findall(fold(text))
    readable = join_spelled_out(canonical_token_lists(text)[0])
    return " ".join(readable) if readable != plain else None


def canonical_term(term: str) -> tuple[str, ...]:
    """A blocklist term in the same canonical form as the text (one reading: "1" -> "i")."""
    return tuple(token.translate(LEET_AS_I) for token in _raw_tokens(fold(term)))


def squeeze(token: str) -> str:
    """Runs of one repeated character collapsed to one: "fuuuuck" -> "fuck"."""
    return _REPEATS.sub(r"\1", token)


def has_stretch(token: str) -> bool:
    """A character repeated three or more times in a row: a stretched word."""
    return _STRETCH.search(token) is not None


def model_segments(text: str, *, max_chars: int = 160) -> list[str]:
    """The text cut at sentence ends into chunks of at most ``max_chars`` (a longer sentence is
    a chunk of its own), so one abusive sentence in a long post is not diluted by the rest."""
    chunks: list[str] = []
    current = ""
    for sentence in _SENTENCE_BREAK.split(text):
        sentence = sentence.strip()
        if not sentence:
            continue
        if current and len(current) + 1 + len(sentence) > max_chars:
            chunks.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        chunks.append(current)
    return chunks


def fingerprint(text: str) -> str:
    """A hash of the text that ignores case, accents, punctuation and spacing: the key of the
    duplicate-posting rule."""
    return hashlib.sha256(" ".join(_TOKEN.findall(fold(text))).encode()).hexdigest()


def fingerprint_length(text: str) -> int:
    """How many letters and digits the fingerprint covers (short texts are not counted)."""
    return sum(len(token) for token in _TOKEN.findall(fold(text)))


def collapse_whitespace(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()
