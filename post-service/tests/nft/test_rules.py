"""The NFT record's rules as pure functions (``nft.service``): no database."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from post_service.nft.models import NftStatus, PostNFT
from post_service.nft.service import nft_metadata, placeholder_image, takes_new_metadata, token_uri
from post_service.posts.models import Post, PostStatus

pytestmark = pytest.mark.usefixtures("orm_models")

AT = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def test_metadata_is_the_posts_and_the_same_wherever_it_is_computed() -> None:
    post = Post(
        id=uuid.uuid4(),
        author_id=uuid.uuid4(),
        title=None,
        content="Hello",
        categories=["ART"],
        status=PostStatus.POSTED,
        created_at=AT,
    )
    metadata = nft_metadata(post)
    assert metadata == {
        "name": f"Post {post.id}",  # no title: named after the post
        "description": "Hello",
        "image": placeholder_image(post.id),
        "properties": {
            "post_id": str(post.id),
            "author_id": str(post.author_id),
            "categories": ["ART"],
            "created_at": AT.isoformat(),
        },
    }
    assert nft_metadata(post) == metadata
    assert placeholder_image(post.id) != placeholder_image(uuid.uuid4())
    assert token_uri("bafkreiabc") == "ipfs://bafkreiabc"


@pytest.mark.parametrize(
    ("status", "cid", "changes"),
    [
        (NftStatus.READY_FOR_MINTING, "new", True),
        (NftStatus.MINTING_FAILED, "new", True),
        (NftStatus.READY_FOR_MINTING, "old", False),  # the same metadata
        (NftStatus.MINTING_IN_PROGRESS, "new", False),  # minting started: frozen
        (NftStatus.MINTING_COMPLETED, "new", False),
    ],
)
def test_only_an_unminted_record_takes_new_metadata(
    status: NftStatus, cid: str, changes: bool
) -> None:
    assert takes_new_metadata(PostNFT(status=status, cid="old"), cid) is changes
