"""The blocklist: terms that break the rules whatever the model says, matched on canonical
tokens (see ``text.py``).

A term is one or more words. It matches

- whole tokens in sequence ("white power" needs both words, in that order);
- a single-word term also with a plural ending (-s, -es), and when the text stretches its
  letters ("sluuur": repeated letters are squeezed on both sides);
- a single-word term spelled out letter by letter ("s l u r", "s.l.u.r", "s-l-u-r"): a run
  of one-character tokens is joined and searched for the term.

It never matches inside a longer word: "Scunthorpe", "assessment" and "classic" are clean.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import get_args

from moderation_service.analysis.text import canonical_term, canonical_token_lists, has_stretch
from moderation_service.analysis.text import squeeze as squeeze_token
from moderation_service.core.vocabulary import REASON_PRECEDENCE, BlocklistReason, Reason

DATA_FILE = "blocklist.tsv"
_PLURALS = ("s", "es")
# Letter-by-letter runs longer than this are not searched (they are not words).
_MAX_SPELLED_RUN = 40


@dataclass(frozen=True)
class BlocklistHit:
    term: str
    reason: Reason
    weight: float


@dataclass(frozen=True)
class BlocklistScan:
    hits: list[BlocklistHit]
    # The text without the terms found, as canonical words: what the model judges to decide
    # whether the context is hostile.
    rest: str


@dataclass(frozen=True)
class _Entry:
    tokens: tuple[str, ...]
    reason: Reason
    weight: float

    @property
    def term(self) -> str:
        return " ".join(self.tokens)


class Blocklist:
    def __init__(self, entries: Iterable[tuple[str, Reason, float]]) -> None:
        self._single: dict[str, _Entry] = {}
        self._squeezed: dict[str, _Entry] = {}
        self._multi: dict[str, list[_Entry]] = {}
        for term, reason, weight in entries:
            tokens = canonical_term(term)
            if not tokens:
                continue
            entry = _Entry(tokens=tokens, reason=reason, weight=weight)
            if len(tokens) == 1:
                _keep_stronger(self._single, tokens[0], entry)
                _keep_stronger(self._squeezed, squeeze_token(tokens[0]), entry)
            else:
                self._multi.setdefault(tokens[0], []).append(entry)
        # The longest single-word terms, plain and squeezed: spelled-out letters longer than
        # both cannot be a term.
        self._longest_single = max(map(len, self._single), default=0)
        self._longest_squeezed = max(map(len, self._squeezed), default=0)

    def __len__(self) -> int:
        return len(self._single) + sum(len(v) for v in self._multi.values())

    @classmethod
    def bundled(cls, extra: Mapping[str, str] | None = None) -> Blocklist:
        """The data file shipped with the service, plus ``extra`` terms ({term: reason})."""
        text = importlib.resources.files(__package__).joinpath(DATA_FILE).read_text("utf-8")
        entries = list(parse_blocklist(text))
        entries += [(term, _reason(reason), 1.0) for term, reason in (extra or {}).items()]
        return cls(entries)

    def match(self, text: str) -> list[BlocklistHit]:
        """Every term the text contains, strongest first (each term once)."""
        return self.scan(text).hits

    def scan(self, text: str) -> BlocklistScan:
        """The terms the text contains, and the text without them (as canonical words)."""
        found: dict[str, _Entry] = {}
        masked: list[str] | None = None
        for tokens in canonical_token_lists(text):
            covered: set[int] = set()
            for entry, start, end in self._matches(tokens):
                found[entry.term] = entry
                covered.update(range(start, end))
            if masked is None or covered:
                masked = [t for i, t in enumerate(tokens) if i not in covered]
        hits = [BlocklistHit(term=e.term, reason=e.reason, weight=e.weight) for e in found.values()]
        hits.sort(key=lambda h: (-h.weight, -REASON_PRECEDENCE[h.reason], h.term))
        return BlocklistScan(hits=hits, rest=" ".join(masked or []))

    def _matches(self, tokens: list[str]) -> Iterator[tuple[_Entry, int, int]]:
        """(term, start, end) for every match, as positions in ``tokens``."""
        for i, token in enumerate(tokens):
            entry = self._single_word(token)
            if entry is not None:
                yield entry, i, i + 1
            for candidate in self._multi.get(token, ()):
                n = len(candidate.tokens)
                if tuple(tokens[i : i + n]) == candidate.tokens:
                    yield candidate, i, i + n
        yield from self._spelled_out(tokens)

    def _single_word(
        self, token: str, *, stretched: bool | None = None, squeezed: str | None = None
    ) -> _Entry | None:
        """The term ``token`` is, as is, plural or stretched; ``stretched`` and ``squeezed``
        are ``has_stretch(token)`` and ``squeeze(token)`` when the caller knows them."""
        entry = self._single.get(token)
        if entry is not None:
            return entry
        for ending in _PLURALS:
            if token.endswith(ending) and len(token) > len(ending) + 2:
                entry = self._single.get(token[: -len(ending)])
                if entry is not None:
                    return entry
        if has_stretch(token) if stretched is None else stretched:
            return self._squeezed.get(squeeze_token(token) if squeezed is None else squeezed)
        return None

    def _spelled_out(self, tokens: list[str]) -> Iterator[tuple[_Entry, int, int]]:
        run_start = 0
        for i, token in enumerate([*tokens, ""]):
            if len(token) == 1 and i - run_start < _MAX_SPELLED_RUN:
                continue
            run = tokens[run_start:i]
            if len(run) >= 3:
                for a in range(len(run) - 2):
                    for entry, b in self._spelled_from(run, a):
                        yield entry, run_start + a, run_start + b
            run_start = i if len(token) == 1 else i + 1

    def _spelled_from(self, run: list[str], a: int) -> Iterator[tuple[_Entry, int]]:
        """(term, end) for every ``run[a:end]`` (3 letters or more) that spells a single-word
        term as ``_single_word`` reads it. The joined letters grow one at a time with their
        squeezed form and whether they stretch a letter, so no string is built or scanned twice;
        the search stops once the letters are longer than any term could be (a term, plus a
        plural ending, or squeezed), so a run of letters costs a few dictionary look-ups each."""
        joined = squeezed = ""
        repeat = 0  # how many times the last letter repeats at the end
        stretched = False
        plain_limit = self._longest_single + max(map(len, _PLURALS))
        for b in range(a, len(run)):
            letter = run[b]
            repeat = repeat + 1 if joined and joined[-1] == letter else 1
            stretched = stretched or repeat >= 3
            joined += letter
            if repeat == 1:
                squeezed += letter
            if len(joined) > plain_limit and len(squeezed) > self._longest_squeezed:
                return  # both only grow: no longer run matches either
            if len(joined) < 3:
                continue
            if len(joined) <= plain_limit:
                entry = self._single_word(joined, stretched=stretched, squeezed=squeezed)
            else:  # too long for a term as is or plural: only squeezed can match
                entry = self._squeezed.get(squeezed) if stretched else None
            if entry is not None:
                yield entry, b + 1


def _keep_stronger(index: dict[str, _Entry], key: str, entry: _Entry) -> None:
    current = index.get(key)
    if current is None or (entry.weight, REASON_PRECEDENCE[entry.reason]) > (
        current.weight,
        REASON_PRECEDENCE[current.reason],
    ):
        index[key] = entry


def _reason(value: str) -> Reason:
    if value not in get_args(BlocklistReason):
        raise ValueError(f"unknown blocklist reason {value!r}")
    return Reason(value)


def parse_blocklist(text: str) -> Iterable[tuple[str, Reason, float]]:
    """Lines ``REASON<TAB>term[<TAB>weight]``; ``#`` starts a comment; weight defaults to 1."""
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("\t") if part.strip()]
        if len(parts) not in (2, 3):
            raise ValueError(f"{DATA_FILE} line {number}: expected REASON<TAB>term[<TAB>weight]")
        weight = float(parts[2]) if len(parts) == 3 else 1.0
        if not 0.0 < weight <= 1.0:
            raise ValueError(f"{DATA_FILE} line {number}: weight must be in (0, 1]")
        yield parts[1], _reason(parts[0]), weight
