"""Serving calibrate to browsers for a live meeting (``calibrate serve``)."""
