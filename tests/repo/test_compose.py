"""Repo-level checks of the container, compose, CI and Dependabot files.

They need only pytest and PyYAML (tests/requirements.txt) and read files; no
Docker engine, no network. Services are discovered by globbing (``*-service/``,
compose files, Dockerfiles), so the checks keep covering services as they are
added.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

# Folders that are never part of the project's own sources.
SKIP_DIRS = {
    ".git",
    ".venv",
    "venv",
    "node_modules",
    ".run",
    ".tox",
    ".nox",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    "build",
    "dist",
}

# Directories that Dependabot must watch for pip even before they exist
# (the decided layout), in addition to any folder holding a pyproject.toml.
EXPECTED_PIP_DIRS = {
    "/",
    "/chassis",
    "/auth-service",
    "/post-service",
    "/interaction-service",
    "/moderation-service",
    "/engagement-service",
}

SHA_RE = re.compile(r"^[0-9a-f]{40}$")
ROOT_COMPOSE = ROOT / "docker-compose-local.yaml"
CI_WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
DEPENDABOT = ROOT / ".github" / "dependabot.yml"


# --------------------------------------------------------------------------- #
# discovery helpers
# --------------------------------------------------------------------------- #
def _walk(pattern: str) -> list[Path]:
    """Files under ROOT matching ``pattern`` (rglob), outside SKIP_DIRS."""
    return sorted(
        p
        for p in ROOT.rglob(pattern)
        if p.is_file() and not SKIP_DIRS.intersection(p.relative_to(ROOT).parts[:-1])
    )


def compose_files() -> list[Path]:
    patterns = (
        "docker-compose*.yaml",
        "docker-compose*.yml",
        "*/docker-compose.yaml",
        "*/docker-compose.yml",
    )
    found = {p for pat in patterns for p in ROOT.glob(pat) if p.is_file()}
    return sorted(found)


def dockerfiles() -> list[Path]:
    return [p for p in _walk("Dockerfile*") if not p.name.endswith(".dockerignore")]


def service_dirs() -> list[Path]:
    return sorted(p for p in ROOT.glob("*-service") if p.is_dir())


def workflow_files() -> list[Path]:
    wf = ROOT / ".github" / "workflows"
    return sorted([*wf.glob("*.yml"), *wf.glob("*.yaml")])


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def compose_services() -> Iterator[tuple[Path, str, dict[str, Any]]]:
    for path in compose_files():
        data = load_yaml(path) or {}
        for name, svc in (data.get("services") or {}).items():
            yield path, name, svc or {}


def _svc_id(item: tuple[Path, str, dict[str, Any]]) -> str:
    return f"{_rel(item[0])}:{item[1]}"


def is_one_shot(name: str) -> bool:
    return name.endswith("-migrate")


def resolve_dockerfile(compose_path: Path, build: Any) -> Path:
    """Dockerfile of a compose ``build`` (string = context, or mapping)."""
    if isinstance(build, str):
        context, dockerfile = build, "Dockerfile"
    else:
        context = build.get("context", ".")
        dockerfile = build.get("dockerfile", "Dockerfile")
    # context is relative to the compose file's folder, dockerfile to the context.
    return (compose_path.parent / context / dockerfile).resolve()


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with comments and continuations folded."""
    instructions: list[tuple[str, str]] = []
    buf = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # comments may sit between continuation lines too
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        keyword, _, args = buf.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
        buf = ""
    if buf:
        keyword, _, args = buf.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    return instructions


def healthcheck_enabled(hc: Any) -> bool:
    if not isinstance(hc, dict) or hc.get("disable") is True:
        return False
    test = hc.get("test")
    if test in (None, [], "", ["NONE"]):
        return False
    return True


def dockerfile_has_healthcheck(path: Path) -> bool:
    hcs = [args for kw, args in dockerfile_instructions(path) if kw == "HEALTHCHECK"]
    return bool(hcs) and hcs[-1].upper() != "NONE"


def _workflow_on(data: dict[Any, Any]) -> Any:
    # PyYAML (YAML 1.1) reads the bare key `on` as boolean True.
    return data.get("on", data.get(True))


# --------------------------------------------------------------------------- #
# sanity: discovery finds what the layout promises
# --------------------------------------------------------------------------- #
def test_discovery_finds_the_files() -> None:
    assert ROOT_COMPOSE in compose_files()
    assert (ROOT / "auth-service" / "docker-compose.yaml") in compose_files()
    assert (ROOT / "auth-service" / "Dockerfile") in dockerfiles()
    assert (ROOT / "auth-service") in service_dirs()
    assert CI_WORKFLOW.is_file()
    assert DEPENDABOT.is_file()


# --------------------------------------------------------------------------- #
# (a) compose files parse and have services
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("path", compose_files(), ids=_rel)
def test_compose_parses_with_services(path: Path) -> None:
    data = load_yaml(path)
    assert isinstance(data, dict), f"{_rel(path)} is not a YAML mapping"
    services = data.get("services")
    assert isinstance(services, dict) and services, f"{_rel(path)} has no `services` mapping"
    for name, svc in services.items():
        assert isinstance(svc, dict), f"{_rel(path)}: service {name!r} is not a mapping"


# --------------------------------------------------------------------------- #
# (b) build sections point to existing Dockerfiles
# --------------------------------------------------------------------------- #
BUILT_SERVICES = [s for s in compose_services() if "build" in s[2]]


@pytest.mark.parametrize("item", BUILT_SERVICES, ids=_svc_id)
def test_build_points_to_existing_dockerfile(item: tuple[Path, str, dict[str, Any]]) -> None:
    path, name, svc = item
    dockerfile = resolve_dockerfile(path, svc["build"])
    assert dockerfile.is_file(), f"{_rel(path)}:{name} builds from missing {dockerfile}"
    # The image must be built inside the repo (context = repo root or below).
    assert dockerfile.is_relative_to(ROOT), f"{_rel(path)}:{name} builds outside the repo"


# --------------------------------------------------------------------------- #
# (c) every long-running service has a healthcheck
# --------------------------------------------------------------------------- #
LONG_RUNNING = [s for s in compose_services() if not is_one_shot(s[1])]


@pytest.mark.parametrize("item", LONG_RUNNING, ids=_svc_id)
def test_long_running_service_has_healthcheck(item: tuple[Path, str, dict[str, Any]]) -> None:
    path, name, svc = item
    if "healthcheck" in svc:
        # An explicit compose healthcheck wins over the image's, so it must be real.
        assert healthcheck_enabled(svc["healthcheck"]), (
            f"{_rel(path)}:{name} disables its healthcheck"
        )
        return
    if "build" in svc:
        dockerfile = resolve_dockerfile(path, svc["build"])
        if dockerfile.is_file() and dockerfile_has_healthcheck(dockerfile):
            return
    pytest.fail(f"{_rel(path)}:{name} has no healthcheck (compose or Dockerfile HEALTHCHECK)")


# --------------------------------------------------------------------------- #
# (d) Dockerfiles are multi-stage and run as non-root
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("path", dockerfiles(), ids=_rel)
def test_dockerfile_multistage_non_root(path: Path) -> None:
    instructions = dockerfile_instructions(path)
    froms = [i for i, (kw, _) in enumerate(instructions) if kw == "FROM"]
    assert len(froms) >= 2, f"{_rel(path)} is not multi-stage ({len(froms)} FROM)"

    # The USER that counts is the last one of the final stage.
    final_stage = instructions[froms[-1] :]
    users = [args for kw, args in final_stage if kw == "USER"]
    assert users, f"{_rel(path)}: final stage sets no USER (runs as root)"
    user = users[-1].split(":", 1)[0].strip()
    assert user not in {"root", "0", ""}, f"{_rel(path)}: final USER is root"


@pytest.mark.parametrize("path", dockerfiles(), ids=_rel)
def test_dockerfile_has_healthcheck_and_default_serve(path: Path) -> None:
    if not path.parent.name.endswith("-service"):
        pytest.skip("not a service image")
    assert dockerfile_has_healthcheck(path), f"{_rel(path)} has no HEALTHCHECK"
    pkg = path.parent.name.replace("-", "_")
    cmds = [args for kw, args in dockerfile_instructions(path) if kw == "CMD"]
    assert cmds and cmds[-1].replace(" ", "") == f'["python","-m","{pkg}","serve"]', (
        f"{_rel(path)}: default CMD should be python -m {pkg} serve"
    )


SERVICE_DOCKERFILES = [p for p in dockerfiles() if p.parent.name.endswith("-service")]


@pytest.mark.parametrize("path", SERVICE_DOCKERFILES, ids=_rel)
def test_service_image_carries_the_event_contracts(path: Path) -> None:
    """Services load their event types from contracts/ at start (chassis.contracts): the image
    must have them at /app/contracts, the nearest contracts/ above the package."""
    copies = [args for kw, args in dockerfile_instructions(path) if kw == "COPY"]
    assert "contracts/ ./contracts/" in copies, f"{_rel(path)} does not COPY contracts/"


# --------------------------------------------------------------------------- #
# (e) redis is durable (AOF, fsync every second)
# --------------------------------------------------------------------------- #
REDIS_SERVICES = [s for s in compose_services() if s[1] == "redis"]


def test_root_compose_has_redis() -> None:
    assert any(p == ROOT_COMPOSE for p, _, _ in REDIS_SERVICES), "root compose has no redis service"


@pytest.mark.parametrize("item", REDIS_SERVICES, ids=_svc_id)
def test_redis_appendonly(item: tuple[Path, str, dict[str, Any]]) -> None:
    path, name, svc = item
    command = svc.get("command")
    argv = command.split() if isinstance(command, str) else [str(a) for a in command or []]
    joined = " ".join(argv)
    assert argv[:1] == ["redis-server"], f"{_rel(path)}:{name} does not run redis-server"
    assert "--appendonly yes" in joined, f"{_rel(path)}:{name} lacks --appendonly yes"
    assert "--appendfsync everysec" in joined, f"{_rel(path)}:{name} lacks --appendfsync everysec"


# --------------------------------------------------------------------------- #
# (f) depends_on postgres/redis waits for health
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("path", compose_files(), ids=_rel)
def test_depends_on_backing_services_are_healthy(path: Path) -> None:
    services = (load_yaml(path) or {}).get("services") or {}
    problems: list[str] = []
    for name, svc in services.items():
        deps = (svc or {}).get("depends_on")
        if not deps:
            continue
        if isinstance(deps, list):
            # Short form has no condition: it only waits for the container to start.
            bad = [d for d in deps if d in ("postgres", "redis")]
            problems += [f"{name} -> {d} (list form, no condition)" for d in bad]
            continue
        for dep, spec in deps.items():
            if dep in ("postgres", "redis"):
                cond = (spec or {}).get("condition")
                if cond != "service_healthy":
                    problems.append(f"{name} -> {dep} (condition={cond!r})")
    assert not problems, f"{_rel(path)}: must use condition: service_healthy: {problems}"


@pytest.mark.parametrize("path", compose_files(), ids=_rel)
def test_migrate_runs_before_its_service(path: Path) -> None:
    services = (load_yaml(path) or {}).get("services") or {}
    for name in services:
        if not is_one_shot(name):
            continue
        app = name.removesuffix("-migrate")
        if app not in services:
            continue
        deps = services[app].get("depends_on") or {}
        assert isinstance(deps, dict) and (deps.get(name) or {}).get("condition") == (
            "service_completed_successfully"
        ), f"{_rel(path)}: {app} must wait for {name} (service_completed_successfully)"


# --------------------------------------------------------------------------- #
# (g) CI workflow: least privilege, SHA-pinned actions
# --------------------------------------------------------------------------- #
def test_ci_workflow_parses_and_triggers_on_main() -> None:
    data = load_yaml(CI_WORKFLOW)
    assert isinstance(data, dict) and data.get("jobs"), "ci.yml has no jobs"
    on = _workflow_on(data)
    assert isinstance(on, dict) and "push" in on and "pull_request" in on


def test_ci_workflow_least_privilege() -> None:
    data = load_yaml(CI_WORKFLOW)
    perms = data.get("permissions")
    assert perms == {"contents": "read"}, (
        f"top-level permissions must be contents: read, got {perms!r}"
    )
    for job_name, job in data["jobs"].items():
        job_perms = job.get("permissions")
        if job_perms is None:
            continue
        assert isinstance(job_perms, dict), f"job {job_name}: permissions {job_perms!r} too broad"
        writes = {k: v for k, v in job_perms.items() if v not in ("read", "none")}
        assert not writes, f"job {job_name} asks for write permissions: {writes}"


def _uses_refs(data: dict[str, Any]) -> Iterator[str]:
    for job in (data.get("jobs") or {}).values():
        if "uses" in job:  # reusable workflow call
            yield job["uses"]
        for step in job.get("steps") or []:
            if "uses" in step:
                yield step["uses"]


@pytest.mark.parametrize("path", workflow_files(), ids=_rel)
def test_workflow_actions_pinned_to_sha(path: Path) -> None:
    data = load_yaml(path)
    refs = list(_uses_refs(data))
    unpinned = []
    for ref in refs:
        if ref.startswith("./"):
            continue  # local action, versioned with the repo itself
        if ref.startswith("docker://"):
            if "@sha256:" not in ref:
                unpinned.append(ref)
            continue
        _, _, version = ref.partition("@")
        if not SHA_RE.match(version):
            unpinned.append(ref)
    assert not unpinned, f"{_rel(path)}: not pinned to a 40-hex commit SHA: {unpinned}"


@pytest.mark.parametrize("path", workflow_files(), ids=_rel)
def test_workflow_pins_carry_version_comment(path: Path) -> None:
    # `uses: owner/repo@<sha> # vX.Y.Z`: humans (and Dependabot) see the version.
    missing = [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"uses:\s*[^\s#]+@[0-9a-f]{40}\b", line)
        and not re.search(r"#\s*v\d+(\.\d+)*", line)
    ]
    assert not missing, f"{_rel(path)}: SHA pins without a '# vX.Y.Z' comment: {missing}"


# --------------------------------------------------------------------------- #
# (h) Dependabot covers every Python project, Dockerfile and the actions
# --------------------------------------------------------------------------- #
def _dependabot_dirs(ecosystem: str) -> set[str]:
    data = load_yaml(DEPENDABOT)
    dirs: set[str] = set()
    for update in data.get("updates") or []:
        if update.get("package-ecosystem") != ecosystem:
            continue
        entries = [update["directory"]] if "directory" in update else update.get("directories", [])
        dirs.update("/" + d.strip("/") for d in entries)
    return dirs


def _as_dependabot_dir(folder: Path) -> str:
    rel = folder.relative_to(ROOT).as_posix()
    return "/" if rel == "." else "/" + rel


def test_dependabot_parses() -> None:
    data = load_yaml(DEPENDABOT)
    assert data.get("version") == 2
    for update in data["updates"]:
        assert update.get("schedule", {}).get("interval") == "weekly", update


def test_dependabot_covers_python_projects() -> None:
    manifests = _walk("pyproject.toml") + _walk("requirements*.txt")
    present = {_as_dependabot_dir(p.parent) for p in manifests}
    missing = (present | EXPECTED_PIP_DIRS) - _dependabot_dirs("pip")
    assert not missing, f"dependabot pip does not cover: {sorted(missing)}"


def test_dependabot_covers_dockerfiles() -> None:
    present = {_as_dependabot_dir(p.parent) for p in dockerfiles()}
    present |= {_as_dependabot_dir(d) for d in service_dirs()}
    missing = present - _dependabot_dirs("docker")
    assert not missing, f"dependabot docker does not cover: {sorted(missing)}"


def test_dependabot_covers_github_actions() -> None:
    assert "/" in _dependabot_dirs("github-actions")
