"""What this service knows of users: display data fed by the auth service's events."""
