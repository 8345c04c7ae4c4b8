"""The coach's Raters screen."""
