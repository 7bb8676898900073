"""Handlers of domain events that concern customers (connected on import from apps.py)."""
