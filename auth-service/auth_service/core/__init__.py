"""Wiring of the chassis to the auth service."""
