"""The ``calibrate`` command line (click), one module per command group.

``main`` holds the group and the commands that open the app; ``_common`` what every command
shares (the database, one-line errors, tables). Each command is a thin call into
``calibrate.services``, imported inside the command so that ``--help`` loads neither the services
nor the statistics. May import ``calibrate.services``, ``calibrate.domain`` and, for the app,
``calibrate.tui``; never ``calibrate.serve`` except in ``serve``.
"""
