"""The mails this service sends: (subject, body) for each purpose."""

from __future__ import annotations

from auth_service.settings import AuthSettings

Mail = tuple[str, str]


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
