from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from post_service.nft.models import NftStatus, PostNFT


class NftRead(BaseModel):
    id: uuid.UUID
    post_id: uuid.UUID
    status: NftStatus
    token_uri: str = Field(description="ipfs://<CIDv1 of the canonical metadata bytes>")
    cid: str
    data: dict[str, Any] = Field(
        description="ERC-1155 metadata: name, description, image, properties"
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, nft: PostNFT) -> NftRead:
        return cls.model_validate(nft, from_attributes=True)
