"""Persistence: the only package that imports sqlite-utils."""
