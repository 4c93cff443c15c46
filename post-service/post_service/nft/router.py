"""A post's NFT record (``/posts/{id}/nft``), with the post's visibility rules."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from chassis.schemas import error_responses
from chassis.tokens import CurrentUser
from post_service.nft import service
from post_service.nft.schemas import NftRead

router = APIRouter(tags=["nft"])


@router.get("/posts/{post_id}/nft", responses=error_responses(401, 404, 410, 422, 503))
async def read_nft(post_id: uuid.UUID, user: CurrentUser) -> NftRead:
    """The post's NFT metadata record; 404 until the post is first published."""
    return NftRead.of(await service.nft_of_post(post_id, viewer=user))
