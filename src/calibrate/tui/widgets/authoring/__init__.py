"""Widgets of the rubric editor."""
