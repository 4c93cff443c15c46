"""The platform's event contracts, read from ``contracts/events/<type>.v<N>.json`` at start.

Event types are data, not code: a service names them through ``EventTypes``
(``EVENTS.post_created``), loaded from the contract files, so a misspelled or uncontracted type
fails at import instead of going unnoticed, and no service keeps its own list of names. A
contract may also carry ``"x-evicts-tokens": true``: the chassis then drops the cached tokens
of the user the event names (``data.user_id``) in every service that uses the token check.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_FILE = re.compile(r"^(?P<type>[a-z][a-z0-9_]*)\.v(?P<version>[0-9]+)\.json$")


@dataclass(frozen=True)
class Contract:
    type: str
    version: int
    path: Path
    evicts_tokens: bool


def find_contracts(start: Path) -> Path:
    """The nearest ``contracts/`` folder at or above ``start`` (the repository's in a checkout,
    ``/app/contracts`` in an image)."""
    for folder in [start, *start.parents]:
        candidate = folder / "contracts"
        if (candidate / "events").is_dir():
            return candidate
    raise FileNotFoundError(f"no contracts/events folder at or above {start}")


class EventTypes:
    """The event types that have a contract. ``types.post_created`` is ``"post_created"``;
    ``types.post_craeted`` raises ``AttributeError``."""

    def __init__(self, contracts_dir: Path) -> None:
        self.dir = contracts_dir
        self.contracts: dict[str, Contract] = {}
        for path in sorted((contracts_dir / "events").glob("*.json")):
            match = _FILE.match(path.name)
            if not match:
                raise ValueError(f"contract file not named <type>.v<N>.json: {path}")
            document = json.loads(path.read_text())
            contract = Contract(
                type=match["type"],
                version=int(match["version"]),
                path=path,
                evicts_tokens=bool(document.get("x-evicts-tokens", False)),
            )
            known = self.contracts.get(contract.type)
            if known is None or known.version < contract.version:
                self.contracts[contract.type] = contract

    def __getattr__(self, name: str) -> str:
        if name.startswith("_") or name not in self.contracts:
            raise AttributeError(f"no contract for event type {name!r} in {self.dir / 'events'}")
        return name

    def __contains__(self, event_type: object) -> bool:
        return event_type in self.contracts

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted(self.contracts))

    def evicting_tokens(self) -> list[str]:
        return sorted(t for t, c in self.contracts.items() if c.evicts_tokens)


@lru_cache
def event_types(start: Path) -> EventTypes:
    """The contracts nearest ``start``, loaded once per process."""
    return EventTypes(find_contracts(start))
