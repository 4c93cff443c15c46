"""Plumbing shared by every service: no domain words live here."""

__version__ = "0.1.0"
