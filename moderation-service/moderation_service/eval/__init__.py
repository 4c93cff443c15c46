"""Evaluation of the analysis on the labelled set in ``eval/dataset.csv``.

``python -m moderation_service.eval`` (or ``python eval/evaluate.py`` from anywhere) prints the
confusion matrix and precision, recall and F1 per class (clean, offensive, spam) for the
current settings (``MODERATION_*`` variables apply, so thresholds can be tried without a code
change).

A text counts as predicted

- ``spam`` when the decision is REVIEW or REMOVE with reason SPAM;
- ``offensive`` when the decision is REVIEW or REMOVE with any other reason (OFFENSIVE_CONTENT,
  RACISM, NUDITY, RULES_VIOLATION);
- ``clean`` when it is APPROVE.

That is the main view ("flagged": what reaches a moderator or is removed). A second view counts
only automatic removals as positive.

Rows may name a slur of the bundled blocklist instead of spelling it (``{slur:N}``, the N-th
RACISM term; ``{slur:N:leet}``, ``{slur:N:spaced}``, ``{slur:N:accent}`` disguise it), so the
dataset itself carries no slurs.
"""

from __future__ import annotations

import argparse
import csv
import importlib.resources
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moderation_service.analysis.analyzer import Analysis, Analyzer, Decision, build_analyzer
from moderation_service.analysis.blocklist import DATA_FILE, parse_blocklist
from moderation_service.core.vocabulary import Reason
from moderation_service.settings import ModerationSettings

SERVICE_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATASET = SERVICE_ROOT / "eval" / "dataset.csv"
CLASSES = ("clean", "offensive", "spam")

_SLUR = re.compile(r"\{slur:(\d+)(?::(leet|spaced|accent))?\}")
_LEET = str.maketrans({"o": "0", "i": "1", "e": "3", "a": "@", "s": "$"})
_ACCENT = str.maketrans({"a": "á", "e": "é", "i": "ï", "o": "ö", "u": "ü"})


@dataclass(frozen=True)
class Row:
    id: int
    label: str
    split: str
    tags: tuple[str, ...]
    text: str


def racism_terms() -> list[str]:
    data = importlib.resources.files("moderation_service.analysis").joinpath(DATA_FILE)
    return [
        t for t, reason, _ in parse_blocklist(data.read_text("utf-8")) if reason is Reason.RACISM
    ]


def expand(text: str, terms: Sequence[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        term = terms[int(match.group(1))]
        style = match.group(2)
        if style == "leet":
            return term.translate(_LEET)
        if style == "spaced":
            return " ".join(term)
        if style == "accent":
            return term.translate(_ACCENT)
        return term

    return _SLUR.sub(replace, text)


def load_dataset(path: Path = DEFAULT_DATASET) -> list[Row]:
    terms = racism_terms()
    with path.open(newline="", encoding="utf-8") as fh:
        rows = [
            Row(
                id=int(r["id"]),
                label=r["label"],
                split=r["split"],
                tags=tuple(r["tags"].split()),
                text=expand(r["text"], terms),
            )
            for r in csv.DictReader(fh)
        ]
    unknown = {r.label for r in rows} - set(CLASSES)
    if unknown:
        raise ValueError(f"unknown labels in {path}: {sorted(unknown)}")
    return rows


def predicted_class(analysis: Analysis, *, removals_only: bool = False) -> str:
    positive = (Decision.REMOVE,) if removals_only else (Decision.REVIEW, Decision.REMOVE)
    if analysis.decision not in positive:
        return "clean"
    return "spam" if analysis.reason is Reason.SPAM else "offensive"


@dataclass
class Metrics:
    confusion: dict[str, Counter[str]] = field(default_factory=dict)  # label -> predicted

    @classmethod
    def of(cls, labels: Sequence[str], predictions: Sequence[str]) -> Metrics:
        confusion: dict[str, Counter[str]] = {c: Counter() for c in CLASSES}
        for label, predicted in zip(labels, predictions, strict=True):
            confusion[label][predicted] += 1
        return cls(confusion=confusion)

    def per_class(self) -> dict[str, dict[str, float]]:
        result = {}
        for c in CLASSES:
            tp = self.confusion[c][c]
            predicted = sum(self.confusion[label][c] for label in CLASSES)
            actual = sum(self.confusion[c].values())
            precision = tp / predicted if predicted else 0.0
            recall = tp / actual if actual else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            result[c] = {"precision": precision, "recall": recall, "f1": f1, "support": actual}
        return result

    @property
    def accuracy(self) -> float:
        total = sum(sum(row.values()) for row in self.confusion.values())
        return sum(self.confusion[c][c] for c in CLASSES) / total if total else 0.0

    @property
    def macro_f1(self) -> float:
        return sum(m["f1"] for m in self.per_class().values()) / len(CLASSES)

    def as_dict(self) -> dict[str, Any]:
        return {
            "confusion": {label: dict(row) for label, row in self.confusion.items()},
            "per_class": self.per_class(),
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
        }

    def render(self) -> str:
        width = 11
        lines = [
            "label \\ predicted".ljust(19) + "".join(c.rjust(width) for c in CLASSES),
            *(
                f"{label:<19}"
                + "".join(str(self.confusion[label][p]).rjust(width) for p in CLASSES)
                for label in CLASSES
            ),
            "",
            f"{'class':<19}{'precision':>11}{'recall':>11}{'f1':>11}{'support':>11}",
        ]
        for c, m in self.per_class().items():
            lines.append(
                f"{c:<19}{m['precision']:>11.3f}{m['recall']:>11.3f}{m['f1']:>11.3f}"
                f"{int(m['support']):>11}"
            )
        lines.append(f"{'accuracy':<19}{self.accuracy:>11.3f}")
        lines.append(f"{'macro f1':<19}{self.macro_f1:>11.3f}")
        return "\n".join(lines)


@dataclass
class Evaluation:
    rows: list[Row]
    analyses: list[Analysis]
    flagged: Metrics
    removed: Metrics

    def errors(self) -> list[tuple[Row, Analysis, str]]:
        return [
            (row, analysis, predicted_class(analysis))
            for row, analysis in zip(self.rows, self.analyses, strict=True)
            if predicted_class(analysis) != row.label
        ]

    def tag_accuracy(self) -> dict[str, tuple[int, int]]:
        """For each hard-case tag: (right, total) in the flagged view."""
        result: dict[str, list[int]] = {}
        for row, analysis in zip(self.rows, self.analyses, strict=True):
            for tag in row.tags:
                counts = result.setdefault(tag, [0, 0])
                counts[0] += predicted_class(analysis) == row.label
                counts[1] += 1
        return {tag: (right, total) for tag, (right, total) in sorted(result.items())}


def evaluate(analyzer: Analyzer, rows: Sequence[Row]) -> Evaluation:
    analyses = analyzer.analyze_many([row.text for row in rows])
    labels = [row.label for row in rows]
    return Evaluation(
        rows=list(rows),
        analyses=analyses,
        flagged=Metrics.of(labels, [predicted_class(a) for a in analyses]),
        removed=Metrics.of(labels, [predicted_class(a, removals_only=True) for a in analyses]),
    )


def build_default_analyzer() -> Analyzer:
    return build_analyzer(ModerationSettings())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m moderation_service.eval", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--split", choices=("all", "dev", "test"), default="all")
    parser.add_argument("--errors", action="store_true", help="list the misclassified rows")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)

    rows = [r for r in load_dataset(args.dataset) if args.split in ("all", r.split)]
    analyzer = build_default_analyzer()
    result = evaluate(analyzer, rows)
    t = analyzer.thresholds
    if args.json:
        print(
            json.dumps(
                {
                    "dataset": str(args.dataset),
                    "split": args.split,
                    "rows": len(rows),
                    "model": analyzer.model.label,
                    "thresholds": {
                        "review": t.review,
                        "removal": t.removal,
                        "blocklist_alone": t.blocklist_alone,
                    },
                    "flagged": result.flagged.as_dict(),
                    "removed": result.removed.as_dict(),
                    "tags": result.tag_accuracy(),
                },
                indent=2,
            )
        )
        return 0
    out = sys.stdout
    out.write(
        f"dataset {args.dataset} ({args.split}: {len(rows)} rows), model {analyzer.model.label}\n"
        f"thresholds: review {t.review}, removal {t.removal}, "
        f"blocklist alone {t.blocklist_alone}\n\n"
    )
    out.write("Flagged (review or removal) vs clean\n")
    out.write(result.flagged.render() + "\n\n")
    out.write("Automatic removal only\n")
    out.write(result.removed.render() + "\n\n")
    out.write("Hard cases (flagged view): right / total\n")
    for tag, (right, total) in result.tag_accuracy().items():
        out.write(f"  {tag:<16}{right:>4} / {total}\n")
    if args.errors:
        out.write("\nMisclassified (flagged view)\n")
        for row, analysis, predicted in result.errors():
            out.write(
                f"  #{row.id} {row.label} -> {predicted} "
                f"({analysis.decision.value} {analysis.reason.value if analysis.reason else '-'} "
                f"{analysis.scores}) {row.text[:90]!r}\n"
            )
    return 0
