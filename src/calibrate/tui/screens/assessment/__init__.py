"""Tests mapped to learning targets: results entry (a keyboard grid) and the class view."""
