"""What the moderation service's endpoints and handlers need, built once at start-up."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from chassis.clock import Clock
from chassis.service import Resources
from moderation_service.analysis.analyzer import Analyzer, Thresholds
from moderation_service.analysis.blocklist import Blocklist
from moderation_service.analysis.profanity import ProfanityModel
from moderation_service.settings import ModerationSettings

CONTEXT_KEY = "moderation"


@dataclass
class ModerationContext:
    settings: ModerationSettings
    analyzer: Analyzer
    clock: Clock

    def now(self) -> datetime:
        return self.clock.now()


def thresholds_from(settings: ModerationSettings) -> Thresholds:
    return Thresholds(
        review=settings.review_threshold,
        removal=settings.removal_threshold,
        blocklist_alone=settings.blocklist_alone_score,
        duplicate_limit=settings.duplicate_limit,
    )


def build_analyzer(settings: ModerationSettings, model: ProfanityModel | None = None) -> Analyzer:
    return Analyzer(
        model=model or ProfanityModel(),
        blocklist=Blocklist.bundled(settings.blocklist_extra),
        thresholds=thresholds_from(settings),
        budget_seconds=settings.analysis_budget_seconds,
    )


async def install_context(resources: Resources) -> None:
    settings = resources.settings
    assert isinstance(settings, ModerationSettings)
    # Loading the model takes about a second of CPU: keep it off the event loop.
    model = await asyncio.to_thread(ProfanityModel)
    resources.extras[CONTEXT_KEY] = ModerationContext(
        settings=settings, analyzer=build_analyzer(settings, model), clock=Clock()
    )


def context_of(resources: Resources) -> ModerationContext:
    context: ModerationContext = resources.extras[CONTEXT_KEY]
    return context


async def get_context(request: Request) -> ModerationContext:
    return context_of(request.app.state.resources)


Ctx = Annotated[ModerationContext, Depends(get_context)]
