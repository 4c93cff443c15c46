"""Comments and replies on posts, each with its NFT metadata record."""
