"""One CID module for the platform: every service that computes IPFS CIDs carries the same
``cid.py``, byte for byte, and it agrees with an implementation written here from the specs
(multiformats CIDv1, multihash, RFC 4648 base32) without ``base64.b32encode``."""

from __future__ import annotations

import hashlib
import importlib.util
import random
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
CID_MODULES = sorted(
    p for p in ROOT.glob("*-service/*_service/**/cid.py") if ".venv" not in p.parts
)
ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"cid_{path.parts[-4]}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def independent_cid(content: bytes) -> str:
    """CIDv1 = varint(1) varint(0x55 raw) multihash(0x12 sha2-256, 32, digest), multibase 'b'."""
    raw = bytes([1, 0x55, 0x12, 32]) + hashlib.sha256(content).digest()
    bits = "".join(f"{byte:08b}" for byte in raw)
    bits += "0" * (-len(bits) % 5)
    return "b" + "".join(ALPHABET[int(bits[i : i + 5], 2)] for i in range(0, len(bits), 5))


def test_every_service_that_computes_cids_has_the_same_module() -> None:
    assert len(CID_MODULES) >= 2, CID_MODULES  # post's and interaction's NFT metadata
    first = CID_MODULES[0].read_bytes()
    for path in CID_MODULES[1:]:
        assert path.read_bytes() == first, f"{path} differs from {CID_MODULES[0]}"


@pytest.mark.parametrize("path", CID_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_module_agrees_with_an_independent_implementation(path: Path) -> None:
    module = load(path)
    # The well-known vector: `ipfs add --cid-version=1 --raw-leaves` of "hello world".
    assert module.cid_v1_raw(b"hello world") == (
        "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"
    )
    rng = random.Random(5)
    for size in (0, 1, 31, 32, 33, 1000, 256 * 1024):
        content = rng.randbytes(size)
        assert module.cid_v1_raw(content) == independent_cid(content), size
    with pytest.raises(ValueError):
        module.cid_v1_raw(b"x" * (256 * 1024 + 1))
