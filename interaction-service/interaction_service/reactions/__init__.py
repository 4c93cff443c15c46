"""Reactions to posts: at most one per user and post."""
