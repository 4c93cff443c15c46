#!/usr/bin/env python3
"""Set up, run, test and lint the platform: what `make up|down|test|lint` call.

Standard library only, so it runs on a fresh machine before anything is installed.
Every service is a folder ``<name>-service/`` with its own virtualenv in ``.venv``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN_DIR = ROOT / ".run"
PYTHON = os.environ.get("PYTHON", sys.executable)
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
HOST = os.environ.get("HOST", "127.0.0.1")

# The seed's ports; a service folder that does not exist yet is simply skipped.
PORTS = {"auth": 8000, "post": 8001, "interaction": 8002, "moderation": 8003, "engagement": 8004}
# Each test suite has its own Redis database number, so suites never see each other's keys.
TEST_REDIS_DB = {"auth": 1, "post": 2, "interaction": 3, "moderation": 4, "engagement": 5}
CHASSIS_TEST_REDIS_DB = 14


@dataclass(frozen=True)
class Service:
    name: str

    @property
    def dir(self) -> Path:
        return ROOT / f"{self.name}-service"

    @property
    def package(self) -> str:
        return f"{self.name}_service"

    @property
    def prefix(self) -> str:
        return f"{self.name.upper()}_"

    @property
    def port(self) -> int:
        return PORTS[self.name]

    @property
    def python(self) -> Path:
        return self.dir / ".venv" / "bin" / "python"

    def env(self, *, test: bool = False) -> dict[str, str]:
        p = self.prefix
        redis_base = REDIS_URL.rsplit("/", 1)[0] if REDIS_URL.count("/") > 2 else REDIS_URL
        env = {
            f"{p}DATABASE_URL": f"{POSTGRES_URL}/social_{self.name}" + ("_test" if test else ""),
            f"{p}REDIS_URL": f"{redis_base}/{TEST_REDIS_DB[self.name]}" if test else REDIS_URL,
            f"{p}AUTH_URL": f"http://127.0.0.1:{PORTS['auth']}",
            f"{p}HOST": HOST,
            f"{p}PORT": str(self.port),
        }
        if test:
            env[f"{p}ENVIRONMENT"] = "test"
        return env


def services() -> list[Service]:
    return [Service(n) for n in PORTS if (ROOT / f"{n}-service" / "pyproject.toml").exists()]


def log(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(cmd: list[str | Path], *, cwd: Path = ROOT, env: dict[str, str] | None = None) -> None:
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=full_env)
    if result.returncode != 0:
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(map(str, cmd))}")


# --- environments --------------------------------------------------------------------------


def _fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if any(part in {".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache",
                            "build"} or part.endswith(".egg-info") for part in file.parts):
                continue
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


_CHASSIS_BUILD = threading.Lock()


def ensure_venv(project: Path, requirement_files: list[str], *, extra: list[str]) -> Path:
    """Create ``project/.venv`` and install pinned requirements; skip when nothing changed."""
    venv = project / ".venv"
    python = venv / "bin" / "python"
    if not python.exists():
        log(f"creating virtualenv {venv.relative_to(ROOT)}")
        run([PYTHON, "-m", "venv", venv])
        run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    inputs = [project / f for f in requirement_files] + [ROOT / "chassis" / "src",
                                                         ROOT / "chassis" / "pyproject.toml"]
    stamp = venv / f".stamp-{'-'.join(f.split('.')[0] for f in requirement_files)}"
    fingerprint = _fingerprint(inputs)
    if stamp.exists() and stamp.read_text() == fingerprint:
        return python
    log(f"installing pinned dependencies into {venv.relative_to(ROOT)}")
    args: list[str | Path] = [python, "-m", "pip", "install", "--quiet"]
    for req in requirement_files:
        args += ["-r", project / req]
    run(args)
    if extra:
        # pip builds the chassis inside its source tree (build/, src/chassis.egg-info): two
        # builds at once trip over each other's files, so they take turns.
        with _CHASSIS_BUILD:
            run([python, "-m", "pip", "install", "--quiet", *extra])
    stamp.write_text(fingerprint)
    return python


def install(*, dev: bool) -> None:
    reqs = ["requirements-dev.txt"] if dev else ["requirements.txt"]
    # --force-reinstall of the chassis alone: same version, newer code in development.
    chassis = ["--force-reinstall", "--no-deps", str(ROOT / "chassis")]
    jobs: list[tuple[Path, list[str], list[str]]] = [(s.dir, reqs, chassis) for s in services()]
    if dev:
        jobs.append((ROOT / "chassis", ["requirements-dev.txt"], ["-e", str(ROOT / "chassis")]))
        # The repository suites drive the platform through chassis helpers (tests/cluster.py).
        jobs.append((ROOT / "tests", ["requirements.txt"], chassis))
    # Virtualenvs are independent: build them side by side (downloads overlap with unpacking).
    with ThreadPoolExecutor(max_workers=3) as pool:
        for future in [pool.submit(ensure_venv, d, r, extra=e) for d, r, e in jobs]:
            future.result()


# --- databases -------------------------------------------------------------------------------


def migrate(*, test: bool) -> None:
    for svc in services():
        log(f"{svc.name}: creating database and applying migrations")
        run([svc.python, "-m", svc.package, "migrate"], cwd=svc.dir, env=svc.env(test=test))


# --- processes -------------------------------------------------------------------------------


def _pid_file(svc: Service) -> Path:
    return RUN_DIR / f"{svc.name}.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start() -> None:
    (RUN_DIR / "logs").mkdir(parents=True, exist_ok=True)
    started = []
    for svc in services():
        pid_file = _pid_file(svc)
        if pid_file.exists() and _alive(int(pid_file.read_text())):
            log(f"{svc.name}: already running (pid {pid_file.read_text().strip()})")
            continue
        if _ready(svc.port):
            raise SystemExit(f"port {svc.port} is taken by a process this script did not start")
        log_file = (RUN_DIR / "logs" / f"{svc.name}.log").open("ab")
        process = subprocess.Popen(
            [str(svc.python), "-m", svc.package, "serve"],
            cwd=svc.dir,
            env={**os.environ, **svc.env()},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        pid_file.write_text(str(process.pid))
        started.append(svc)
    deadline = time.monotonic() + 60
    for svc in started:
        while not _ready(svc.port):
            if time.monotonic() > deadline or not _alive(int(_pid_file(svc).read_text())):
                tail = (RUN_DIR / "logs" / f"{svc.name}.log").read_text()[-3000:]
                raise SystemExit(f"{svc.name} did not become ready; log tail:\n{tail}")
            time.sleep(0.2)
        log(f"{svc.name}: ready")


def stop() -> None:
    for svc in [Service(n) for n in PORTS]:
        pid_file = _pid_file(svc)
        if not pid_file.exists():
            continue
        pid = int(pid_file.read_text())
        if _alive(pid):
            log(f"{svc.name}: stopping (pid {pid})")
            os.killpg(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _alive(pid):
                os.killpg(pid, signal.SIGKILL)
        pid_file.unlink()


def print_urls() -> None:
    print("\nThe platform is up. Swagger UIs:")
    for svc in services():
        print(f"  {svc.name:<12} http://{HOST}:{svc.port}/docs")
    print(f"Logs: {RUN_DIR.relative_to(ROOT)}/logs/<service>.log   Stop: make down\n")


# --- test and lint ---------------------------------------------------------------------------


def test(paths: list[str], *, only: str | None = None) -> None:
    """Every suite: the chassis, each service, then the repository suites (``paths``). With
    ``only`` (``make test SERVICE=post``), just that one: ``chassis``, a service, or ``repo``."""
    known = {"chassis", "repo", *(s.name for s in services())}
    if only is not None and only not in known:
        raise SystemExit(f"SERVICE={only}: not one of {', '.join(sorted(known))}")
    install(dev=True)
    redis_base = REDIS_URL.rsplit("/", 1)[0] if REDIS_URL.count("/") > 2 else REDIS_URL
    if only in (None, "chassis"):
        log("chassis tests")
        run([ROOT / "chassis" / ".venv" / "bin" / "python", "-m", "pytest", "-q"],
            cwd=ROOT / "chassis",
            env={"CHASSIS_TEST_POSTGRES": POSTGRES_URL,
                 "CHASSIS_TEST_REDIS": f"{redis_base}/{CHASSIS_TEST_REDIS_DB}"})
    for svc in services():
        if only in (None, svc.name):
            log(f"{svc.name} tests")
            run([svc.python, "-m", "pytest", "-q"], cwd=svc.dir, env=svc.env(test=True))
    if only in (None, "repo"):
        log("repository tests")
        run([ROOT / "tests" / ".venv" / "bin" / "python", "-m", "pytest", "-q", *paths], cwd=ROOT)


def lint() -> None:
    install(dev=True)
    projects = [(ROOT / "chassis", "src")] + [(s.dir, s.package) for s in services()]
    for project, package in projects:
        python = project / ".venv" / "bin" / "python"
        log(f"lint {project.name}")
        run([python, "-m", "ruff", "check", "."], cwd=project)
        run([python, "-m", "ruff", "format", "--check", "."], cwd=project)
        run([python, "-m", "mypy", package], cwd=project)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["up", "down", "restart", "install", "test", "lint",
                                            "status"])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--only", help="test: one suite (chassis, repo or a service's name)")
    args = parser.parse_args()
    if args.command == "up":
        install(dev=False)
        migrate(test=False)
        start()
        print_urls()
    elif args.command == "down":
        stop()
    elif args.command == "restart":
        stop()
        install(dev=False)
        migrate(test=False)
        start()
        print_urls()
    elif args.command == "install":
        install(dev=True)
    elif args.command == "test":
        test(args.paths or [p for p in ("tests/repo", "tests/e2e", "tests/faults")
                            if (ROOT / p).is_dir()], only=args.only)
    elif args.command == "lint":
        lint()
    elif args.command == "status":
        print(json.dumps({s.name: _ready(s.port) for s in services()}, indent=2))


if __name__ == "__main__":
    main()
