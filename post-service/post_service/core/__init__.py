"""Wiring of the chassis to the post service."""
