"""Pure domain objects: the records of calibration meetings and the ratings table."""
