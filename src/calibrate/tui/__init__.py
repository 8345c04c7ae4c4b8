"""calibrate.tui."""
