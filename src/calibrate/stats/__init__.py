"""Agreement statistics: pure numpy/scipy, result objects, no I/O."""
