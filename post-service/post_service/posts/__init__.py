"""Posts: create, read, update, delete, lists and the home feed."""
