"""calibrate.tui.screens."""
