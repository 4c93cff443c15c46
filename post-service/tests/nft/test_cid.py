"""The CID function against the published vector and an independent implementation."""

from __future__ import annotations

import hashlib

import pytest

from post_service.nft.cid import MAX_SINGLE_CHUNK, cid_v1_raw

# RFC 4648 section 6, written out by hand rather than taken from base64.b32encode.
RFC4648_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def base32_rfc4648_lower(data: bytes) -> str:
    """Five bits at a time, most significant first; the last group zero-padded, no '='."""
    bits = "".join(f"{byte:08b}" for byte in data)
    bits += "0" * (-len(bits) % 5)
    return "".join(RFC4648_ALPHABET[int(bits[i : i + 5], 2)] for i in range(0, len(bits), 5))


def reference_cid(content: bytes) -> str:
    """CIDv1 as its spec lays out the bytes: version 1, raw codec, sha2-256 multihash."""
    version, raw_codec = b"\x01", b"\x55"
    multihash = b"\x12\x20" + hashlib.sha256(content).digest()
    return "b" + base32_rfc4648_lower(version + raw_codec + multihash)


def test_hello_world_is_the_published_cid() -> None:
    assert (
        cid_v1_raw(b"hello world") == "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
    )


def test_the_reference_implementation_agrees_with_the_vector() -> None:
    assert reference_cid(b"hello world") == (
        "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
    )


@pytest.mark.parametrize(
    "content",
    [b"", b"a", "é ü 日本語 🙂".encode(), bytes(range(256)), b"x" * MAX_SINGLE_CHUNK],
)
def test_agrees_with_the_reference_on_other_inputs(content: bytes) -> None:
    cid = cid_v1_raw(content)
    assert cid == reference_cid(content)
    assert cid.startswith("bafkrei") and len(cid) == 59 and cid == cid.lower()


def test_more_than_one_chunk_is_refused() -> None:
    with pytest.raises(ValueError, match="256 KiB"):
        cid_v1_raw(b"x" * (MAX_SINGLE_CHUNK + 1))
