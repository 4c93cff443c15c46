"""Every service keeps the spine (docs/conventions.md#the-spine), read from its source.

- Database work (the ORM's query methods on models, raw SQL, transactions) is written only in
  a domain's ``queries.py``: rules in ``service.py`` stay readable and testable without SQL.
- Event handlers are registered through the chassis registry (``Consumers.on``) in a domain's
  ``consumers.py``; ``ServiceDefinition`` gets ``consumers=``, never a hand-made ``handlers=``
  map, and no service wires token eviction itself.
- No event type is written as a string: services name them through ``EVENTS.<type>``, loaded
  from contracts/ (``chassis.contracts``).
- No plumbing is copied into a service: no ``resources.extras``, no hand-made context
  dependency, no cursor decoding, no relay of its own.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p for p in ROOT.glob("*-service") if (p / "pyproject.toml").exists())
CONTRACTS = [json.loads(p.read_text()) for p in (ROOT / "contracts" / "events").glob("*.json")]


def _enum_values(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {v for v in node.get("enum", []) if isinstance(v, str)}
        return found.union(*(_enum_values(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_enum_values(v) for v in node))
    return set()


# A contract may allow a field value spelled like an event type (a deletion's reason
# "post_deleted"): that is the field's vocabulary, not an event name.
FIELD_VALUES = set().union(*(_enum_values(c["properties"]["data"]) for c in CONTRACTS))
EVENT_TYPES = {c["title"] for c in CONTRACTS} - FIELD_VALUES
# The ORM's query and write methods, as called on a model class or a queryset/instance.
ORM_CLASS_METHODS = {
    "filter", "exclude", "all", "get", "get_or_none", "create", "get_or_create",
    "update_or_create", "bulk_create", "bulk_update", "select_for_update", "annotate",
    "raw", "exists", "first", "in_bulk",
}  # fmt: skip
DATABASE_CALLS = {
    "execute_query", "execute_query_dict", "execute_many", "execute_script", "in_transaction",
    "save", "refresh_from_db", "fetch_related", "select_related", "prefetch_related",
}  # fmt: skip


def package(service: Path) -> Path:
    return service / service.name.replace("-", "_")


def sources(service: Path) -> Iterator[Path]:
    for path in sorted(package(service).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def model_names(service: Path) -> set[str]:
    """Classes defined in the service's ``models.py`` files."""
    names: set[str] = set()
    for path in package(service).rglob("models.py"):
        tree = ast.parse(path.read_text())
        names |= {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    return names


def database_work(path: Path, models: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        target = node.func.value
        on_model = isinstance(target, ast.Name) and target.id in models
        if (on_model and name in ORM_CLASS_METHODS) or name in DATABASE_CALLS:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{name}(")
    return found


def allowed_database_file(path: Path) -> bool:
    return path.name in ("queries.py", "models.py") or path.parent.name == "core"


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_database_work_lives_in_queries_modules(service: Path) -> None:
    models = model_names(service)
    stray = [
        hit
        for path in sources(service)
        if not allowed_database_file(path)
        for hit in database_work(path, models)
    ]
    assert stray == [], "ORM or SQL outside queries.py:\n" + "\n".join(stray)


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_no_event_type_is_spelled_out(service: Path) -> None:
    literals = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}"
        for path in sources(service)
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and node.value in EVENT_TYPES
    ]
    assert literals == [], "event types written as strings:\n" + "\n".join(literals)


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_handlers_go_through_the_chassis_registry(service: Path) -> None:
    problems = []
    for path in sources(service):
        text = path.read_text()
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "handlers":
                problems.append(f"{path.relative_to(ROOT)}:{node.value.lineno} handlers=")
            if isinstance(node, ast.Name) and node.id == "token_eviction_handler":
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno} wires eviction itself")
        if "@consumers.on(" in text and path.name != "consumers.py":
            problems.append(f"{path.relative_to(ROOT)}: handlers outside consumers.py")
    definition = (package(service) / "core" / "service.py").read_text()
    if "consumers=" not in definition:
        problems.append("core/service.py does not pass consumers= to ServiceDefinition")
    assert problems == [], "\n".join(problems)


COPIED_PLUMBING = {
    "extras": "resources.extras: build_context gives the typed context",
    "urlsafe_b64decode": "a cursor decoder: chassis.pagination.decode_cursor",
    "OutboxRelay": "a relay of its own: chassis.events.relay",
    "add_listener": "a LISTEN loop of its own: chassis.events.relay",
}


@pytest.mark.parametrize("service", SERVICES, ids=lambda p: p.name)
def test_no_plumbing_is_copied_into_a_service(service: Path) -> None:
    copies = []
    for path in sources(service):
        for node in ast.walk(ast.parse(path.read_text())):
            name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
            if name in COPIED_PLUMBING:
                copies.append(f"{path.relative_to(ROOT)}:{node.lineno} {COPIED_PLUMBING[name]}")
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in (
                "get_context",
                "context_of",
                "install_context",
            ):
                copies.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: ContextDep")
    assert copies == [], "\n".join(copies)
