#!/usr/bin/env python3
"""Re-pin every project's requirements from its ``requirements*.in`` (``make lock``).

For each project: install the ``.in`` file into a throwaway virtualenv (services get the local
chassis too, so its dependencies are pinned with theirs), then freeze. ``requirements-dev.txt``
holds only what the runtime pins do not.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = "# Pinned by `make lock` from {source}; edit the .in file, not this one.\n"


def freeze(requirements: list[Path], extra: list[str]) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip"]
        args = [*pip, "install", "--quiet"]
        for req in requirements:
            args += ["-r", str(req)]
        subprocess.run(args + extra, check=True)
        out = subprocess.run(
            [*pip, "freeze", "--exclude", "chassis", "--exclude", "pip", "--exclude", "setuptools"],
            check=True, capture_output=True, text=True,
        ).stdout
    return sorted(line for line in out.splitlines() if line and not line.startswith("-e"))


def lock(project: Path) -> None:
    is_service = project.name.endswith("-service")
    extra = [str(ROOT / "chassis")] if is_service else []
    runtime: list[str] = []
    if (project / "requirements.in").exists():
        runtime = freeze([project / "requirements.in"], extra)
        (project / "requirements.txt").write_text(
            HEADER.format(source="requirements.in") + "\n".join(runtime) + "\n"
        )
    if (project / "requirements-dev.in").exists():
        dev = freeze([project / "requirements-dev.in"], extra)
        only_dev = [line for line in dev if line not in runtime]
        body = (["-r requirements.txt"] if runtime else []) + only_dev
        (project / "requirements-dev.txt").write_text(
            HEADER.format(source="requirements-dev.in") + "\n".join(body) + "\n"
        )
    print(f"locked {project.relative_to(ROOT)}")


def main() -> None:
    """``lock.py`` re-pins every project; ``lock.py bench post-service`` only those named."""
    projects = [ROOT / "chassis", ROOT / "tests", ROOT / "bench", *sorted(ROOT.glob("*-service"))]
    if sys.argv[1:]:
        projects = [ROOT / name for name in sys.argv[1:]]
    for project in projects:
        if any(project.glob("requirements*.in")):
            lock(project)


if __name__ == "__main__":
    main()
