"""The Textual app a facilitator, teacher or coach uses: ``app.py`` wires the screens (grouped by
capability in ``screens/``) and their widgets (``widgets/``); one ``app.tcss`` styles them all.
May import ``calibrate.services`` and ``calibrate.domain``; the store is used on the app's thread
only, and workers receive plain data.
"""
