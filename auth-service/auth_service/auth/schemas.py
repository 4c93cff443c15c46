from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, EmailStr, Field, StringConstraints, field_validator

from auth_service.auth.password_policy import check_password
from auth_service.core.vocabulary import INTERESTS
from auth_service.users.schemas import Name, validate_interests
from chassis.schemas import RequestModel

# Every email the service takes: sign-up, sign-in (JSON and the OAuth2 form), mail requests.
Email = Annotated[EmailStr, Field(max_length=320)]
Password = Annotated[str, Field(min_length=1, max_length=1024), AfterValidator(check_password)]
# Sign-in takes any string: policy applies when a password is set, not when it is checked.
AnyPassword = Annotated[str, Field(min_length=1, max_length=1024)]
OpaqueToken = Annotated[str, StringConstraints(min_length=1, max_length=2048)]


class SignupRequest(RequestModel):
    email: Email
    password: Password
    first_name: Name
    last_name: Name
    interests: list[str] = Field(default_factory=list, max_length=len(INTERESTS))

    _interests = field_validator("interests")(validate_interests)


class ActivateRequest(RequestModel):
    token: OpaqueToken


class EmailRequest(RequestModel):
    email: Email


class SigninRequest(RequestModel):
    email: Email
    password: AnyPassword


class RefreshRequest(RequestModel):
    refresh_token: OpaqueToken


class ChangePasswordRequest(RequestModel):
    current_password: AnyPassword
    new_password: Password


class ResetPasswordRequest(RequestModel):
    token: OpaqueToken
    new_password: Password


class TokenPair(RequestModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (a scheme name, not a secret)
    expires_in: int = Field(description="Seconds until the access token expires")


class Accepted(RequestModel):
    detail: str
