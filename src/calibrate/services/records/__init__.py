"""The records: load a workshop kit, set up the demo, back up the database (``database``),
export a session's records (``exports``) and list what is stored (``catalog``). May import
storage, domain and ``services.meeting``.
"""
