"""Views, comments and reactions counted from the interaction service's events."""
