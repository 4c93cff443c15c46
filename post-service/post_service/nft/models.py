from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model


class NftStatus(str, Enum):
    READY_FOR_MINTING = "READY_FOR_MINTING"
    MINTING_IN_PROGRESS = "MINTING_IN_PROGRESS"
    MINTING_COMPLETED = "MINTING_COMPLETED"
    MINTING_FAILED = "MINTING_FAILED"


# Not minted yet: the metadata may still change, and the record goes with its post.
PENDING = (NftStatus.READY_FOR_MINTING, NftStatus.MINTING_FAILED)


class PostNFT(Model):
    """One per post. ``post_id`` is a plain column, not a foreign key: a minted token outlives
    the post it was made from."""

    id = fields.UUIDField(primary_key=True)
    post_id = fields.UUIDField(unique=True)
    author_id = fields.UUIDField()
    status = fields.CharEnumField(NftStatus, max_length=30)
    data: dict = fields.JSONField()
    cid = fields.CharField(max_length=100)
    token_uri = fields.CharField(max_length=120)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "post_nft"
