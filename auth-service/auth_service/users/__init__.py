"""Profiles, connections and account administration."""
