"""Try the analysis on a text (``/analyze``), for moderators tuning the thresholds."""

from __future__ import annotations

from fastapi import APIRouter

from chassis.schemas import error_responses
from moderation_service.analysis.schemas import AnalysisRead, AnalyzeRequest
from moderation_service.core.context import Ctx
from moderation_service.moderations.dependencies import Moderator

router = APIRouter(tags=["analysis"])


@router.post("/analyze", responses=error_responses(401, 403, 413, 422, 503))
async def analyze_text(body: AnalyzeRequest, moderator: Moderator, ctx: Ctx) -> AnalysisRead:
    """Scores and decision for a text under the current thresholds; nothing is stored."""
    analysis = await ctx.analyzer.analyze(body.text)
    return AnalysisRead.of(analysis, ctx.analyzer.thresholds)
