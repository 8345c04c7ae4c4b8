"""calibrate: calibration meetings for teacher teams."""

__version__ = "0.1.0"
