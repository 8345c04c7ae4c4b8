"""calibrate.tui.widgets."""
