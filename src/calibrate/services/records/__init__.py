"""The records: load a workshop kit, set up the demo, back up the database (``database``),
export a session's records (``exports``), list what is stored (``catalog``), merge other
schools' databases in (``merge``) and write this one's for a coach (``sync``). May import
storage, domain and ``services.meeting``.
"""
