"""Agreement statistics for a ratings file (``calibrate agree``) and their plain-language
rendering for the terminal. May import storage (the ratings CSV reader), stats and domain.
"""
