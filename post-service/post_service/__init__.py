"""The post service: posts, feeds, counters and NFT metadata."""
