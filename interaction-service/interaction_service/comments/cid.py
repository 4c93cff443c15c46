"""IPFS content identifiers computed locally, exactly as ``ipfs add --cid-version=1`` does for
content that fits one chunk (256 KiB): a single raw leaf.

CIDv1 = <version 0x01> <codec raw 0x55> <multihash: sha2-256 0x12, length 0x20, digest>,
written in multibase base32 (RFC 4648 alphabet, lower case, no padding) with the prefix ``b``.
"""

from __future__ import annotations

import base64
import hashlib

CID_VERSION = 0x01
RAW_CODEC = 0x55
SHA2_256 = 0x12
SHA2_256_LENGTH = 0x20
# `ipfs add` splits content into 256 KiB chunks; above that the CID would be a DAG root.
MAX_SINGLE_CHUNK = 256 * 1024


def cid_v1_raw(content: bytes) -> str:
    if len(content) > MAX_SINGLE_CHUNK:
        raise ValueError(f"content of {len(content)} bytes does not fit one 256 KiB chunk")
    multihash = bytes([SHA2_256, SHA2_256_LENGTH]) + hashlib.sha256(content).digest()
    cid = bytes([CID_VERSION, RAW_CODEC]) + multihash
    return "b" + base64.b32encode(cid).decode("ascii").lower().rstrip("=")
