"""What this service knows of users: a projection of auth's user and connection events."""
