"""The user projection's rules as pure functions (``authors.service``): no database."""

from __future__ import annotations

import uuid

from chassis.tokens import Identity
from post_service.authors.service import (
    author_from_identity,
    connection_pair,
    lock_key,
    lock_order,
)


def test_lock_keys_are_the_ids_first_eight_bytes_as_a_signed_bigint() -> None:
    assert lock_key(uuid.UUID("00000000-0000-0001-ffff-ffffffffffff")) == 1
    assert lock_key(uuid.UUID("ffffffff-ffff-ffff-0000-000000000000")) == -1
    assert -(2**63) <= lock_key(uuid.uuid4()) < 2**63


def test_users_are_locked_once_each_in_one_order() -> None:
    a, b, c = sorted(uuid.uuid4() for _ in range(3))
    assert lock_order([c, a, b, a]) == [a, b, c]


def test_a_connection_is_stored_lower_id_first_and_never_with_oneself() -> None:
    a, b = sorted((uuid.uuid4(), uuid.uuid4()))
    assert connection_pair(b, a) == connection_pair(a, b) == (a, b)
    assert connection_pair(a, a) is None


def test_an_author_from_the_token_check_fits_the_columns() -> None:
    user_id = uuid.uuid4()
    identity = Identity(
        id=user_id,
        role="user",
        status="ACTIVE",
        claims={"first_name": "A" * 150, "last_name": "Lee", "total_connections": -3},
    )
    assert author_from_identity(identity) == {
        "user_id": user_id,
        "first_name": "A" * 100,
        "last_name": "Lee",
        "status": "ACTIVE",
        "total_connections": 0,
    }
    bare = Identity(id=user_id, role="user", status="ACTIVE", claims={"total_connections": 4})
    assert author_from_identity(bare) == {
        "user_id": user_id,
        "first_name": "",
        "last_name": "",
        "status": "ACTIVE",
        "total_connections": 4,
    }
