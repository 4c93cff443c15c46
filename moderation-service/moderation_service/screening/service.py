"""Screening: every new or edited post and comment is analysed (``analysis``) and gets its
case, or its case is judged again.

- A deletion that arrived first wins: content known to be gone (or whose post is) is not
  analysed.
- Each case keeps the owner's timestamp of the analysed version; an older or equal version
  changes nothing but, for a post, a newer status.
- An edit while a removal is pending keeps the removal: the new text and scores are recorded
  for the moderators, the status stays.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from moderation_service.analysis.analyzer import Analysis, analysed_text
from moderation_service.analysis.text import fingerprint, fingerprint_length
from moderation_service.core.context import ModerationContext
from moderation_service.core.vocabulary import ContentType, PostStatus
from moderation_service.moderations import queries as cases
from moderation_service.moderations.models import ActionType, Moderation, ModerationStatus
from moderation_service.moderations.rules import (
    STATUS_OF,
    refresh_queue,
    status_after_analysis,
    take_post_status,
)
from moderation_service.moderations.service import record, request_removal
from moderation_service.screening import queries

POST_STATUS_FIELDS = ["post_status", "post_status_at", "updated_at"]


# --- rules (pure) ----------------------------------------------------------------------------


def nothing_to_judge(moderation: Moderation, version_at: datetime) -> bool:
    """An older (or the same) version than the one analysed, or content that is gone."""
    return (
        version_at <= moderation.version_at
        or moderation.content_deleted_at is not None
        or moderation.status == ModerationStatus.DELETE_CONFIRMED
    )


def counts_as_copy(text: str, *, min_chars: int) -> bool:
    """Whether a text is long enough for the duplicate rule ("thanks!" never counts)."""
    return fingerprint_length(text) >= min_chars


def analysis_data(analysis: Analysis) -> dict[str, Any]:
    """An analysis as its history entry keeps it."""
    return {
        "decision": analysis.decision.value,
        "score": analysis.score,
        "scores": analysis.scores,
        "model": analysis.model,
        **analysis.details(),
    }


def analysis_note(analysis: Analysis) -> str | None:
    if analysis.budget_exceeded:
        return "The analysis did not finish within its time budget; a moderator decides."
    return None


def take_signals(moderation: Moderation, analysis: Analysis) -> None:
    """What the analysis measured, without the combined score it decided on."""
    moderation.offensive_score = analysis.offensive
    moderation.spam_score = analysis.spam
    moderation.blocklist_score = analysis.blocklist
    moderation.details = analysis.details()
    moderation.model = analysis.model


def take_analysis(moderation: Moderation, analysis: Analysis) -> None:
    """The whole analysis: its signals, score, decision and reason."""
    take_signals(moderation, analysis)
    moderation.score = analysis.score
    moderation.decision = analysis.decision
    moderation.reason = analysis.reason


# --- the analysis of an event's content -------------------------------------------------------


async def update_post_status(post_id: uuid.UUID, *, status: PostStatus, at: datetime) -> bool:
    """A ``post_updated`` that changed no text: only the post's status may have changed.
    Returns whether the post has a case (without one, the event is the first we hear of it)."""
    moderation = await cases.lock_case(ContentType.POST, post_id)
    if moderation is None:
        return False
    if take_post_status(moderation, status, at=at):
        await cases.save_case(moderation, fields=POST_STATUS_FIELDS)
    return True


async def analyse_content(
    ctx: ModerationContext,
    *,
    content_type: ContentType,
    content_id: uuid.UUID,
    author_id: uuid.UUID,
    post_id: uuid.UUID | None,
    title: str | None,
    content: str,
    version_at: datetime,
    post_status: PostStatus | None = None,
) -> Moderation | None:
    """Analyse a new or edited post or comment and act on the decision; a post's event also
    brings its status (``post_status``, None for comments).

    Returns None when the content is already gone (a deletion that arrived first wins) and the
    case, unchanged but for a newer status, when this version is not newer than the one
    analysed.
    """
    if await queries.is_deleted(content_type, content_id, post_id=post_id):
        return None
    moderation = await cases.lock_case(content_type, content_id)
    if moderation is not None and nothing_to_judge(moderation, version_at):
        if take_post_status(moderation, post_status, at=version_at):
            await cases.save_case(moderation, fields=POST_STATUS_FIELDS)
        return moderation
    now = ctx.now()
    text = analysed_text(title, content)
    copies = await count_copies(
        ctx,
        text=text,
        author_id=author_id,
        content_type=content_type,
        content_id=content_id,
        seen_at=version_at,
    )
    analysis = await ctx.analyzer.analyze(text, duplicates=copies)
    if moderation is None:
        moderation = Moderation(
            id=uuid.uuid4(),
            content_type=content_type,
            content_id=content_id,
            author_id=author_id,
            post_id=post_id,
            title=title,
            content=content,
            version_at=version_at,
            post_status=post_status,
            post_status_at=None if post_status is None else version_at,
            status=STATUS_OF[analysis.decision],
            decided_at=now,
        )
        return await _open_case(moderation, analysis, now=now)
    take_post_status(moderation, post_status, at=version_at)
    moderation.title, moderation.content, moderation.version_at = title, content, version_at
    return await _reanalyse(ctx, moderation, analysis, now=now)


async def count_copies(
    ctx: ModerationContext,
    *,
    text: str,
    author_id: uuid.UUID,
    content_type: ContentType,
    content_id: uuid.UUID,
    seen_at: datetime,
) -> int:
    """Record this content's fingerprint; return how many copies of the text (this one
    included) its author posted within the window."""
    digest = fingerprint(text)
    await queries.upsert_fingerprint(
        author_id=author_id,
        fingerprint=digest,
        content_type=content_type,
        content_id=content_id,
        seen_at=seen_at,
    )
    if not counts_as_copy(text, min_chars=ctx.settings.duplicate_min_chars):
        return 1
    window = timedelta(hours=ctx.settings.duplicate_window_hours)
    others = await queries.count_other_copies(
        author_id=author_id,
        fingerprint=digest,
        since=seen_at - window,
        until=seen_at + window,
        excluding=content_id,
    )
    return others + 1


async def _open_case(moderation: Moderation, analysis: Analysis, *, now: datetime) -> Moderation:
    take_analysis(moderation, analysis)
    refresh_queue(moderation)
    await queries.insert_case(moderation)
    await _record_analysis(moderation, ActionType.ANALYSED, analysis, now=now, from_status=None)
    return moderation


async def _record_analysis(
    moderation: Moderation,
    action: ActionType,
    analysis: Analysis,
    *,
    now: datetime,
    from_status: ModerationStatus | None,
) -> None:
    """The history entry of an analysis that decided the case, and the removal it may ask for."""
    await record(
        moderation,
        action,
        now=now,
        from_status=from_status,
        reason=analysis.reason,
        note=analysis_note(analysis),
        data=analysis_data(analysis),
    )
    if moderation.status == ModerationStatus.DELETE_REQUESTED:
        await request_removal(moderation, now=now, from_status=from_status)


async def _reanalyse(
    ctx: ModerationContext, moderation: Moderation, analysis: Analysis, *, now: datetime
) -> Moderation:
    previous = moderation.status
    if previous == ModerationStatus.DELETE_REQUESTED:
        # The removal is on its way; the new text is kept for the moderators, the status stays.
        take_signals(moderation, analysis)
        await cases.save_case(moderation)
        await record(
            moderation,
            ActionType.REANALYSED,
            now=now,
            from_status=previous,
            reason=analysis.reason,
            note="Edited while its removal was pending; the removal stands.",
            data=analysis_data(analysis),
        )
        return moderation
    take_analysis(moderation, analysis)
    moderation.status = status_after_analysis(
        analysis.decision,
        open_reports=moderation.open_reports,
        reports_to_review=ctx.settings.reports_to_review,
    )
    moderation.decided_at = now
    refresh_queue(moderation)
    await cases.save_case(moderation)
    await _record_analysis(
        moderation, ActionType.REANALYSED, analysis, now=now, from_status=previous
    )
    return moderation


async def prune_fingerprints(ctx: ModerationContext) -> int:
    """Forget text fingerprints older than twice the duplicate window."""
    window = timedelta(hours=ctx.settings.duplicate_window_hours)
    return await queries.delete_fingerprints_seen_before(ctx.now() - 2 * window)
