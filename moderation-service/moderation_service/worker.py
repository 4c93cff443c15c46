"""Run only the event workers: ``python -m moderation_service.worker``."""

import asyncio

from chassis.service import run_worker
from moderation_service.core.service import build_definition

if __name__ == "__main__":
    asyncio.run(run_worker(build_definition()))
