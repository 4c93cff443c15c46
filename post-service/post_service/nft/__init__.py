"""ERC-1155 metadata of published posts, addressed by a locally computed IPFS CID."""
