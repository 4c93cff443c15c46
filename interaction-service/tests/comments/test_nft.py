"""Content addresses of comment metadata: CIDv1, raw codec, sha2-256, base32 lower-case."""

from __future__ import annotations

import hashlib
import json

import httpx

from interaction_service.comments import nft
from interaction_service.comments.models import CommentNFT
from tests.conftest import API, Bus, Cast, comment, create_post

HELLO_WORLD_CID = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
RFC4648_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


def independent_cid(data: bytes) -> str:
    """A second implementation, written from the specs without base64.b32encode: the CID's
    bytes (version, codec, multihash) read 5 bits at a time into the RFC 4648 alphabet."""
    cid_bytes = b"\x01" + b"\x55" + b"\x12\x20" + hashlib.sha256(data).digest()
    bits = "".join(f"{byte:08b}" for byte in cid_bytes)
    bits += "0" * (-len(bits) % 5)
    return "b" + "".join(RFC4648_BASE32[int(bits[i : i + 5], 2)] for i in range(0, len(bits), 5))


def test_the_published_test_vector() -> None:
    assert nft.cid_v1_raw(b"hello world") == HELLO_WORLD_CID
    assert independent_cid(b"hello world") == HELLO_WORLD_CID


def test_both_implementations_agree_on_metadata_and_edge_cases() -> None:
    metadata = nft.comment_metadata(
        comment_id="c",
        post_id="p",
        author_id="a",
        parent_id=None,
        content='Grüße, 世界 🎉 "quoted"\nsecond line',
        created_at="2026-01-01T00:00:00+00:00",
        edited_at=None,
    )
    for data in (b"", b"\x00" * 100, nft.canonical_bytes(metadata)):
        cid = nft.cid_v1_raw(data)
        assert cid == independent_cid(data)
        assert cid.startswith("bafkrei") and cid == cid.lower() and "=" not in cid
        assert len(cid) == 59


def test_canonical_bytes_are_sorted_compact_utf8() -> None:
    document = {"b": 1, "a": {"z": "é", "y": [1, 2]}}
    raw = nft.canonical_bytes(document)
    assert raw == '{"a":{"y":[1,2],"z":"é"},"b":1}'.encode()
    # Key order in the source does not change the address.
    assert nft.cid_v1_raw(raw) == nft.cid_v1_raw(
        nft.canonical_bytes({"a": {"y": [1, 2], "z": "é"}, "b": 1})
    )


async def test_every_comment_gets_its_nft_record(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.alice, post_id, "Mint me")

    response = await client.get(f"{API}/comments/{created['id']}/nft", headers=users.bob.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    metadata = body["metadata"]
    assert set(metadata) == {"name", "description", "image", "properties"}
    assert metadata["description"] == "Mint me"
    assert metadata["image"].startswith("data:image/svg+xml;base64,")
    assert metadata["properties"]["comment_id"] == created["id"]
    assert metadata["properties"]["post_id"] == post_id
    assert metadata["properties"]["author_id"] == users.alice.id
    # The URI is the address of the canonical bytes, by both implementations.
    canonical = json.dumps(metadata, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert body["cid"] == independent_cid(canonical.encode())
    assert body["token_uri"] == f"ipfs://{body['cid']}"
    stored = await CommentNFT.get(comment_id=created["id"])
    assert stored.cid == body["cid"] and stored.metadata == metadata


async def test_an_edit_readdresses_the_metadata_and_a_deletion_erases_it(
    client: httpx.AsyncClient, bus: Bus, users: Cast
) -> None:
    post_id = await create_post(bus, users.carol)
    created = await comment(client, users.alice, post_id, "First words")
    url = f"{API}/comments/{created['id']}/nft"
    before = (await client.get(url, headers=users.alice.headers)).json()

    edited = await client.patch(
        f"{API}/comments/{created['id']}",
        json={"content": "Better words"},
        headers=users.alice.headers,
    )
    assert edited.status_code == 200
    after = (await client.get(url, headers=users.alice.headers)).json()
    assert after["metadata"]["description"] == "Better words"
    assert after["metadata"]["properties"]["edited_at"] is not None
    assert after["cid"] != before["cid"]
    assert after["cid"] == independent_cid(nft.canonical_bytes(after["metadata"]))

    deleted = await client.delete(f"{API}/comments/{created['id']}", headers=users.alice.headers)
    assert deleted.status_code == 204
    gone = await client.get(url, headers=users.alice.headers)
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "nft_not_found"
    assert not await CommentNFT.filter(comment_id=created["id"]).exists()


async def test_nft_of_an_unknown_comment_is_404(client: httpx.AsyncClient, users: Cast) -> None:
    response = await client.get(
        f"{API}/comments/00000000-0000-4000-8000-000000000000/nft", headers=users.alice.headers
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "comment_not_found"
