"""Wiring of the chassis to the interaction service."""
