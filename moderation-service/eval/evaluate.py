#!/usr/bin/env python3
"""Evaluate the moderation analysis from anywhere: ``python3 moderation-service/eval/evaluate.py``.

The same as ``python -m moderation_service.eval`` run in the service folder (same options:
``--split all|dev|test``, ``--errors``, ``--json``). When started with an interpreter that
lacks the service's dependencies, it re-runs itself with the service's virtualenv.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[1]


def main() -> int:
    if importlib.util.find_spec("profanity_check") is None:
        venv_python = SERVICE / ".venv" / "bin" / "python"
        in_venv = Path(sys.prefix).resolve() == (SERVICE / ".venv").resolve()
        if venv_python.exists() and not in_venv:
            os.execv(str(venv_python), [str(venv_python), __file__, *sys.argv[1:]])  # noqa: S606
        sys.exit(f"alt-profanity-check is not installed; create {SERVICE}/.venv first")
    sys.path.insert(0, str(SERVICE))
    # Found only now, on the path just added (and with the dependencies just checked).
    evaluation = importlib.import_module("moderation_service.eval")
    result: int = evaluation.main(sys.argv[1:])
    return result


if __name__ == "__main__":
    sys.exit(main())
