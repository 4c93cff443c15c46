"""Run only the event workers: ``python -m engagement_service.worker``."""

import asyncio

from chassis.service import run_worker
from engagement_service.core.service import build_definition

if __name__ == "__main__":
    asyncio.run(run_worker(build_definition()))
