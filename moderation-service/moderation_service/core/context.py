"""What the moderation service's endpoints and handlers need, built once at start-up."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from chassis.clock import Clock
from chassis.service import ContextDep, Resources
from moderation_service.analysis.analyzer import Analyzer, build_analyzer
from moderation_service.analysis.profanity import ProfanityModel
from moderation_service.settings import ModerationSettings


@dataclass
class ModerationContext:
    settings: ModerationSettings
    analyzer: Analyzer
    clock: Clock

    def now(self) -> datetime:
        return self.clock.now()


async def build_context(resources: Resources) -> ModerationContext:
    settings = resources.settings
    assert isinstance(settings, ModerationSettings)
    # Loading the model takes about a second of CPU: keep it off the event loop.
    model = await asyncio.to_thread(ProfanityModel)
    return ModerationContext(
        settings=settings, analyzer=build_analyzer(settings, model), clock=Clock()
    )


Ctx = Annotated[ModerationContext, ContextDep]
