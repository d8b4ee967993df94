"""Carnival's economy: one door (grant/spend) for every movement of value."""
