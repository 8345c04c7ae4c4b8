"""Widgets of the coach's Raters screen."""
