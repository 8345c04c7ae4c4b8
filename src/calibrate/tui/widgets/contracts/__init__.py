"""Widgets of the learning-contract screens."""
