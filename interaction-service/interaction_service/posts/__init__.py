"""What this service knows of posts: a projection fed by the post service's events."""
