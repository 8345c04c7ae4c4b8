"""The records: load a workshop kit, set up the demo, back up the database (``database``),
export a session's records (``exports``), write a session's report or export from the app
(``session_files``), list what is stored (``catalog``), merge other schools' databases in
(``merge``) and write this one's for a coach (``sync``). May import storage, domain,
``services.meeting`` and ``services.reports``.
"""
