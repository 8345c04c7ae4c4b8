"""A coach's view across schools, on a database that ``calibrate merge`` filled: how each school
scores the samples every school scored, against their agreed levels. May import storage, stats
and domain.
"""
