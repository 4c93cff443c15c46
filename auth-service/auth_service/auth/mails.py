"""The mails this service sends: (subject, body) for each purpose, and the worker that sends
the mails of forgot-password and resend-activation.

Sign-up mails its activation link itself, after its commit (a background task): its answer
already says whether the address was free. Forgot-password and resend-activation must not
tell, not even by their timing, so their request path only queues the request
(``service.queue_mail_request``, one row whatever the address) and ``deliver_queued_mails``,
a job of the worker, does the lookup, the token and the mail.
"""

from __future__ import annotations

from auth_service.auth import queries, service
from auth_service.auth.models import TokenPurpose
from auth_service.core.context import AuthContext
from auth_service.core.mail import send_quietly
from auth_service.settings import AuthSettings

Mail = tuple[str, str]

MAIL_QUEUE_BATCH = 100


def activation_mail(settings: AuthSettings, token: str) -> Mail:
    return (
        "Activate your account",
        "Welcome! Confirm your email address to activate your account.\n\n"
        f"Activation token: {token}\n\n"
        f'POST {settings.public_url}/api/v1/auth/activate with {{"token": "{token}"}}\n'
        f"The token expires in {settings.activation_token_hours} hours.\n",
    )


def reset_mail(settings: AuthSettings, token: str) -> Mail:
    return (
        "Reset your password",
        "Someone asked to reset the password of this account. If it was not you, "
        "ignore this mail.\n\n"
        f"Reset token: {token}\n\n"
        f"POST {settings.public_url}/api/v1/auth/reset-password with "
        f'{{"token": "{token}", "new_password": "..."}}\n'
        f"The token expires in {settings.reset_token_minutes} minutes.\n",
    )


async def _deliver_batch(ctx: AuthContext, batch_size: int) -> int:
    outgoing: list[tuple[str, Mail]] = []
    async with queries.transaction():
        # Workers of several replicas share the queue, each request taken once.
        requests = await queries.lock_mail_requests(batch_size)
        for request in requests:
            found = await service.issue_requested_token(ctx, request)
            if found is not None:
                user, token = found
                build = reset_mail if request.purpose is TokenPurpose.RESET else activation_mail
                outgoing.append((user.email, build(ctx.settings, token)))
        await queries.delete_mail_requests([r.id for r in requests])
    # After the commit, as every mail of this service: a mailed token always exists. A mail
    # that fails is logged and can be asked for again.
    for to, (subject, body) in outgoing:
        await send_quietly(ctx.mailer, to=to, subject=subject, body=body)
    return len(requests)


async def deliver_queued_mails(ctx: AuthContext, *, batch_size: int = MAIL_QUEUE_BATCH) -> int:
    """Take every queued mail request: issue the token and mail it where an account calls
    for one, and drop the request either way. Returns how many requests were taken."""
    taken = 0
    while True:
        count = await _deliver_batch(ctx, batch_size)
        taken += count
        if count < batch_size:
            return taken
