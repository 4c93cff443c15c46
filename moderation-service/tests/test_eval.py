"""The evaluation set: the offensive class keeps its measured quality; the CLI prints the report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from moderation_service.eval import (
    CLASSES,
    DEFAULT_DATASET,
    Metrics,
    build_default_analyzer,
    evaluate,
    expand,
    load_dataset,
    main,
    racism_terms,
)

# Measured 0.889 on the whole set (README, "Evaluation"); a few points of slack.
OFFENSIVE_F1_FLOOR = 0.85


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return evaluate(build_default_analyzer(), load_dataset())


def test_the_dataset_is_large_labelled_and_split() -> None:
    rows = load_dataset()
    assert len(rows) >= 300
    assert {r.label for r in rows} == set(CLASSES)
    assert {r.split for r in rows} == {"dev", "test"}
    assert len({r.id for r in rows}) == len(rows)
    assert not any("{slur" in r.text for r in rows)  # every marker expanded


def test_the_offensive_class_stays_above_its_floor(result) -> None:  # type: ignore[no-untyped-def]
    offensive = result.flagged.per_class()["offensive"]
    assert offensive["f1"] >= OFFENSIVE_F1_FLOOR, result.flagged.render()


def test_slur_markers_expand_from_the_blocklist() -> None:
    first = racism_terms()[0]
    assert expand("a {slur:0} b", racism_terms()) == f"a {first} b"
    assert expand("{slur:0:spaced}", racism_terms()) == " ".join(first)
    assert expand("{slur:0:leet}", racism_terms()) != first


def test_metrics() -> None:
    metrics = Metrics.of(
        ["clean", "clean", "spam", "offensive"], ["clean", "spam", "spam", "clean"]
    )
    per_class = metrics.per_class()
    assert per_class["spam"]["precision"] == 0.5 and per_class["spam"]["recall"] == 1.0
    assert per_class["offensive"]["f1"] == 0.0
    assert metrics.accuracy == 0.5


def test_the_cli_prints_the_confusion_matrix_and_scores(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--split", "dev", "--errors"]) == 0
    out = capsys.readouterr().out
    assert "label \\ predicted" in out and "precision" in out and "recall" in out
    for name in CLASSES:
        assert name in out
    assert "Automatic removal only" in out and "Hard cases" in out


def test_the_script_runs_from_another_folder(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[1] / "eval" / "evaluate.py"
    done = subprocess.run(
        [sys.executable, str(script), "--json", "--dataset", str(DEFAULT_DATASET)],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert '"offensive"' in done.stdout and '"f1"' in done.stdout
