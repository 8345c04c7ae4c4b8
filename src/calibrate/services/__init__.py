"""Use cases shared by the CLI, the TUI and the room's web server, one package per capability.

- ``meeting``: a calibration meeting, from setting up a session to scoring blind, the board,
  the reveal, consensus and the anchor library.
- ``room``: the meeting served to the raters' browsers: codes, seats, what a rater may see.
- ``agreement``: agreement statistics for a ratings file and their plain-language text.
- ``reliability``: each rater against the master key or consensus, certification, history.
- ``contracts``: students' learning contracts, from a scored sample to a signed plan.
- ``authoring``: rubrics and their versions, samples, raters, master keys, workshop kits.
- ``reports``: the session report, raters' private pages and a coach's report (JSON, Markdown,
  HTML).
- ``records``: loading kits, the demo, backups, exports and the listings of what is stored.

Services may import ``calibrate.storage``, ``calibrate.stats``, ``calibrate.domain`` and each
other (never in a circle); never a front end (``cli``, ``tui``, ``serve``).
"""
