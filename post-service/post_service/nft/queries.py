"""Every database statement of the NFT records."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from post_service.nft.models import PENDING, NftStatus, PostNFT


async def lock_nft_of_post(post_id: uuid.UUID) -> PostNFT | None:
    return await PostNFT.filter(post_id=post_id).select_for_update().first()


async def nft_of_post(post_id: uuid.UUID) -> PostNFT | None:
    return await PostNFT.get_or_none(post_id=post_id)


async def insert_nft(
    *,
    post_id: uuid.UUID,
    author_id: uuid.UUID,
    status: NftStatus,
    data: dict[str, Any],
    cid: str,
    token_uri: str,
    now: datetime,
) -> PostNFT:
    return await PostNFT.create(
        id=uuid.uuid4(),
        post_id=post_id,
        author_id=author_id,
        status=status,
        data=data,
        cid=cid,
        token_uri=token_uri,
        created_at=now,
        updated_at=now,
    )


async def save_nft(nft: PostNFT, *, fields: list[str]) -> None:
    await nft.save(update_fields=fields)


async def delete_pending_nfts(post_ids: list[uuid.UUID]) -> int:
    """Drop the records of these posts that minting has not started on."""
    return await PostNFT.filter(post_id__in=post_ids, status__in=list(PENDING)).delete()
