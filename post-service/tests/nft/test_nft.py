"""PostNFT records: made on publication, regenerated while unminted, kept or removed with the
post by status, and readable with the post's visibility rules."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from chassis.testing import assert_error
from post_service.nft.cid import MAX_SINGLE_CHUNK, cid_v1_raw
from post_service.nft.models import NftStatus, PostNFT
from post_service.nft.service import canonical_bytes
from tests.conftest import API, User, create_post, create_user


async def read_nft(client: httpx.AsyncClient, user: User, post_id: str) -> httpx.Response:
    return await client.get(f"{API}/posts/{post_id}/nft", headers=user.headers)


def canonical(data: dict[str, Any]) -> bytes:
    """Written independently of the service: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


async def test_publishing_creates_the_record(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann, bob = await create_user(auth), await create_user(auth)
    post = await create_post(
        client, ann, title="Sunrise", content="Über den Wolken 🌅", categories=["TRAVEL", "ART"]
    )
    response = await read_nft(client, bob, post["id"])
    assert response.status_code == 200, response.text
    nft = response.json()
    assert nft["post_id"] == post["id"]
    assert nft["status"] == "READY_FOR_MINTING"
    assert nft["token_uri"] == f"ipfs://{nft['cid']}"
    assert nft["cid"].startswith("bafkrei")
    data = nft["data"]
    assert set(data) == {"name", "description", "image", "properties"}
    assert (data["name"], data["description"]) == ("Sunrise", "Über den Wolken 🌅")
    assert data["properties"] == {
        "post_id": post["id"],
        "author_id": ann.id,
        "categories": ["TRAVEL", "ART"],
        "created_at": post["created_at"].replace("Z", "+00:00"),
    }
    assert data["image"].startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(data["image"].split(",", 1)[1]).startswith(b"<svg")
    # The CID is the CID of the canonical bytes of exactly this metadata.
    assert canonical(data) == canonical_bytes(data)
    assert nft["cid"] == cid_v1_raw(canonical(data))
    assert await PostNFT.filter(post_id=post["id"]).count() == 1


async def test_drafts_have_none_until_published(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann = await create_user(auth)
    post = await create_post(client, ann, status="DRAFT", title=None)
    assert_error(await read_nft(client, ann, post["id"]), 404, "nft_not_found")
    await client.patch(f"{API}/posts/{post['id']}", json={"content": "edited"}, headers=ann.headers)
    assert not await PostNFT.exists(post_id=post["id"])
    published = await client.patch(
        f"{API}/posts/{post['id']}", json={"status": "POSTED"}, headers=ann.headers
    )
    assert published.status_code == 200
    nft = (await read_nft(client, ann, post["id"])).json()
    assert nft["data"]["name"] == f"Post {post['id']}"  # no title
    assert nft["data"]["description"] == "edited"


async def test_visibility_follows_the_post(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann, bob = await create_user(auth), await create_user(auth)
    post = await create_post(client, ann)
    await client.patch(
        f"{API}/posts/{post['id']}", json={"status": "ARCHIVED"}, headers=ann.headers
    )
    assert (await read_nft(client, ann, post["id"])).status_code == 200
    assert_error(await read_nft(client, bob, post["id"]), 404, "post_not_found")
    assert_error(await client.get(f"{API}/posts/{post['id']}/nft"), 401, "unauthorized")


async def test_editing_regenerates_unminted_metadata(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann = await create_user(auth)
    post = await create_post(client, ann, content="first")
    before = (await read_nft(client, ann, post["id"])).json()
    await client.patch(f"{API}/posts/{post['id']}", json={"content": "second"}, headers=ann.headers)
    after = (await read_nft(client, ann, post["id"])).json()
    assert after["id"] == before["id"]
    assert after["data"]["description"] == "second"
    assert after["cid"] != before["cid"]
    assert after["cid"] == cid_v1_raw(canonical(after["data"]))

    # A failed mint gets the new metadata and is ready again.
    await PostNFT.filter(post_id=post["id"]).update(status=NftStatus.MINTING_FAILED)
    await client.patch(f"{API}/posts/{post['id']}", json={"title": "third"}, headers=ann.headers)
    failed = (await read_nft(client, ann, post["id"])).json()
    assert (failed["data"]["name"], failed["status"]) == ("third", "READY_FOR_MINTING")

    # Archived edits wait for the next publication, which brings the metadata up to date.
    await client.patch(
        f"{API}/posts/{post['id']}", json={"status": "ARCHIVED"}, headers=ann.headers
    )
    await client.patch(f"{API}/posts/{post['id']}", json={"content": "fourth"}, headers=ann.headers)
    assert (await read_nft(client, ann, post["id"])).json()["data"]["description"] == "second"
    await client.patch(f"{API}/posts/{post['id']}", json={"status": "POSTED"}, headers=ann.headers)
    assert (await read_nft(client, ann, post["id"])).json()["data"]["description"] == "fourth"


@pytest.mark.parametrize("status", ["MINTING_IN_PROGRESS", "MINTING_COMPLETED"])
async def test_minting_freezes_the_metadata(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, status: str
) -> None:
    ann = await create_user(auth)
    post = await create_post(client, ann, content="original")
    await PostNFT.filter(post_id=post["id"]).update(status=status)
    before = (await read_nft(client, ann, post["id"])).json()
    await client.patch(
        f"{API}/posts/{post['id']}", json={"content": "changed"}, headers=ann.headers
    )
    after = (await read_nft(client, ann, post["id"])).json()
    assert after == before


@pytest.mark.parametrize(
    ("status", "kept"),
    [
        ("READY_FOR_MINTING", False),
        ("MINTING_FAILED", False),
        ("MINTING_IN_PROGRESS", True),
        ("MINTING_COMPLETED", True),
    ],
)
async def test_deleting_the_post_keeps_only_minted_records(
    client: httpx.AsyncClient, auth: httpx.AsyncClient, status: str, kept: bool
) -> None:
    ann = await create_user(auth)
    post = await create_post(client, ann)
    await PostNFT.filter(post_id=post["id"]).update(status=status)
    response = await client.delete(f"{API}/posts/{post['id']}", headers=ann.headers)
    assert response.status_code == 204
    assert await PostNFT.exists(post_id=post["id"]) is kept


async def test_the_largest_post_fits_one_chunk(
    client: httpx.AsyncClient, auth: httpx.AsyncClient
) -> None:
    ann = await create_user(auth)
    post = await create_post(client, ann, title="🙂" * 100, content="🙂" * 10_000)
    nft = (await read_nft(client, ann, post["id"])).json()
    size = len(canonical(nft["data"]))
    assert 40_000 < size < MAX_SINGLE_CHUNK
