"""Event consumers: each event is translated at the edge into calls of the domains' services."""
