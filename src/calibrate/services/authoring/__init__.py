"""Authoring what a meeting uses: rubrics and their versions (``rubrics``, ``drafts``), work
samples (``samples``, with the ``privacy`` check), raters, the master key, and workshop kits in
and out of the app (``kits``). May import storage, domain and ``services.records``.
"""
