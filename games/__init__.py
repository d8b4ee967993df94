"""Carnival's game engine, fairness scheme, prize pools and the pluggable games."""
