"""A coach's view across schools, on a database that ``calibrate merge`` filled: how each school
scores the samples every school scored, against their agreed levels (``schools``), and every
school's raters on one Rasch scale (``rasch``). May import storage, stats, domain and
``services.reliability``.
"""
