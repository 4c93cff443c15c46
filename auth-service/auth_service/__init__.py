"""The auth service: users, tokens, connections."""
