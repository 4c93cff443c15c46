"""Wiring of the chassis to the engagement service."""
