"""The spam signal: documented rules, each giving a score in [0, 1], combined as a noisy-or
(``1 - product(1 - score)``), so several weak hints add up and one strong one is enough.

Rules (name: when it fires -> score):

- ``links``: URLs or bare domains: 1 -> 0.25, 2 -> 0.4, 3 or more -> 0.6; +0.25 when links
  are 30 % or more of the words (at most 0.75).
- ``shortener``: a link shortener (bit.ly, tinyurl, ...) -> 0.3.
- ``cheap_domain``: a link to a top-level domain favoured by spam (.xyz, .top, .shop, .click,
  ...) -> 0.2.
- ``phrases``: phrases of ``spam_phrases.tsv`` ("click here", "free followers", ...) -> their
  scores, combined as a noisy-or.
- ``money``: an amount per period or a promise of money ("$500/day", "earn $2000") -> 0.4.
- ``discount``: a percentage off or a buy-one-get-more deal ("80% off", "buy 1 get 3 free")
  -> 0.3.
- ``exclamations``: three or more exclamation marks in a row -> 0.15.
- ``phone``: a phone number (9 or more digits in one group) -> 0.25.
- ``repeated_chars``: one character 6 or more times in a row ("sooooooo") -> 0.15; 12 or
  more -> 0.35.
- ``repeated_words``: one word 4 times in a row; or at least 8 words of which one (not a stop
  word) makes 30 % or more, at least 4 times -> 0.5.
- ``all_caps``: at least 15 letters, 70 % or more in upper case -> 0.3.
- ``duplicates``: the same text (ignoring case, accents and punctuation) by the same author
  within the window: the 2nd copy -> 0.4; the n-th copy, n >= the limit (3) -> 0.95.
"""

from __future__ import annotations

import importlib.resources
import re
from collections import Counter
from dataclasses import dataclass, field

from moderation_service.analysis.blocklist import Blocklist
from moderation_service.core.vocabulary import Reason

PHRASES_FILE = "spam_phrases.tsv"

# Every pattern below runs in time linear in the text (README, "Linear-time rules"): no
# quantified group can match the same characters in two ways, and where a later token could make
# the engine give characters back, the quantifier is possessive (``*+``, ``++``), so it never
# does. Links are found by scanning host-like runs once (``find_links``) instead of one pattern
# whose nested repetition backtracked quadratically on texts like "a.a.a.a...".
_URL_START = re.compile(r"(?:https?://|www\.)\S++", re.IGNORECASE)
# A run of dot-separated labels, taken whole: whether it is a link is decided in Python.
_HOST = re.compile(r"\b[a-z0-9][a-z0-9-]*+(?:\.[a-z0-9-]++)*+", re.IGNORECASE)
_TLD = re.compile(
    r"com|net|org|io|ly|xyz|biz|info|co|me|shop|top|click|link|site|online|store|app|gg|tk|ru|cn",
    re.IGNORECASE,
)
_PATH = re.compile(r"/\S*+")
_WORD_CHAR = re.compile(r"\w")
_SHORTENER = re.compile(
    r"\b(?:bit\.ly|tinyurl\.com|t\.co|goo\.gl|ow\.ly|is\.gd|cutt\.ly|rb\.gy|shorturl\.at|"
    r"tiny\.cc|rebrand\.ly)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"(?:[$€£]\s?\d[\d,.]*+\s?k?\s*+(?:/|per|a|an|every)\s*+(?:hour|hr|day|week|wk|month|mo)\b)"
    r"|(?:\b(?:earn|make|making|win|get|paid)\s++(?:up\s++to\s++)?[$€£]\s?\d)"
    r"|(?:[$€£]\s?\d[\d,.]*+\s?k?\s++(?:daily|weekly|monthly)\b)",
    re.IGNORECASE,
)
_CHEAP_DOMAIN = re.compile(
    r"\.(?:xyz|top|shop|store|click|biz|tk|gg|ru|info|online|site|link)\b(?:/\S*+)?",
    re.IGNORECASE,
)
_DISCOUNT = re.compile(r"\b\d{1,3}\s?%\s?off\b|\bbuy\s++\d++\s++get\s++\d+", re.IGNORECASE)
_EXCLAMATIONS = re.compile(r"!{3,}")
# Digits with separators between them, up to the last digit; 10 characters at least.
_PHONE = re.compile(r"(?<!\d)\+?\d(?:[\s().-]*+\d)*+")
_PHONE_MIN_CHARS = 10
_RUN = re.compile(r"(\S)\1{5,}")
_WORD = re.compile(r"[^\W\d_]{2,}")
_LETTER = re.compile(r"[^\W\d_]")

_STOPWORDS = frozenset(
    "the a an and or but of to in on at for with is are was were be been it this that i you "
    "he she we they my your our their me him her us them so very just not no yes do does did "
    "have has had will would can could".split()
)


@dataclass(frozen=True)
class SpamResult:
    score: float
    rules: dict[str, float] = field(default_factory=dict)


def load_phrases() -> Blocklist:
    text = importlib.resources.files(__package__).joinpath(PHRASES_FILE).read_text("utf-8")
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        phrase, _, weight = line.partition("\t")
        if not weight.strip():
            raise ValueError(f"{PHRASES_FILE} line {number}: expected phrase<TAB>score")
        entries.append((phrase.strip(), Reason.SPAM, float(weight)))
    return Blocklist(entries)


def noisy_or(scores: list[float]) -> float:
    remaining = 1.0
    for score in scores:
        remaining *= 1.0 - score
    return 1.0 - remaining


def spam_rules(
    text: str, *, phrases: Blocklist, duplicates: int = 0, duplicate_limit: int = 3
) -> SpamResult:
    """Score ``text``; ``duplicates`` is how many copies of it (this one included) its author
    posted within the window."""
    rules: dict[str, float] = {}
    words = text.split()

    links = find_links(text)
    if links:
        score = {1: 0.25, 2: 0.4}.get(len(links), 0.6)
        if words and len(links) / len(words) >= 0.3:
            score += 0.25
        rules["links"] = min(score, 0.75)
    if _SHORTENER.search(text):
        rules["shortener"] = 0.3
    if any(_CHEAP_DOMAIN.search(link) for link in links):
        rules["cheap_domain"] = 0.2

    hits = phrases.match(text)
    if hits:
        rules["phrases"] = noisy_or([hit.weight for hit in hits])
    if _MONEY.search(text):
        rules["money"] = 0.4
    if _DISCOUNT.search(text):
        rules["discount"] = 0.3
    if _EXCLAMATIONS.search(text):
        rules["exclamations"] = 0.15
    if any(
        len(m.group(0)) >= _PHONE_MIN_CHARS and sum(ch.isdigit() for ch in m.group(0)) >= 9
        for m in _PHONE.finditer(text)
    ):
        rules["phone"] = 0.25

    longest_run = max((len(m.group(0)) for m in _RUN.finditer(text)), default=0)
    if longest_run >= 12:
        rules["repeated_chars"] = 0.35
    elif longest_run >= 6:
        rules["repeated_chars"] = 0.15

    if _repeated_words(text):
        rules["repeated_words"] = 0.5

    letters = _LETTER.findall(text)
    if len(letters) >= 15 and sum(ch.isupper() for ch in letters) / len(letters) >= 0.7:
        rules["all_caps"] = 0.3

    if duplicates >= duplicate_limit:
        rules["duplicates"] = 0.95
    elif duplicates >= 2:
        rules["duplicates"] = 0.4

    rules = {name: round(score, 4) for name, score in rules.items()}
    return SpamResult(score=round(noisy_or(list(rules.values())), 4), rules=rules)


def _host_link(text: str, host: re.Match[str]) -> tuple[int, int] | None:
    """Where the host-like run ``host`` holds a link: from its start to the last label (not the
    first) that is a listed top-level domain, or the part of a label before a hyphen that is
    one ("example.com", "bbc.co" of "bbc.co.uk", "shop.example.xyz/deal"); None otherwise."""
    labels = host.group(0).split(".")
    run_end = host.end()
    after = text[run_end : run_end + 1]
    end = run_end
    for index in range(len(labels) - 1, 0, -1):
        label = labels[index]
        tld = label.split("-", 1)[0]
        if _TLD.fullmatch(tld):
            tld_end = end - len(label) + len(tld)
            # The domain must end a word: "example.comet" is not a link.
            if tld_end < run_end or not _WORD_CHAR.match(after):
                if tld_end == run_end and after == "/":
                    path = _PATH.match(text, run_end)
                    assert path is not None
                    return host.start(), path.end()
                return host.start(), tld_end
        end -= len(label) + 1
    return None


def find_links(text: str) -> list[str]:
    """URLs ("http://...", "www....") and bare domains ("example.com/path"), left to right,
    in one pass: each host-like run is read once, whatever its length."""
    links: list[str] = []
    pos = 0
    # The next URL and the next bare domain at or after ``pos``; each search starts where the
    # text was not read yet, and once a search finds nothing it is not run again.
    url = _URL_START.search(text)
    domain: tuple[int, int] | None = None
    hosts = _HOST.finditer(text)
    while True:
        if url is not None and url.start() < pos:
            url = _URL_START.search(text, pos)
        if domain is not None and domain[0] < pos:
            domain = None
        while domain is None:
            host = next(hosts, None)
            if host is None:
                break
            if host.start() >= pos:
                domain = _host_link(text, host)
        if url is None and domain is None:
            return links
        # The leftmost match wins; a URL on a tie.
        if url is not None and (domain is None or url.start() <= domain[0]):
            links.append(url.group(0))
            pos = url.end()
        else:
            assert domain is not None
            links.append(text[domain[0] : domain[1]])
            pos = domain[1]


def _repeated_words(text: str) -> bool:
    words = [w.casefold() for w in _WORD.findall(text)]
    streak, previous = 1, None
    for word in words:
        streak = streak + 1 if word == previous else 1
        previous = word
        if streak >= 4:
            return True
    if len(words) < 8:
        return False
    counts = Counter(w for w in words if w not in _STOPWORDS)
    if not counts:
        return False
    top = counts.most_common(1)[0][1]
    return top >= 4 and top / len(words) >= 0.3
