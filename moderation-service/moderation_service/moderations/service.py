"""Moderation cases: analysis of new and edited content, the moderators' queue and actions,
removals through the owning services, appeals, and what follows a deletion.

A case moves between four statuses (README, "Cases"):

    APPROVED <-> PENDING_REVIEW -> DELETE_REQUESTED -> DELETE_CONFIRMED
    (APPROVED -> DELETE_REQUESTED too, by a moderator or a re-analysis)

- An analysis sets APPROVED, PENDING_REVIEW or DELETE_REQUESTED (``Decision``).
- DELETE_REQUESTED always comes with a ``content_removal_requested`` event (automatic or a
  moderator's removal alike); the owning service's ``content_removed`` makes it
  DELETE_CONFIRMED.
- A moderator approves PENDING_REVIEW (or dismisses the reports of APPROVED content) and
  removes APPROVED or PENDING_REVIEW content. Anything else is a 409.
- An appeal (the author's, of a removal) keeps the status, since removed content cannot be
  restored from here, and puts the case at the head of the queue; the moderator grants it
  (approve: the case becomes APPROVED, the removal is recorded as overturned) or denies it
  (remove).

The queue is every case that needs a moderator: an open appeal, or content that still exists
and is PENDING_REVIEW or APPROVED with reports nobody has looked at yet.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q, RawSQL
from tortoise.queryset import QuerySet

from chassis.errors import Conflict, NotFound
from chassis.pagination import PageParams, decode_cursor, encode_cursor
from moderation_service.analysis.analyzer import Analysis, Decision, analysed_text
from moderation_service.analysis.text import fingerprint, fingerprint_length
from moderation_service.core import events
from moderation_service.core.context import ModerationContext
from moderation_service.core.vocabulary import ContentType, PostStatus, Reason
from moderation_service.moderations.models import (
    ActionType,
    ActorType,
    Appeal,
    AppealStatus,
    DeletedContent,
    Moderation,
    ModerationAction,
    ModerationStatus,
    TextFingerprint,
)

logger = logging.getLogger("moderation_service.moderations")

QUEUE_ORDER = ("-appealed", "-report_count", "-score", "-id")
_STATUS_OF = {
    Decision.APPROVE: ModerationStatus.APPROVED,
    Decision.REVIEW: ModerationStatus.PENDING_REVIEW,
    Decision.REMOVE: ModerationStatus.DELETE_REQUESTED,
}
_REMOVAL = (ModerationStatus.DELETE_REQUESTED, ModerationStatus.DELETE_CONFIRMED)


# --- helpers -------------------------------------------------------------------------------


def refresh_queue(moderation: Moderation) -> None:
    """Whether the case waits for a moderator (see the module docstring)."""
    alive = moderation.content_deleted_at is None
    moderation.queued = moderation.appealed or (
        alive
        and (
            moderation.status == ModerationStatus.PENDING_REVIEW
            or (moderation.status == ModerationStatus.APPROVED and moderation.open_reports > 0)
        )
    )


def new_action(
    moderation: Moderation,
    action: ActionType,
    *,
    now: datetime,
    from_status: ModerationStatus | None,
    actor_type: ActorType = ActorType.SYSTEM,
    actor_id: uuid.UUID | str | None = None,
    reason: Reason | None = None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> ModerationAction:
    return ModerationAction(
        moderation_id=moderation.id,
        action=action,
        actor_type=actor_type,
        actor_id=actor_id,
        from_status=from_status,
        to_status=moderation.status,
        reason=reason,
        note=note,
        data=data or {},
        created_at=now,
    )


async def record(moderation: Moderation, action: ActionType, **kwargs: Any) -> None:
    await new_action(moderation, action, **kwargs).save()


def removal_event_data(moderation: Moderation) -> dict[str, Any]:
    assert moderation.reason is not None
    return {
        "moderation_id": str(moderation.id),
        "content_type": moderation.content_type.value,
        "content_id": str(moderation.content_id),
        "author_id": str(moderation.author_id),
        "reason": moderation.reason.value,
    }


def _analysis_data(analysis: Analysis) -> dict[str, Any]:
    return {
        "decision": analysis.decision.value,
        "score": analysis.score,
        "scores": analysis.scores,
        "model": analysis.model,
        **analysis.details(),
    }


def _analysis_note(analysis: Analysis) -> str | None:
    if analysis.budget_exceeded:
        return "The analysis did not finish within its time budget; a moderator decides."
    return None


def _apply_analysis(moderation: Moderation, analysis: Analysis) -> None:
    moderation.offensive_score = analysis.offensive
    moderation.spam_score = analysis.spam
    moderation.blocklist_score = analysis.blocklist
    moderation.score = analysis.score
    moderation.details = analysis.details()
    moderation.model = analysis.model
    moderation.decision = analysis.decision
    moderation.reason = analysis.reason


async def _lock(content_type: ContentType, content_id: uuid.UUID) -> Moderation | None:
    return (
        await Moderation.filter(content_type=content_type, content_id=content_id)
        .select_for_update()
        .first()
    )


async def get_for_update(moderation_id: uuid.UUID) -> Moderation:
    moderation = await Moderation.filter(id=moderation_id).select_for_update().first()
    if moderation is None:
        raise NotFound("No such moderation case")
    return moderation


# --- who may see the content -------------------------------------------------------------


def _set_post_status(moderation: Moderation, status: PostStatus | None, *, at: datetime) -> bool:
    """Take a post's status from an event of the post service's time ``at`` (its
    ``updated_at``), unless an event as recent told us already; whether it was taken."""
    if status is None:
        return False
    if moderation.post_status_at is not None and at <= moderation.post_status_at:
        return False
    moderation.post_status, moderation.post_status_at = status, at
    return True


async def update_post_status(post_id: uuid.UUID, *, status: PostStatus, at: datetime) -> bool:
    """A ``post_updated`` that changed no text: only the post's status may have changed.
    Returns whether the post has a case (without one, the event is the first we hear of it)."""
    moderation = await _lock(ContentType.POST, post_id)
    if moderation is None:
        return False
    if _set_post_status(moderation, status, at=at):
        await moderation.save(update_fields=["post_status", "post_status_at", "updated_at"])
    return True


def _sees_post(post: Moderation, user_id: str) -> bool:
    # The post service's rule: a POSTED post is visible to everyone signed in; a DRAFT or an
    # ARCHIVED one (or one whose status we never learnt) only to its author.
    return post.post_status == PostStatus.POSTED or str(post.author_id) == user_id


async def can_see(moderation: Moderation, user_id: str) -> bool:
    """Whether ``user_id`` can see the content of the case (assumed not deleted): a post as the
    post service shows it, a comment when its post is visible to them."""
    if moderation.content_type == ContentType.POST:
        return _sees_post(moderation, user_id)
    post = await Moderation.get_or_none(
        content_type=ContentType.POST, content_id=moderation.post_id
    )
    if post is None:
        # A comment is only ever written on a POSTED post (post_comment_created), and we have
        # heard nothing of the post since.
        return True
    return post.content_deleted_at is None and _sees_post(post, user_id)


# --- analysis ------------------------------------------------------------------------------


async def _count_copies(
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
    await TextFingerprint.bulk_create(
        [
            TextFingerprint(
                author_id=author_id,
                fingerprint=digest,
                content_type=content_type,
                content_id=content_id,
                seen_at=seen_at,
            )
        ],
        on_conflict=["content_type", "content_id"],
        update_fields=["fingerprint", "seen_at", "author_id"],
    )
    if fingerprint_length(text) < ctx.settings.duplicate_min_chars:
        return 1
    window = timedelta(hours=ctx.settings.duplicate_window_hours)
    others = (
        await TextFingerprint.filter(
            author_id=author_id,
            fingerprint=digest,
            seen_at__gte=seen_at - window,
            seen_at__lte=seen_at + window,
        )
        .exclude(content_id=content_id)  # ids are UUIDs: unique across posts and comments
        .count()
    )
    return others + 1


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
    gone = Q(content_type=content_type, content_id=content_id)
    if post_id is not None:
        gone |= Q(content_type=ContentType.POST, content_id=post_id)
    if await DeletedContent.filter(gone).exists():
        return None
    moderation = await _lock(content_type, content_id)
    if moderation is not None and (
        version_at <= moderation.version_at
        or moderation.content_deleted_at is not None
        or moderation.status == ModerationStatus.DELETE_CONFIRMED
    ):
        # An older version, or content that is gone: nothing to judge.
        if _set_post_status(moderation, post_status, at=version_at):
            await moderation.save(update_fields=["post_status", "post_status_at", "updated_at"])
        return moderation
    now = ctx.now()
    text = analysed_text(title, content)
    copies = await _count_copies(
        ctx,
        text=text,
        author_id=author_id,
        content_type=content_type,
        content_id=content_id,
        seen_at=version_at,
    )
    analysis = await ctx.analyzer.analyze(text, duplicates=copies)
    if moderation is None:
        return await _open_case(
            ctx,
            analysis,
            content_type=content_type,
            content_id=content_id,
            author_id=author_id,
            post_id=post_id,
            title=title,
            content=content,
            version_at=version_at,
            post_status=post_status,
            now=now,
        )
    _set_post_status(moderation, post_status, at=version_at)
    return await _reanalyse(ctx, moderation, analysis, title, content, version_at, now)


async def _open_case(
    ctx: ModerationContext,
    analysis: Analysis,
    *,
    content_type: ContentType,
    content_id: uuid.UUID,
    author_id: uuid.UUID,
    post_id: uuid.UUID | None,
    title: str | None,
    content: str,
    version_at: datetime,
    post_status: PostStatus | None,
    now: datetime,
) -> Moderation:
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
        status=_STATUS_OF[analysis.decision],
        decided_at=now,
    )
    _apply_analysis(moderation, analysis)
    refresh_queue(moderation)
    await moderation.save()
    await record(
        moderation,
        ActionType.ANALYSED,
        now=now,
        from_status=None,
        reason=analysis.reason,
        note=_analysis_note(analysis),
        data=_analysis_data(analysis),
    )
    if moderation.status == ModerationStatus.DELETE_REQUESTED:
        await _emit_removal(moderation, now=now, from_status=None)
    return moderation


async def _reanalyse(
    ctx: ModerationContext,
    moderation: Moderation,
    analysis: Analysis,
    title: str | None,
    content: str,
    version_at: datetime,
    now: datetime,
) -> Moderation:
    previous = moderation.status
    moderation.title, moderation.content, moderation.version_at = title, content, version_at
    if previous == ModerationStatus.DELETE_REQUESTED:
        # The removal is on its way; the new text is kept for the moderators, the status stays.
        moderation.offensive_score = analysis.offensive
        moderation.spam_score = analysis.spam
        moderation.blocklist_score = analysis.blocklist
        moderation.details, moderation.model = analysis.details(), analysis.model
        await moderation.save()
        await record(
            moderation,
            ActionType.REANALYSED,
            now=now,
            from_status=previous,
            reason=analysis.reason,
            note="Edited while its removal was pending; the removal stands.",
            data=_analysis_data(analysis),
        )
        return moderation
    _apply_analysis(moderation, analysis)
    status = _STATUS_OF[analysis.decision]
    if (
        status == ModerationStatus.APPROVED
        and moderation.open_reports >= ctx.settings.reports_to_review
    ):
        status = ModerationStatus.PENDING_REVIEW  # reported content stays in review
    moderation.status = status
    moderation.decided_at = now
    refresh_queue(moderation)
    await moderation.save()
    await record(
        moderation,
        ActionType.REANALYSED,
        now=now,
        from_status=previous,
        reason=analysis.reason,
        note=_analysis_note(analysis),
        data=_analysis_data(analysis),
    )
    if status == ModerationStatus.DELETE_REQUESTED:
        await _emit_removal(moderation, now=now, from_status=previous)
    return moderation


async def _emit_removal(
    moderation: Moderation,
    *,
    now: datetime,
    from_status: ModerationStatus | None,
    actor_type: ActorType = ActorType.SYSTEM,
    actor_id: str | None = None,
    note: str | None = None,
) -> None:
    await events.outbox.add(events.CONTENT_REMOVAL_REQUESTED, removal_event_data(moderation))
    await record(
        moderation,
        ActionType.REMOVAL_REQUESTED,
        now=now,
        from_status=from_status,
        actor_type=actor_type,
        actor_id=actor_id,
        reason=moderation.reason,
        note=note,
    )


# --- deletions -----------------------------------------------------------------------------


async def mark_content_deleted(
    ctx: ModerationContext,
    *,
    content_type: ContentType,
    content_id: uuid.UUID,
    deleted_by: str,
) -> None:
    """The owning service deleted the content: remember it, and take its case (and, for a
    post, its comments' cases) out of the queue."""
    now = ctx.now()
    await DeletedContent.bulk_create(
        [DeletedContent(content_type=content_type, content_id=content_id, deleted_at=now)],
        ignore_conflicts=True,
    )
    cases = []
    own = await _lock(content_type, content_id)
    if own is not None and own.content_deleted_at is None:
        cases.append(own)
    if content_type == ContentType.POST:
        cases += await Moderation.filter(
            content_type=ContentType.COMMENT, post_id=content_id, content_deleted_at=None
        ).select_for_update()
    actions = []
    for moderation in cases:
        moderation.content_deleted_at = now
        refresh_queue(moderation)
        await moderation.save(update_fields=["content_deleted_at", "queued", "updated_at"])
        note = f"Deleted by its owner service ({deleted_by})"
        if moderation.content_id != content_id:
            note = f"Its post was deleted ({deleted_by})"
        actions.append(
            new_action(
                moderation,
                ActionType.CONTENT_DELETED,
                now=now,
                from_status=moderation.status,
                note=note,
            )
        )
    if actions:
        await ModerationAction.bulk_create(actions)


async def confirm_removal(
    ctx: ModerationContext,
    *,
    moderation_id: uuid.UUID,
    content_type: ContentType,
    content_id: uuid.UUID,
    already_gone: bool,
) -> Moderation | None:
    """The owning service removed the content we asked it to remove."""
    now = ctx.now()
    await DeletedContent.bulk_create(
        [DeletedContent(content_type=content_type, content_id=content_id, deleted_at=now)],
        ignore_conflicts=True,
    )
    moderation = await Moderation.filter(id=moderation_id).select_for_update().first()
    if moderation is None or (moderation.content_type, moderation.content_id) != (
        content_type,
        content_id,
    ):
        logger.warning(
            "content_removed for an unknown moderation case",
            extra={"moderation_id": str(moderation_id), "content_id": str(content_id)},
        )
        return None
    if moderation.status == ModerationStatus.DELETE_CONFIRMED:
        return moderation
    previous = moderation.status
    moderation.status = ModerationStatus.DELETE_CONFIRMED
    moderation.content_deleted_at = moderation.content_deleted_at or now
    refresh_queue(moderation)
    await moderation.save()
    await record(
        moderation,
        ActionType.REMOVAL_CONFIRMED,
        now=now,
        from_status=previous,
        reason=moderation.reason,
        data={"already_gone": already_gone},
    )
    return moderation


async def forget_user(ctx: ModerationContext, *, user_id: uuid.UUID) -> None:
    """The account was deleted: its reports and appeals go; the cases of its content stay (the
    decisions are the platform's record) but lose the text."""
    from moderation_service.reports.models import Report
    from moderation_service.reports.service import recount_reports

    now = ctx.now()
    reported = await Report.filter(reporter_id=user_id).values_list("moderation_id", flat=True)
    appealed = await Appeal.filter(author_id=user_id).values_list("moderation_id", flat=True)
    await Report.filter(reporter_id=user_id).delete()
    await Appeal.filter(author_id=user_id).delete()
    touched = list({*reported, *appealed})
    for moderation in await Moderation.filter(id__in=touched).select_for_update():
        await recount_reports(moderation)
        if moderation.id in appealed:
            moderation.appealed = False
        refresh_queue(moderation)
        await moderation.save()

    await TextFingerprint.filter(author_id=user_id).delete()
    authored = await Moderation.filter(author_id=user_id, content__isnull=False).select_for_update()
    for moderation in authored:
        moderation.title = moderation.content = None
        await moderation.save(update_fields=["title", "content", "updated_at"])
    await ModerationAction.bulk_create(
        [new_action(m, ActionType.AUTHOR_DELETED, now=now, from_status=m.status) for m in authored]
    )


# --- moderators ----------------------------------------------------------------------------


async def list_moderations(
    *,
    page: PageParams,
    status: ModerationStatus | None,
    content_type: ContentType | None,
    reason: Reason | None,
    author_id: uuid.UUID | None,
) -> tuple[list[Moderation], str | None]:
    """The queue (no status given) or every case of a status, highest priority first: open
    appeals, then the number of reports, then the score."""
    query = Moderation.filter(status=status) if status else Moderation.filter(queued=True)
    if content_type:
        query = query.filter(content_type=content_type)
    if reason:
        query = query.filter(reason=reason)
    if author_id:
        query = query.filter(author_id=author_id)
    return await _priority_page(query, page)


async def _priority_page(
    query: QuerySet[Moderation], page: PageParams
) -> tuple[list[Moderation], str | None]:
    """Keyset pagination in ``QUEUE_ORDER``, like the chassis's ``keyset_page`` but with one
    row comparison, ``(appealed, report_count, score, id) < cursor``: every key is descending,
    so Postgres uses it as an index bound and a deep page costs what the first one does. The
    chassis's OR-expanded condition bounds only the leading key, here a boolean, and filters
    the rest row by row (README, "Query plans")."""
    if page.cursor:
        query = query.annotate(after_cursor=RawSQL(_after_cursor(page.cursor))).filter(
            after_cursor=True
        )
    rows = await query.order_by(*QUEUE_ORDER).limit(page.limit + 1)
    if len(rows) <= page.limit:
        return rows, None
    rows = rows[: page.limit]
    last = rows[-1]
    return rows, encode_cursor([last.appealed, last.report_count, last.score, last.id])


def _after_cursor(cursor: str) -> str:
    # The chassis returns exactly a bool, an int32, a finite float and a UUID (anything else is
    # a 400 invalid_cursor), and each is rendered below in a form that cannot carry SQL: the
    # literals are safe to inline.
    appealed, reports, score, last_id = decode_cursor(cursor, ("bool", "int32", "float", "uuid"))
    return (
        '(("appealed", "report_count", "score", "id") < '
        f"({'true' if appealed else 'false'}, {int(reports)}, {float(score)!r}::float8, "
        f"'{uuid.UUID(str(last_id))}'::uuid))"
    )


async def get_moderation(moderation_id: uuid.UUID) -> Moderation:
    moderation = await Moderation.get_or_none(id=moderation_id)
    if moderation is None:
        raise NotFound("No such moderation case")
    return moderation


async def case_history(moderation: Moderation) -> list[ModerationAction]:
    return await ModerationAction.filter(moderation_id=moderation.id).order_by("id")


async def case_appeal(moderation: Moderation) -> Appeal | None:
    return await Appeal.get_or_none(moderation_id=moderation.id)


async def approve(
    ctx: ModerationContext, *, moderation_id: uuid.UUID, moderator_id: str, note: str | None
) -> Moderation:
    """Approve content waiting for review, dismiss reports, or grant an appeal."""
    moderation = await get_for_update(moderation_id)
    now = ctx.now()
    previous = moderation.status
    if moderation.appealed:
        if previous == ModerationStatus.DELETE_REQUESTED:
            raise Conflict(
                "The removal is still in progress; decide the appeal once it is confirmed",
                code="removal_in_progress",
            )
        await _resolve_appeal(moderation, AppealStatus.GRANTED, moderator_id=moderator_id, now=now)
        moderation.status = ModerationStatus.APPROVED
        action = ActionType.APPEAL_GRANTED
        note = note or "Removal overturned; the removed content is not restored automatically."
    elif moderation.content_deleted_at is not None:
        raise Conflict("The content no longer exists", code="content_gone")
    elif previous == ModerationStatus.PENDING_REVIEW or (
        previous == ModerationStatus.APPROVED and moderation.open_reports > 0
    ):
        moderation.status = ModerationStatus.APPROVED
        action = ActionType.APPROVED
    else:
        raise Conflict(
            f"A case in status {previous.value} cannot be approved", code="invalid_transition"
        )
    moderation.open_reports = 0
    moderation.decided_at = moderation.reviewed_at = now
    refresh_queue(moderation)
    await moderation.save()
    await record(
        moderation,
        action,
        now=now,
        from_status=previous,
        actor_type=ActorType.MODERATOR,
        actor_id=moderator_id,
        note=note,
    )
    return moderation


async def remove(
    ctx: ModerationContext,
    *,
    moderation_id: uuid.UUID,
    moderator_id: str,
    reason: Reason,
    note: str | None,
) -> Moderation:
    """Ask the owning service to remove the content (the same event path as an automatic
    removal), or deny an appeal of a removal."""
    moderation = await get_for_update(moderation_id)
    now = ctx.now()
    previous = moderation.status
    if moderation.appealed:
        await _resolve_appeal(moderation, AppealStatus.DENIED, moderator_id=moderator_id, now=now)
        moderation.reviewed_at = now
        refresh_queue(moderation)
        await moderation.save()
        await record(
            moderation,
            ActionType.APPEAL_DENIED,
            now=now,
            from_status=previous,
            actor_type=ActorType.MODERATOR,
            actor_id=moderator_id,
            reason=reason,
            note=note,
        )
        return moderation
    if moderation.content_deleted_at is not None:
        raise Conflict("The content no longer exists", code="content_gone")
    if previous in _REMOVAL:
        raise Conflict(
            f"A case in status {previous.value} cannot be removed again", code="invalid_transition"
        )
    moderation.status = ModerationStatus.DELETE_REQUESTED
    moderation.reason = reason
    moderation.open_reports = 0
    moderation.decided_at = moderation.reviewed_at = now
    refresh_queue(moderation)
    await moderation.save()
    await _emit_removal(
        moderation,
        now=now,
        from_status=previous,
        actor_type=ActorType.MODERATOR,
        actor_id=moderator_id,
        note=note,
    )
    return moderation


async def _resolve_appeal(
    moderation: Moderation, status: AppealStatus, *, moderator_id: str, now: datetime
) -> None:
    await Appeal.filter(moderation_id=moderation.id, status=AppealStatus.OPEN).update(
        status=status, resolved_at=now, resolved_by=moderator_id
    )
    moderation.appealed = False


# --- authors -------------------------------------------------------------------------------


async def appeal(
    ctx: ModerationContext, *, moderation_id: uuid.UUID, user_id: str, note: str
) -> Appeal:
    """The author contests the removal of their content (once, within the window)."""
    moderation = await Moderation.filter(id=moderation_id).select_for_update().first()
    # Anyone but the author learns nothing, not even that the case exists.
    if moderation is None or str(moderation.author_id) != user_id:
        raise NotFound("No such moderation case")
    if await Appeal.exists(moderation_id=moderation.id):
        raise Conflict("This decision was already appealed", code="already_appealed")
    if moderation.status not in _REMOVAL:
        raise Conflict("Only a removal can be appealed", code="not_appealable")
    window = timedelta(days=ctx.settings.appeal_window_days)
    now = ctx.now()
    if now > moderation.decided_at + window:
        raise Conflict("The time to appeal this decision has passed", code="appeal_window_closed")
    created = await Appeal.create(
        moderation_id=moderation.id, author_id=moderation.author_id, note=note, created_at=now
    )
    moderation.appealed = True
    refresh_queue(moderation)
    await moderation.save(update_fields=["appealed", "queued", "updated_at"])
    await record(
        moderation,
        ActionType.APPEALED,
        now=now,
        from_status=moderation.status,
        actor_type=ActorType.USER,
        actor_id=user_id,
    )
    return created
