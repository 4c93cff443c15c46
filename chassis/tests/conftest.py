from __future__ import annotations

from pathlib import Path

import pytest

from chassis.service import ServiceDefinition
from chassis.testing import ContractValidator
from tests.demo.app import definition


@pytest.fixture(scope="session")
def service_definition() -> ServiceDefinition:
    # Workers off by default: tests drive the relay and consumer step by step.
    return definition(run_workers=False, consumer_reclaim_idle_ms=50, consumer_max_deliveries=3)


@pytest.fixture(scope="session")
def contracts() -> ContractValidator:
    return ContractValidator(Path(__file__).resolve().parents[2] / "contracts")
