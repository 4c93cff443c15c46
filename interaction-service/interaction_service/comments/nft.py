"""NFT metadata of a comment and its content address.

The metadata is ERC-1155 JSON (``name``, ``description``, ``image``, ``properties``). Its
address is a CIDv1 of the canonical bytes (JSON with sorted keys, no spaces, UTF-8): codec
raw (0x55), multihash sha2-256 (0x12, 0x20, digest), multibase base32 lower-case without
padding (prefix ``b``), so every CID starts ``bafkrei``: what ``ipfs add --cid-version=1``
gives for content that fits one 256 KiB chunk (5,000 characters of content always do). The
same bytes give the same CID here and in the post service, without any IPFS library:
``cid.py`` is the platform's one CID module, the same file byte for byte in both services
(tests/repo/test_cid.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from interaction_service.comments.cid import cid_v1_raw


def placeholder_image(comment_id: str) -> str:
    """A deterministic picture (as the post service makes for posts): an SVG data URI of a
    square coloured from the id, so the metadata never points at a server."""
    colour = hashlib.sha256(comment_id.encode()).hexdigest()[:6]
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">'
        f'<rect width="512" height="512" fill="#{colour}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def canonical_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def comment_metadata(
    *,
    comment_id: str,
    post_id: str,
    author_id: str,
    parent_id: str | None,
    content: str,
    created_at: str,
    edited_at: str | None,
) -> dict[str, Any]:
    return {
        "name": f"Comment {comment_id}",
        "description": content,
        "image": placeholder_image(comment_id),
        "properties": {
            "kind": "comment",
            "comment_id": comment_id,
            "post_id": post_id,
            "author_id": author_id,
            "parent_id": parent_id,
            "created_at": created_at,
            "edited_at": edited_at,
        },
    }


def token_uri(metadata: dict[str, Any]) -> tuple[str, str]:
    """(CID, ``ipfs://<CID>``) of the metadata's canonical bytes."""
    cid = cid_v1_raw(canonical_bytes(metadata))
    return cid, f"ipfs://{cid}"
