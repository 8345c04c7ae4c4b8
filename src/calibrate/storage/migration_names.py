"""The names of calibrate's schema migrations, in the order they run.

Opening a file that already has exactly these (the usual case) is then one query, with no need
to load sqlite-utils or the migrations themselves. :mod:`calibrate.storage.migrations` checks,
when it is imported, that it registers exactly these names in this order.
"""

from __future__ import annotations

MIGRATION_SET = "calibrate"
MIGRATION_NAMES = (
    "m001_initial",
    "m002_session_codes",
    "m003_contracts",
    "m004_reveal_names",
    "m005_master_key_per_rubric",
    "m006_contract_class",
    "m008_room_seats",
    "m009_assessments",
    "m010_stable_ids",
    "m011_round_items",
    "m012_master_key_timing",
    "m013_assessment_ids",
    "m014_hashed_codes",
    "m015_hashed_join_codes",
)
