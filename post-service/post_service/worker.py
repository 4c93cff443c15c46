"""Run only the event workers: ``python -m post_service.worker``."""

import asyncio

from chassis.service import run_worker
from post_service.core.service import build_definition

if __name__ == "__main__":
    asyncio.run(run_worker(build_definition()))
