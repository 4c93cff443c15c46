from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator

from auth_service.core.vocabulary import INTERESTS
from auth_service.users.models import Role, User, UserStatus
from chassis.schemas import RequestModel
from chassis.text import name_text

# A person's name (sign-up, PATCH /users/me): the platform's rule for names, chassis.text. At
# least one visible letter or digit, so fillers (U+3164, U+115F, U+2800) and lone combining
# marks are refused; no control, bidi or zero-width characters, except the zero-width
# (non-)joiners Persian and Indic names need.
Name = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(name_text)]


def validate_interests(value: list[str]) -> list[str]:
    unknown = sorted(set(value) - set(INTERESTS))
    if unknown:
        raise ValueError(f"unknown interests: {', '.join(unknown)}; see /users/interests-choices")
    if len(set(value)) != len(value):
        raise ValueError("interests must not repeat")
    return value


class ProfileUpdate(RequestModel):
    first_name: Name | None = None
    last_name: Name | None = None
    interests: list[str] | None = Field(default=None, max_length=len(INTERESTS))

    _interests = field_validator("interests")(
        lambda v: validate_interests(v) if v is not None else v
    )

    @model_validator(mode="after")
    def _no_explicit_nulls(self) -> ProfileUpdate:
        # Leaving a field out keeps it; sending null is a mistake, not a way to erase a name.
        nulls = [name for name in self.model_fields_set if getattr(self, name) is None]
        if nulls:
            raise ValueError(f"must not be null: {', '.join(sorted(nulls))}")
        return self


class AdminUserUpdate(RequestModel):
    role: Role | None = None
    status: UserStatus | None = None


class Me(BaseModel):
    """The caller's own account."""

    id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    interests: list[str]
    role: Role
    status: UserStatus
    is_verified: bool
    total_connections: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, user: User) -> Me:
        return cls.model_validate(user, from_attributes=True)


class PublicUser(BaseModel):
    """Another user's profile: no email, no account status."""

    id: uuid.UUID
    first_name: str
    last_name: str
    interests: list[str]
    role: Role
    total_connections: int
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> PublicUser:
        return cls.model_validate(user, from_attributes=True)


class ConnectionRead(BaseModel):
    user: PublicUser
    connected_at: datetime


class ConnectResult(BaseModel):
    connected: bool = True
    created: bool = Field(description="False when the two users were already connected")
    user: PublicUser


class Identity(BaseModel):
    """What ``/auth/verify-token`` tells other services about the caller."""

    id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    role: Role
    status: UserStatus
    is_verified: bool
    total_connections: int

    @classmethod
    def of(cls, user: User) -> Identity:
        return cls.model_validate(user, from_attributes=True)


class InterestChoices(BaseModel):
    interests: list[str]
