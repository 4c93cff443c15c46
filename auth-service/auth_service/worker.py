"""Run only the event workers: ``python -m auth_service.worker``."""

import asyncio

from auth_service.core.service import build_definition
from chassis.service import run_worker

if __name__ == "__main__":
    asyncio.run(run_worker(build_definition()))
