"""Domain logic as plain functions. No Flask request globals: the acting user and objects
are passed in, so every rule can be tested without a request."""
