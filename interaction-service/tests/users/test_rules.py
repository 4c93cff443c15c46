"""The pure rules of the users projection: who may write, what a token seeds, names shown."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from chassis.errors import Forbidden
from chassis.tokens import Identity
from interaction_service.users.models import User
from interaction_service.users.service import identity_id, refuse_silenced, seed_of

WHEN = datetime(2026, 5, 1, tzinfo=timezone.utc)


def identity(status: str = "ACTIVE", **names: str) -> Identity:
    return Identity(id=str(uuid.uuid4()), role="user", status=status, **names)


@pytest.mark.parametrize(
    ("status", "code"), [("MUTED", "account_muted"), ("BANNED", "account_banned")]
)
def test_silenced_accounts_may_not_write(status: str, code: str) -> None:
    with pytest.raises(Forbidden) as refused:
        refuse_silenced(identity(status))
    assert refused.value.code == code


@pytest.mark.parametrize("status", ["ACTIVE", "PENDING", "muted"])
def test_other_accounts_may(status: str) -> None:
    refuse_silenced(identity(status))


def test_a_token_seeds_the_row_cut_to_its_columns() -> None:
    user = identity("S" * 30, first_name="F" * 150, last_name="Liddell")
    seed = seed_of(user)
    assert seed.id == identity_id(user) == uuid.UUID(str(user.id))
    assert (seed.first_name, seed.last_name, seed.status) == ("F" * 100, "Liddell", "S" * 20)


def test_the_display_name_is_both_names_or_none() -> None:
    assert User(id=uuid.uuid4(), first_name="Alice", last_name="Liddell").display_name == (
        "Alice Liddell"
    )
    assert User(id=uuid.uuid4(), first_name="Alice", last_name="").display_name == "Alice"
    assert User(id=uuid.uuid4(), first_name="", last_name="").display_name is None
    gone = User(id=uuid.uuid4(), first_name="Alice", last_name="Liddell", deleted_at=WHEN)
    assert gone.display_name is None  # a deleted account shows no name
