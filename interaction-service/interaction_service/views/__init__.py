"""Post views: every view is recorded; one per user and window is counted."""
