"""``python -m calibrate``: the same as the ``calibrate`` command."""

from calibrate.cli.main import main

main()
