"""The meeting served to raters' browsers (``calibrate serve``): join and facilitator codes,
seats, and what a rater may see and write. May import storage, domain and ``services.meeting``.
"""
