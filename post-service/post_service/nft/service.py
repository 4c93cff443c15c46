"""PostNFT records: created when a post is published, regenerated while not yet minted,
removed with the post unless minting has started.

Metadata is ERC-1155 JSON (``name``, ``description``, ``image``, ``properties``). Its canonical
bytes are the JSON with sorted keys, no spaces, UTF-8; ``token_uri`` is ``ipfs://<CID>`` of
those bytes (see ``cid.py``). ``image`` is a deterministic placeholder: an SVG data URI,
a square filled with a colour derived from the post id, so the metadata never points at a
server and is the same wherever it is computed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from datetime import datetime, timezone
from typing import Any

from chassis.errors import NotFound
from chassis.tokens import Identity
from post_service.nft import queries
from post_service.nft.cid import MAX_SINGLE_CHUNK, cid_v1_raw
from post_service.nft.models import PENDING, NftStatus, PostNFT
from post_service.posts.access import get_post
from post_service.posts.models import Post

# --- metadata -----------------------------------------------------------------------------


def placeholder_image(post_id: uuid.UUID) -> str:
    colour = hashlib.sha256(str(post_id).encode()).hexdigest()[:6]
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">'
        f'<rect width="512" height="512" fill="#{colour}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def nft_metadata(post: Post) -> dict[str, Any]:
    return {
        "name": post.title or f"Post {post.id}",
        "description": post.content,
        "image": placeholder_image(post.id),
        "properties": {
            "post_id": str(post.id),
            "author_id": str(post.author_id),
            "categories": list(post.categories),
            "created_at": post.created_at.astimezone(timezone.utc).isoformat(),
        },
    }


def canonical_bytes(metadata: dict[str, Any]) -> bytes:
    return json.dumps(metadata, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def _addressed(post: Post) -> tuple[dict[str, Any], str]:
    metadata = nft_metadata(post)
    content = canonical_bytes(metadata)
    # 10,000 characters of content stay far below this; the check keeps the CID a single leaf.
    assert len(content) <= MAX_SINGLE_CHUNK, "NFT metadata must fit one 256 KiB chunk"
    return metadata, cid_v1_raw(content)


def token_uri(cid: str) -> str:
    return f"ipfs://{cid}"


def takes_new_metadata(nft: PostNFT, cid: str) -> bool:
    """Only a record not yet minted changes, and only when its metadata did."""
    return nft.status in PENDING and nft.cid != cid


# --- records ------------------------------------------------------------------------------


async def publish_nft(post: Post, *, now: datetime) -> PostNFT:
    """The post is POSTED: create its record, or regenerate it while it is not minted."""
    metadata, cid = _addressed(post)
    nft = await queries.lock_nft_of_post(post.id)
    if nft is None:
        return await queries.insert_nft(
            post_id=post.id,
            author_id=post.author_id,
            status=NftStatus.READY_FOR_MINTING,
            data=metadata,
            cid=cid,
            token_uri=token_uri(cid),
            now=now,
        )
    if takes_new_metadata(nft, cid):
        # New metadata has never been tried: a failed mint starts over as ready.
        nft.data = metadata
        nft.cid = cid
        nft.token_uri = token_uri(cid)
        nft.status = NftStatus.READY_FOR_MINTING
        nft.updated_at = now
        await queries.save_nft(nft, fields=["data", "cid", "token_uri", "status", "updated_at"])
    return nft


async def discard_pending_nfts(post_ids: list[uuid.UUID]) -> int:
    """The posts are gone: drop their records unless minting started (those stay)."""
    if not post_ids:
        return 0
    return await queries.delete_pending_nfts(post_ids)


async def nft_of_post(post_id: uuid.UUID, *, viewer: Identity) -> PostNFT:
    """The NFT record of a post ``viewer`` may see (the post's 404 and 410 first); 404 until
    the post is first published."""
    post = await get_post(post_id, viewer=viewer)
    nft = await queries.nft_of_post(post.id)
    if nft is None:
        raise NotFound("This post has no NFT record", code="nft_not_found")
    return nft
