"""Sign-up, activation, sign-in, tokens and passwords."""
